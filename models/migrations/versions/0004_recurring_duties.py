"""the recurring duties' inputs (observations, appraisals, audits), and the leavers whose
records the retention rule destroyed

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "observations",
        sa.Column("observation_id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("observer_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("observation_id", name=op.f("pk_observations")),
    )
    op.create_table(
        "appraisals",
        sa.Column("appraisal_id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("appraiser_id", sa.String(length=64), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("appraisal_id", name=op.f("pk_appraisals")),
    )
    op.create_table(
        "audits",
        sa.Column("audit_id", sa.String(length=64), nullable=False),
        sa.Column("auditor_id", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("audited_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("audit_id", name=op.f("pk_audits")),
    )
    op.create_table(
        "erased_staff",
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("erased_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_erased_staff")),
    )


def downgrade() -> None:
    op.drop_table("erased_staff")
    op.drop_table("audits")
    op.drop_table("appraisals")
    op.drop_table("observations")
