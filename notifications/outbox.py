"""The outbox: compose tonight's messages, store them once with their notices, deliver what is
pending, and record each result.

Every message is stored before it is sent, under a key of night, recipient and channel, so a
rerun of the same night finds it already there, and a failed send is retried by the next run.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, bindparam, func, literal_column, select, update

from models.db import batches, upsert_insert
from models.policy.facts import StaffMember
from models.policy.findings import Finding, Recipient
from models.tables import MessageRow, NoticeRow
from notifications.cadence import NoticeKey
from notifications.channels import DeliveryFailed, Outgoing, channel_for
from notifications.digest import build_digests
from notifications.render import render, render_escalations
from notifications.settings import DeliverySettings


def compose(
    notices: list[tuple[Finding, Recipient]],
    staff_by_id: dict[str, StaffMember],
    as_of: date,
    settings: DeliverySettings,
) -> list[Outgoing]:
    """One digest per recipient on their channel, and the night's escalations for the managers'
    Teams channel when one is configured."""
    messages = []
    digests = build_digests(notices, staff_by_id, as_of)
    for digest in digests:
        rendered = render(digest)
        channel, teams = settings.channel_for(digest.recipient.teams)
        told = tuple(
            sorted(
                {(item.finding.key, item.finding.stage.value) for s in digest.sections for item in s.items}
            )
        )
        messages.append(
            Outgoing(
                key=f"{as_of}/{digest.recipient.staff_id}/{channel}",
                recipient_id=digest.recipient.staff_id,
                channel=channel,
                address=teams or digest.recipient.email,
                subject=rendered.subject,
                text=rendered.teams if channel == "teams" else rendered.text,
                html="" if channel == "teams" else rendered.html,
                notices=told,
            )
        )
    escalated = [digest for digest in digests if digest.escalations]
    if escalated and settings.managers_channel:
        messages.append(
            Outgoing(
                key=f"{as_of}/managers/teams",
                recipient_id="managers",
                channel="teams",
                address=settings.managers_channel,
                subject=f"Escalated supervision items ({as_of})",
                text=render_escalations(escalated, as_of),
                html="",
            )
        )
    return messages


def notice_history(engine: Engine) -> dict[NoticeKey, date]:
    """When each person was last told of each finding at each stage."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(NoticeRow.recipient_id, NoticeRow.finding_key, NoticeRow.stage, NoticeRow.last_sent_on)
        ).all()
    return {(r.recipient_id, r.finding_key, r.stage): r.last_sent_on for r in rows}


def queue(engine: Engine, as_of: date, messages: list[Outgoing]) -> int:
    """Store the messages not stored before, and the notices they carry, in one transaction;
    returns how many messages were new."""
    if not messages:
        return 0
    with engine.begin() as connection:
        before = connection.scalar(select(func.count()).select_from(MessageRow)) or 0
        messages_insert = upsert_insert(connection, MessageRow.__table__).on_conflict_do_nothing(
            index_elements=["message_key"]
        )
        for batch in batches([_message_values(m, as_of) for m in messages]):
            connection.execute(messages_insert, batch)
        added = (connection.scalar(select(func.count()).select_from(MessageRow)) or 0) - before
        notices = [
            {
                "recipient_id": m.recipient_id,
                "finding_key": key,
                "stage": stage,
                "first_sent_on": as_of,
                "last_sent_on": as_of,
                "times": 1,
            }
            for m in messages
            for key, stage in m.notices
        ]
        statement = upsert_insert(connection, NoticeRow.__table__)
        notices_upsert = statement.on_conflict_do_update(
            index_elements=["recipient_id", "finding_key", "stage"],
            set_={"last_sent_on": statement.excluded.last_sent_on, "times": NoticeRow.__table__.c.times + 1},
            where=NoticeRow.__table__.c.last_sent_on < statement.excluded.last_sent_on,
        )
        for batch in batches(notices):
            connection.execute(notices_upsert, batch)
    return added


def _message_values(message: Outgoing, as_of: date) -> dict[str, Any]:
    return {
        "message_key": message.key,
        "as_of": as_of,
        "recipient_id": message.recipient_id,
        "channel": message.channel,
        "address": message.address,
        "subject": message.subject,
        "body_text": message.text,
        "body_html": message.html,
        "status": "queued",
        "attempts": 0,
    }


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def deliver_pending(engine: Engine, settings: DeliverySettings, chunk: int = 200) -> DeliveryReport:
    """Send every message not yet sent (tonight's, and earlier nights' failures) over a bounded
    pool, recording the results of each chunk in one transaction; one failure never stops the
    batch. A crash can leave at most one chunk sent but unrecorded."""
    with engine.connect() as connection:
        pending = [
            Outgoing(
                key=row.message_key,
                recipient_id=row.recipient_id,
                channel=row.channel,
                address=row.address,
                subject=row.subject,
                text=row.body_text,
                html=row.body_html,
            )
            for row in connection.execute(
                select(*MessageRow.__table__.columns)
                .where(MessageRow.status != "sent")
                .order_by(MessageRow.id)
            )
        ]
    report = DeliveryReport()
    with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
        for start in range(0, len(pending), chunk):
            part = pending[start : start + chunk]
            outcomes = list(pool.map(lambda m: _send(settings, m), part))
            _record(
                engine,
                [(m.key, delivered, detail) for m, (delivered, detail) in zip(part, outcomes, strict=True)],
            )
            for message, (delivered, detail) in zip(part, outcomes, strict=True):
                if delivered:
                    report.sent.append(detail)
                else:
                    report.failed[message.key] = detail
    return report


def _send(settings: DeliverySettings, message: Outgoing) -> tuple[bool, str]:
    try:
        return True, channel_for(settings, message).send(message)
    except DeliveryFailed as error:
        return False, str(error)
    except OSError as error:  # the outbox folder cannot be written
        return False, f"{type(error).__name__}: {error}"


def _record(engine: Engine, results: list[tuple[str, bool, str]]) -> None:
    """One transaction for a chunk's results: sent ones stamped with the database's time."""
    table = MessageRow.__table__
    by_key = table.c.message_key == bindparam("key")
    sent = (
        update(table)
        .where(by_key)
        .values(
            status="sent",
            attempts=table.c.attempts + 1,
            last_error=None,
            sent_at=literal_column("CURRENT_TIMESTAMP"),
        )
    )
    failed = (
        update(table)
        .where(by_key)
        .values(status="failed", attempts=table.c.attempts + 1, last_error=bindparam("error"))
    )
    with engine.begin() as connection:
        for statement, delivered in ((sent, True), (failed, False)):
            rows = [{"key": key, "error": detail} for key, ok, detail in results if ok is delivered]
            if rows:
                connection.execute(statement, rows)
