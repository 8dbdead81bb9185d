"""The messages and notices tables: every SQL statement delivery needs, and nothing else.

A message is stored before it is sent, under a key that makes a rerun of the same night find it
rather than send it again; it is claimed (a compare-and-set, so of two runs only one wins it),
then recorded as sent, failed or given up, each in its own short transaction (claims are taken a
few at a time, which repeats nothing after a crash: a claim is not a send). The notices it
carried are recorded as told only when it is sent (or given up).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Engine, func, literal_column, or_, select, update

from models.db import batches, upsert_insert
from models.tables import MessageRow, NoticeRow

PENDING = ("queued", "failed")
UNSENT = (*PENDING, "sending")
MESSAGES = MessageRow.__table__
NoticeKey = tuple[str, str, str]  # recipient, finding key, stage


@dataclass(frozen=True)
class Outgoing:
    """A rendered message to one person on one channel, under its idempotency key.

    `notices` are the (finding key, stage) pairs it tells the recipient of, so the cadence of
    reminders can be kept per finding.
    """

    key: str
    recipient_id: str
    channel: str
    address: str
    subject: str
    text: str
    html: str
    notices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Claim:
    """Who holds an unsent message, as stored: its status, the run, and until when."""

    key: str
    status: str
    claimed_by: str | None
    claimed_until: float | None


def notice_history(engine: Engine) -> dict[NoticeKey, date]:
    """When each person was last told of each finding at each stage (by a message sent)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(NoticeRow.recipient_id, NoticeRow.finding_key, NoticeRow.stage, NoticeRow.last_sent_on)
        ).all()
    return {(r.recipient_id, r.finding_key, r.stage): r.last_sent_on for r in rows}


def store(engine: Engine, as_of: date, messages: list[Outgoing]) -> int:
    """Store the messages not stored before, in one transaction; returns how many were new."""
    if not messages:
        return 0
    with engine.begin() as connection:
        stored = set(
            connection.scalars(
                select(MessageRow.message_key).where(MessageRow.message_key.in_([m.key for m in messages]))
            )
        )
        new = [m for m in messages if m.key not in stored]
        insert = upsert_insert(connection.dialect.name, MESSAGES).on_conflict_do_nothing(
            index_elements=["message_key"]
        )
        for batch in batches([_values(m, as_of) for m in new]):
            connection.execute(insert, batch)
    return len(new)


def _values(message: Outgoing, as_of: date) -> dict[str, Any]:
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
        "notices": "\n".join(f"{key}\t{stage}" for key, stage in message.notices),
    }


def supersede_earlier_nights(engine: Engine, night: date) -> int:
    """Earlier nights' unsent messages are never sent: tonight's digests carry their items."""
    with engine.begin() as connection:
        return connection.execute(
            update(MessageRow)
            .where(MessageRow.as_of < night, MessageRow.status.in_(UNSENT))
            .values(status="superseded", claimed_by=None, claimed_until=None)
        ).rowcount


def unsent(engine: Engine, night: date) -> list[Claim]:
    """Tonight's unsent messages with their claims, in the order they were stored."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(MessageRow.message_key, MessageRow.status, MessageRow.claimed_by, MessageRow.claimed_until)
            .where(MessageRow.as_of == night, MessageRow.status.in_(UNSENT))
            .order_by(MessageRow.id)
        ).all()
    return [Claim(*row) for row in rows]


def any_settled(engine: Engine, keys: list[str], now: float) -> bool:
    """Whether any of `keys` is no longer being sent, or its claim has lapsed."""
    with engine.connect() as connection:
        return bool(
            connection.scalar(
                select(func.count())
                .select_from(MessageRow)
                .where(
                    MessageRow.message_key.in_(keys),
                    or_(MessageRow.status != "sending", MessageRow.claimed_until <= now),
                )
            )
        )


def count_unsent(engine: Engine, night: date, channel: str | None = None) -> int:
    """Tonight's unsent messages, on `channel` alone when given."""
    on_channel = MessageRow.channel == channel if channel else True
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.as_of == night, MessageRow.status.in_(UNSENT), on_channel)
        )


def claim(
    engine: Engine, keys: list[str], claimant: str, until: float, may_take: Callable[[Claim], bool]
) -> list[Outgoing]:
    """Take those of `keys` that are unsent and that `may_take` agrees to, for `claimant`, in one
    transaction: a compare-and-set on each row as read, so of two runs only one wins a message.
    Returns the messages won, in the order of `keys`."""
    with engine.begin() as connection:
        seen = [
            Claim(*row)
            for row in connection.execute(
                select(
                    MessageRow.message_key, MessageRow.status, MessageRow.claimed_by, MessageRow.claimed_until
                ).where(MessageRow.message_key.in_(keys))
            )
        ]
        takeable: dict[tuple[str, str | None, float | None], list[str]] = {}
        for held in seen:
            if held.status in UNSENT and may_take(held):
                takeable.setdefault((held.status, held.claimed_by, held.claimed_until), []).append(held.key)
        won = {}
        for (status, claimed_by, claimed_until), group in takeable.items():
            rows = connection.execute(
                update(MessageRow)
                .where(
                    MessageRow.message_key.in_(group),
                    MessageRow.status == status,
                    _is(MessageRow.claimed_by, claimed_by),
                    _is(MessageRow.claimed_until, claimed_until),
                )
                .values(status="sending", claimed_by=claimant, claimed_until=until)
                .returning(*MESSAGES.columns)
            )
            won.update((row.message_key, _outgoing(row)) for row in rows)
    return [won[key] for key in keys if key in won]


