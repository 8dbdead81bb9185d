"""finding spans: how long each item stood, kept as long as the messages (`models.spans`),
made at once from the nights whose findings are still kept

Revision ID: 0008
Revises: 0007
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FINDINGS = sa.table(
    "findings",
    sa.column("as_of", sa.Date),
    sa.column("finding_key", sa.String),
    sa.column("staff_id", sa.String),
)
NIGHTS = sa.table("nights", sa.column("as_of", sa.Date))


def upgrade() -> None:
    spans = op.create_table(
        "finding_spans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_key", sa.String(length=300), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_spans")),
        sa.UniqueConstraint("finding_key", "raised_on", name=op.f("uq_finding_spans_finding_key_raised_on")),
    )
    op.create_index("ix_finding_spans_resolved_on", "finding_spans", ["resolved_on"])
    rows = _spans_of_the_nights_kept(op.get_bind())
    for start in range(0, len(rows), 5000):
        op.get_bind().execute(spans.insert(), rows[start : start + 5000])


def _spans_of_the_nights_kept(connection: sa.Connection) -> list[dict[str, object]]:
    """The spans the nights still kept would have made, followed oldest first as
    `models.spans.follow_night` follows them (written out here: a migration stays as it was)."""
    oldest = connection.scalar(sa.select(sa.func.min(FINDINGS.c.as_of)))
    if oldest is None:
        return []
    ran = connection.scalars(sa.select(NIGHTS.c.as_of).where(NIGHTS.c.as_of >= oldest))
    nights: list[date] = sorted({*connection.scalars(sa.select(FINDINGS.c.as_of).distinct()), *ran})
    standing: dict[str, dict[str, object]] = {}
    rows = []
    for night in nights:
        raised = dict(
            connection.execute(
                sa.select(FINDINGS.c.finding_key, FINDINGS.c.staff_id).where(FINDINGS.c.as_of == night)
            ).all()
        )
        for key in [key for key in standing if key not in raised]:
            standing.pop(key)["resolved_on"] = night
        for key, staff_id in raised.items():
            if key not in standing:
                standing[key] = {
                    "finding_key": key,
                    "staff_id": staff_id,
                    "raised_on": night,
                    "resolved_on": None,
                }
                rows.append(standing[key])
    return rows


def downgrade() -> None:
    op.drop_index("ix_finding_spans_resolved_on", table_name="finding_spans")
    op.drop_table("finding_spans")
