"""Storing tonight's messages once, and delivering each so that none is lost and none is sent twice.

- `compose` makes one message per digest, keyed by night, recipient, channel and the notices it
  carries: a same-night rerun that finds something new sends it, one that finds nothing new
  sends nothing, and two runs composing the same digest store it once.
- `queue` stores the messages not stored before, in one transaction.
- `deliver_pending` claims each message in the database before sending it (a conditional update:
  on SQLite and PostgreSQL alike only one run wins it), sends it through the channel it is
  given, and records the result at once, with the notices it carried. So a crash repeats at most
  the messages in flight: a claim left by a dead run is taken over, at once when that process
  is known to be gone, else when its lease ends. An earlier night's unsent message is never sent
  stale: tonight's digest carries its items again, since they were never recorded as told.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Engine, func, literal_column, or_, select, update
from sqlalchemy.exc import OperationalError

from models.db import batches, upsert_insert
from models.policy.facts import StaffMember
from models.policy.findings import Finding, Recipient
from models.tables import MessageRow, NoticeRow
from notifications.cadence import NoticeKey
from notifications.channels import Channel, DeliveryFailed, Outgoing
from notifications.digest import build_digests
from notifications.render import render, render_escalations
from notifications.settings import DeliverySettings

T = TypeVar("T")
PENDING = ("queued", "failed")
MESSAGES = MessageRow.__table__


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
                key=message_key(as_of, digest.recipient.staff_id, channel, told),
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
        text = render_escalations(escalated, as_of)
        messages.append(
            Outgoing(
                key=message_key(as_of, "managers", "teams", ((text, ""),)),
                recipient_id="managers",
                channel="teams",
                address=settings.managers_channel,
                subject=f"Escalated supervision items ({as_of})",
                text=text,
                html="",
            )
        )
    return messages


def message_key(as_of: date, recipient: str, channel: str, told: Iterable[tuple[str, str]]) -> str:
    """Night, recipient, channel, and a digest of what the message tells: the same digest twice
    is one message; a second digest the same night (something new was found) is another."""
    what = hashlib.sha256("\n".join(f"{key}\t{stage}" for key, stage in told).encode()).hexdigest()[:12]
    return f"{as_of}/{recipient}/{channel}/{what}"


def notice_history(engine: Engine) -> dict[NoticeKey, date]:
    """When each person was last told of each finding at each stage (by a message sent)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(NoticeRow.recipient_id, NoticeRow.finding_key, NoticeRow.stage, NoticeRow.last_sent_on)
        ).all()
    return {(r.recipient_id, r.finding_key, r.stage): r.last_sent_on for r in rows}


def queue(engine: Engine, as_of: date, messages: list[Outgoing]) -> int:
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
        insert = upsert_insert(connection, MESSAGES).on_conflict_do_nothing(index_elements=["message_key"])
        for batch in batches([_message_values(m, as_of) for m in new]):
            connection.execute(insert, batch)
    return len(new)


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
        "notices": "\n".join(f"{key}\t{stage}" for key, stage in message.notices),
    }


