"""messages: a claim (who is sending it, until when), and the notices it carries, recorded as
told only once it is sent

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as table:
        table.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        table.add_column(sa.Column("claimed_until", sa.Float(), nullable=True))
        table.add_column(sa.Column("notices", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("messages") as table:
        table.drop_column("notices")
        table.drop_column("claimed_until")
        table.drop_column("claimed_by")