def renew(engine: Engine, key: str, claimant: str, until: float) -> bool:
    """Extend `claimant`'s claim on a message it has not sent yet; False if the claim is gone."""
    with engine.begin() as connection:
        return bool(
            connection.execute(
                update(MessageRow).where(*_claimed(key, claimant)).values(claimed_until=until)
            ).rowcount
        )


def release(engine: Engine, key: str, claimant: str) -> None:
    """Give back `claimant`'s claim on a message it did not try: queued again, as if never claimed."""
    with engine.begin() as connection:
        connection.execute(
            update(MessageRow)
            .where(*_claimed(key, claimant))
            .values(status="queued", claimed_by=None, claimed_until=None)
        )


def _claimed(key: str, claimant: str) -> tuple[Any, ...]:
    """The message `key` while `claimant` holds it, unsent."""
    return (MessageRow.message_key == key, MessageRow.status == "sending", MessageRow.claimed_by == claimant)


def _outgoing(stored: Any) -> Outgoing:
    return Outgoing(
        key=stored.message_key,
        recipient_id=stored.recipient_id,
        channel=stored.channel,
        address=stored.address,
        subject=stored.subject,
        text=stored.body_text,
        html=stored.body_html,
        notices=tuple(tuple(line.split("\t", 1)) for line in stored.notices.splitlines()),  # type: ignore[misc]
    )


def _is(column: Any, value: object) -> Any:
    return column.is_(None) if value is None else column == value


def record_sent(engine: Engine, night: date, message: Outgoing, claimant: str) -> None:
    """The message and the notices it carried, in one transaction."""
    with engine.begin() as connection:
        connection.execute(
            update(MessageRow)
            .where(MessageRow.message_key == message.key, MessageRow.claimed_by == claimant)
            .values(
                status="sent",
                attempts=MESSAGES.c.attempts + 1,
                last_error=None,
                sent_at=literal_column("CURRENT_TIMESTAMP"),
                claimed_until=None,
            )
        )
        _record_notices(connection, night, message)


def record_failure(
    engine: Engine, night: date, message: Outgoing, claimant: str, error: str, give_up_after_nights: int
) -> tuple[str, str]:
    """A failed message is tried again by the next run the same night; a recipient whose
    messages have failed on `give_up_after_nights` nights running is given up (reported, and its
    items told again only at the reminder cadence, not every night). Returns the status and why."""
    recipient, channel = message.recipient_id, message.channel
    with engine.begin() as connection:
        last_sent = connection.scalar(
            select(func.max(MessageRow.as_of)).where(
                MessageRow.recipient_id == recipient,
                MessageRow.channel == channel,
                MessageRow.status == "sent",
            )
        )
        failed_nights = connection.scalar(
            select(func.count(func.distinct(MessageRow.as_of))).where(
                MessageRow.recipient_id == recipient,
                MessageRow.channel == channel,
                MessageRow.as_of < night,
                MessageRow.attempts > 0,
                MessageRow.status.in_(("superseded", "given_up")),
                MessageRow.as_of > (last_sent or date.min),
            )
        )
        give_up = failed_nights + 1 >= give_up_after_nights
        connection.execute(
            update(MessageRow)
            .where(MessageRow.message_key == message.key, MessageRow.claimed_by == claimant)
            .values(
                status="given_up" if give_up else "failed",
                attempts=MESSAGES.c.attempts + 1,
                last_error=error,
                claimed_until=None,
            )
        )
        if give_up:
            _record_notices(connection, night, message)
            return "given_up", f"failed on {failed_nights + 1} nights running, last: {error}"
    return "failed", error


def _record_notices(connection: Any, night: date, message: Outgoing) -> None:
    notices = [
        {
            "recipient_id": message.recipient_id,
            "finding_key": key,
            "stage": stage,
            "first_sent_on": night,
            "last_sent_on": night,
            "times": 1,
        }
        for key, stage in message.notices
    ]
    if not notices:
        return
    upsert = _notice_upsert(connection.dialect.name)
    for batch in batches(notices):
        connection.execute(upsert, batch)


@cache
def _notice_upsert(dialect: str) -> Any:
    """A notice told again moves its last date on and counts once more. Built once per dialect:
    building it costs more than running it, and it runs for every message sent."""
    table = NoticeRow.__table__
    statement = upsert_insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=["recipient_id", "finding_key", "stage"],
        set_={"last_sent_on": statement.excluded.last_sent_on, "times": table.c.times + 1},
        where=table.c.last_sent_on < statement.excluded.last_sent_on,
    )