@dataclass
class DeliveryReport:
    """What one run did: sent (where each went), failed (why), given up, superseded, and what it
    left for another run (claimed by a live run, or past the run's deadline)."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    given_up: dict[str, str] = field(default_factory=dict)
    superseded: int = 0
    left: int = 0
    error: str | None = None


class DatabaseUnavailable(Exception):
    """The database stayed locked or unreachable past the wait the settings allow."""


@dataclass(frozen=True)
class Claimant:
    """Who is sending: `host:pid:token`, so a claim by a process that is gone can be taken over
    at once on the same machine, and by lease expiry from another."""

    name: str

    @classmethod
    def this_process(cls) -> Claimant:
        return cls(f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}")

    def yields_to(self, status: str, claimed_by: str | None, claimed_until: float | None, now: float) -> bool:
        """Whether another run, still alive, is sending the message (its lease running, its
        process not known to be gone): then this run leaves it alone."""
        return status == "sending" and (claimed_until or 0) > now and not self.is_dead(claimed_by or "")

    def is_dead(self, other: str) -> bool:
        host, _, rest = other.partition(":")
        pid = rest.partition(":")[0]
        if host != self.name.partition(":")[0] or not pid.isdigit():
            return False
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def deliver_pending(
    engine: Engine,
    channel: Channel,
    settings: DeliverySettings,
    night: date,
    claimant: Claimant | None = None,
    clock: Callable[[], float] = time.time,
) -> DeliveryReport:
    """Send tonight's unsent messages over a pool of `settings.workers`, each claimed first and
    recorded at once; never raises for a failed send. Stops claiming at the run's deadline; a
    locked database is waited for up to `settings.database_wait_seconds`, then reported."""
    claimant = claimant or Claimant.this_process()
    report = DeliveryReport()
    deadline = clock() + settings.run_deadline_seconds
    patient = _Patience(settings.database_wait_seconds, clock)
    try:
        report.superseded = patient(lambda: _supersede_earlier_nights(engine, night))
        while clock() < deadline:
            keys, others = patient(lambda: _claimable(engine, night, claimant, clock()))
            if not keys:
                if not others or not _wait_for(
                    engine, others, min(deadline, clock() + settings.lease_seconds), clock
                ):
                    report.left = len(others)
                    break
                continue
            with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
                for key, outcome in zip(
                    keys,
                    pool.map(
                        lambda k: _deliver_one(
                            engine, channel, settings, night, k, claimant, patient, deadline, clock
                        ),
                        keys,
                    ),
                    strict=True,
                ):
                    _tally(report, key, outcome)
        else:
            report.left = patient(lambda: _count_unsent(engine, night))
    except DatabaseUnavailable as error:
        report.error = str(error)
    return report


def _tally(report: DeliveryReport, key: str, outcome: tuple[str, str] | None) -> None:
    if outcome is None:
        return
    status, detail = outcome
    if status == "sent":
        report.sent.append(detail)
    elif status == "given_up":
        report.given_up[key] = detail
    elif status == "left":
        report.left += 1
    else:
        report.failed[key] = detail


def _supersede_earlier_nights(engine: Engine, night: date) -> int:
    with engine.begin() as connection:
        return connection.execute(
            update(MessageRow)
            .where(MessageRow.as_of < night, MessageRow.status.in_((*PENDING, "sending")))
            .values(status="superseded", claimed_by=None, claimed_until=None)
        ).rowcount


def _claimable(engine: Engine, night: date, claimant: Claimant, now: float) -> tuple[list[str], list[str]]:
    """Tonight's messages this run may try now, and those claimed by runs still alive."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(MessageRow.message_key, MessageRow.status, MessageRow.claimed_by, MessageRow.claimed_until)
            .where(MessageRow.as_of == night, MessageRow.status.in_((*PENDING, "sending")))
            .order_by(MessageRow.id)
        ).all()
    mine, others = [], []
    for row in rows:
        if row.status == "failed" and row.claimed_by == claimant.name:
            continue  # this run has tried it; the next run tries again
        if claimant.yields_to(row.status, row.claimed_by, row.claimed_until, now):
            others.append(row.message_key)
        else:
            mine.append(row.message_key)
    return mine, others


def _wait_for(engine: Engine, keys: list[str], until: float, clock: Callable[[], float]) -> bool:
    """Wait while another run sends `keys`; True once any is settled or its claim has lapsed."""
    while clock() < until:
        time.sleep(0.5)
        with engine.connect() as connection:
            lapsed = connection.scalar(
                select(func.count())
                .select_from(MessageRow)
                .where(
                    MessageRow.message_key.in_(keys),
                    or_(MessageRow.status != "sending", MessageRow.claimed_until <= clock()),
                )
            )
        if lapsed:
            return True
    return False


def _count_unsent(engine: Engine, night: date) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count())
            .select_from(MessageRow)
            .where(MessageRow.as_of == night, MessageRow.status.in_((*PENDING, "sending")))
        )


