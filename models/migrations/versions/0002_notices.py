"""notices: the cadence of reminders per recipient, finding and stage

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("recipient_id", sa.String(length=64), nullable=False),
        sa.Column("finding_key", sa.String(length=300), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("first_sent_on", sa.Date(), nullable=False),
        sa.Column("last_sent_on", sa.Date(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("recipient_id", "finding_key", "stage", name=op.f("pk_notices")),
    )


def downgrade() -> None:
    op.drop_table("notices")
