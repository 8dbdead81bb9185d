"""people and posts: cases with no worker (and the team holding them), who covers for whom, and
findings about no one in particular (an unallocated case with no worker)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as cases:
        cases.alter_column("worker_id", existing_type=sa.String(length=64), nullable=True)
        cases.add_column(sa.Column("team", sa.String(length=200), nullable=True))
    with op.batch_alter_table("findings") as findings:
        findings.alter_column("staff_id", existing_type=sa.String(length=64), nullable=True)
    op.create_table(
        "cover",
        sa.Column("cover_id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("cover_staff_id", sa.String(length=64), nullable=False),
        sa.Column("from_", sa.Date(), nullable=False),
        sa.Column("to_", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("cover_id", name=op.f("pk_cover")),
    )


def downgrade() -> None:
    op.drop_table("cover")
    with op.batch_alter_table("findings") as findings:
        findings.alter_column("staff_id", existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table("cases") as cases:
        cases.drop_column("team")
        cases.alter_column("worker_id", existing_type=sa.String(length=64), nullable=False)
