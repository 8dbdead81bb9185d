"""The outbox table: compose, queue once, deliver what is pending, record each result.

Every message is stored before it is sent, under a key of day and recipient, so a rerun of the
same night finds it already there and a failed send is retried by the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.policy.facts import StaffMember
from models.policy.findings import Finding
from models.tables import MessageRow
from notifications.channels import Channel, Outgoing
from notifications.digest import build_digests
from notifications.render import render


def compose(findings: list[Finding], staff_by_id: dict[str, StaffMember], as_of: date) -> list[Outgoing]:
    """One digest message per recipient for the night of `as_of`."""
    messages = []
    for digest in build_digests(findings, staff_by_id, as_of):
        rendered = render(digest)
        messages.append(
            Outgoing(
                key=f"{as_of}/{digest.recipient.staff_id}/digest",
                recipient_id=digest.recipient.staff_id,
                address=digest.recipient.email,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
            )
        )
    return messages


def queue(engine: Engine, as_of: date, channel: str, messages: list[Outgoing]) -> int:
    """Store messages not stored before; returns how many were new."""
    if not messages:
        return 0
    rows = [
        {
            "message_key": m.key,
            "as_of": as_of,
            "recipient_id": m.recipient_id,
            "channel": channel,
            "address": m.address,
            "subject": m.subject,
            "body_text": m.text,
            "body_html": m.html,
            "status": "queued",
            "attempts": 0,
        }
        for m in messages
    ]
    with engine.begin() as connection:
        insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[connection.dialect.name]
        before = connection.scalar(select(func.count()).select_from(MessageRow))
        for start in range(0, len(rows), 500):
            statement = insert(MessageRow).values(rows[start : start + 500])
            connection.execute(statement.on_conflict_do_nothing(index_elements=["message_key"]))
        after = connection.scalar(select(func.count()).select_from(MessageRow))
    return (after or 0) - (before or 0)


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def deliver_pending(engine: Engine, channel: Channel) -> DeliveryReport:
    """Send every message not yet sent (tonight's, and earlier nights' failures), one at a time
    through the channel, recording each result; a failure does not stop the batch."""
    with engine.connect() as connection:
        pending = (
            connection.execute(
                select(*MessageRow.__table__.columns)
                .where(MessageRow.status != "sent")
                .order_by(MessageRow.id)
            )
            .mappings()
            .all()
        )
    report = DeliveryReport()
    for row in pending:
        message = Outgoing(
            key=row["message_key"],
            recipient_id=row["recipient_id"],
            address=row["address"],
            subject=row["subject"],
            text=row["body_text"],
            html=row["body_html"],
        )
        try:
            where = channel.send(message)
        except Exception as error:  # a channel's failure is recorded, never fatal to the run
            report.failed[message.key] = f"{type(error).__name__}: {error}"
            _record(engine, row["id"], "failed", str(error))
        else:
            report.sent.append(where)
            _record(engine, row["id"], "sent", None)
    return report


def _record(engine: Engine, message_id: int, status: str, error: str | None) -> None:
    values = {"status": status, "attempts": MessageRow.attempts + 1, "last_error": error}
    if status == "sent":
        values["sent_at"] = func.now()
    with engine.begin() as connection:
        connection.execute(update(MessageRow).where(MessageRow.id == message_id).values(**values))
