"""audit outcomes: an audit's grade and the number of actions it agreed (both optional)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audits") as audits:
        audits.add_column(sa.Column("outcome", sa.String(length=30), nullable=True))
        audits.add_column(sa.Column("actions", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audits") as audits:
        audits.drop_column("actions")
        audits.drop_column("outcome")