def _deliver_one(
    engine: Engine,
    channel: Channel,
    settings: DeliverySettings,
    night: date,
    key: str,
    claimant: Claimant,
    patient: _Patience,
    deadline: float,
    clock: Callable[[], float],
) -> tuple[str, str] | None:
    """Claim, send, record: None when another run won the claim."""
    if clock() >= deadline:
        return "left", "the run's deadline passed"
    message = patient(lambda: _claim(engine, key, claimant, clock() + settings.lease_seconds, clock()))
    if message is None:
        return None
    try:
        where = channel.send(message)
    except (DeliveryFailed, OSError) as error:  # OSError: the outbox folder cannot be written
        reason = str(error) if isinstance(error, DeliveryFailed) else f"{type(error).__name__}: {error}"
        return patient(lambda: _record_failure(engine, night, message, claimant, reason, settings))
    patient(lambda: _record_sent(engine, night, message, claimant))
    return "sent", where


def _claim(engine: Engine, key: str, claimant: Claimant, until: float, now: float) -> Outgoing | None:
    """Take the message if it is free (pending, or claimed by a run that is gone or whose lease
    has lapsed): a compare-and-set on the row as read, so of two runs only one wins."""
    with engine.begin() as connection:
        seen = connection.execute(
            select(MessageRow.status, MessageRow.claimed_by, MessageRow.claimed_until).where(
                MessageRow.message_key == key
            )
        ).one()
        if seen.status not in (*PENDING, "sending") or claimant.yields_to(*seen, now):
            return None
        won = connection.execute(
            update(MessageRow)
            .where(
                MessageRow.message_key == key,
                MessageRow.status == seen.status,
                _is(MessageRow.claimed_by, seen.claimed_by),
                _is(MessageRow.claimed_until, seen.claimed_until),
            )
            .values(status="sending", claimed_by=claimant.name, claimed_until=until)
        ).rowcount
        if not won:
            return None
        stored = connection.execute(select(*MESSAGES.columns).where(MessageRow.message_key == key)).one()
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


def _record_sent(engine: Engine, night: date, message: Outgoing, claimant: Claimant) -> None:
    """The message and the notices it carried, in one transaction."""
    with engine.begin() as connection:
        connection.execute(
            update(MessageRow)
            .where(MessageRow.message_key == message.key, MessageRow.claimed_by == claimant.name)
            .values(
                status="sent",
                attempts=MESSAGES.c.attempts + 1,
                last_error=None,
                sent_at=literal_column("CURRENT_TIMESTAMP"),
                claimed_until=None,
            )
        )
        _record_notices(connection, night, message)


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
    table = NoticeRow.__table__
    statement = upsert_insert(connection, table)
    upsert = statement.on_conflict_do_update(
        index_elements=["recipient_id", "finding_key", "stage"],
        set_={"last_sent_on": statement.excluded.last_sent_on, "times": table.c.times + 1},
        where=table.c.last_sent_on < statement.excluded.last_sent_on,
    )
    for batch in batches(notices):
        connection.execute(upsert, batch)


def _record_failure(
    engine: Engine,
    night: date,
    message: Outgoing,
    claimant: Claimant,
    error: str,
    settings: DeliverySettings,
) -> tuple[str, str]:
    """A failed message is tried again by the next run the same night; a recipient whose
    messages have failed on `give_up_after_nights` nights running is given up (reported, and
    its items told again only at the reminder cadence, not every night)."""
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
        give_up = failed_nights + 1 >= settings.give_up_after_nights
        connection.execute(
            update(MessageRow)
            .where(MessageRow.message_key == message.key, MessageRow.claimed_by == claimant.name)
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


class _Patience:
    """Runs a database step, retrying while the database is locked or unreachable, up to a
    bound; then `DatabaseUnavailable`, with a message that says what to do."""

    def __init__(self, seconds: float, clock: Callable[[], float]) -> None:
        self.seconds = seconds
        self.clock = clock

    def __call__(self, step: Callable[[], T]) -> T:
        give_up_at = self.clock() + self.seconds
        while True:
            try:
                return step()
            except OperationalError as error:
                if self.clock() >= give_up_at:
                    reason = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
                    raise DatabaseUnavailable(
                        f"the database was unavailable for more than {self.seconds:g} s ({reason}); "
                        "unsent messages wait for the next run"
                    ) from None
                time.sleep(1)
