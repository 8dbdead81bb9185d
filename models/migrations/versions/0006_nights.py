"""nights: the policy each night ran under, resolved, with the digests of it and of its file

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nights",
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("policy", sa.String(length=200), nullable=False),
        sa.Column("resolved", sa.Text(), nullable=False),
        sa.Column("policy_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("as_of", name=op.f("pk_nights")),
    )


def downgrade() -> None:
    op.drop_table("nights")
