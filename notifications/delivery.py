"""Delivering tonight's stored messages so that none is lost and none is sent twice.

Messages are decided by `notifications.tonight` (keyed by night, recipient, channel and the
notices they carry: a same-night rerun that finds something new sends it, one that finds
nothing new sends nothing) and stored once by `models.messages.store`. `deliver_pending` claims
messages in the database before sending them (a conditional update: on SQLite and PostgreSQL
alike only one run wins each), a few at a time per sending thread, sends each through the
channel it is given, and records its result at once, with the notices it carried. So a crash
repeats at most the messages in flight (one per thread): a claim left by a dead run is taken
over, at once when that process is known to be gone, else when its lease ends. An earlier
night's unsent message is never sent stale: tonight's digest carries its items again, since they
were never recorded as told.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from models import messages
from models.messages import Claim, Outgoing
from notifications.channels import Channel, DeliveryFailed
from notifications.settings import DeliverySettings

T = TypeVar("T")
CLAIMED_AT_ONCE = 8  # messages a sending thread claims in one transaction
LEASE_MARGIN_S = 10.0  # a claim older than this is renewed before its send (the lease's own margin)


@dataclass
class DeliveryReport:
    """What one run did: sent (where each went), failed (why), given up, superseded, and what it
    left for another run (claimed by a live run, or past the run's deadline)."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    given_up: dict[str, str] = field(default_factory=dict)
    superseded: int = 0
    left: int = 0
    unrecorded: int = 0  # sent, but the database would not take the result: a rerun may resend
    error: str | None = None
    warning: str | None = None  # email that cannot all go by the morning, or within the quota


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

    def yields_to(self, held: Claim, now: float) -> bool:
        """Whether another run, still alive, is sending the message (its lease running, its
        process not known to be gone): then this run leaves it alone."""
        return (
            held.status == "sending"
            and (held.claimed_until or 0) > now
            and not self.is_dead(held.claimed_by or "")
        )

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
    deferred: set[str] = set()  # given back untried (a sender's quota spent): not tried again
    try:
        report.superseded = patient(lambda: messages.supersede_earlier_nights(engine, night))
        while clock() < deadline:
            keys, others = patient(lambda: _claimable(engine, night, claimant, clock(), deferred))
            if not keys:
                if not others or not _wait_for(
                    engine, others, min(deadline, clock() + settings.lease_seconds), clock
                ):
                    report.left += len(others)
                    break
                continue
            chunks = [keys[start : start + CLAIMED_AT_ONCE] for start in range(0, len(keys), CLAIMED_AT_ONCE)]
            with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
                for outcomes in pool.map(
                    lambda chunk: _deliver_chunk(
                        engine, channel, settings, night, chunk, claimant, patient, deadline, clock
                    ),
                    chunks,
                ):
                    for key, outcome in outcomes:
                        _tally(report, key, outcome)
                        if outcome[0] == "left":
                            deferred.add(key)
            if report.error:
                break
        else:
            report.left = patient(lambda: messages.count_unsent(engine, night))
    except DatabaseUnavailable as error:
        report.error = str(error)
    return report


def _tally(report: DeliveryReport, key: str, outcome: tuple[str, str]) -> None:
    status, detail = outcome
    if status == "sent":
        report.sent.append(detail)
    elif status == "given_up":
        report.given_up[key] = detail
    elif status == "left":
        report.left += 1
    elif status == "unrecorded":
        report.sent.append(detail)
        report.unrecorded += 1
    elif status == "unavailable":
        report.error = report.error or detail
    else:
        report.failed[key] = detail


def _claimable(
    engine: Engine, night: date, claimant: Claimant, now: float, deferred: set[str]
) -> tuple[list[str], list[str]]:
    """Tonight's messages this run may try now, and those claimed by runs still alive."""
    mine, others = [], []
    for held in messages.unsent(engine, night):
        if (held.status == "failed" and held.claimed_by == claimant.name) or held.key in deferred:
            continue  # this run has tried it, or has left it: the next run tries again
        if claimant.yields_to(held, now):
            others.append(held.key)
        else:
            mine.append(held.key)
    return mine, others


def _wait_for(engine: Engine, keys: list[str], until: float, clock: Callable[[], float]) -> bool:
    """Wait while another run sends `keys`; True once any is settled or its claim has lapsed."""
    while clock() < until:
        time.sleep(0.5)
        if messages.any_settled(engine, keys, clock()):
            return True
    return False


def _deliver_chunk(
    engine: Engine,
    channel: Channel,
    settings: DeliverySettings,
    night: date,
    keys: list[str],
    claimant: Claimant,
    patient: _Patience,
    deadline: float,
    clock: Callable[[], float],
) -> list[tuple[str, tuple[str, str]]]:
    """Claim a few messages in one transaction, then send and record each in turn; a message
    another run won is not this run's to report. A database that stays unavailable ends the
    chunk with what was done so far, so every message the channel accepted is counted."""
    if clock() >= deadline:
        return [(key, ("left", "the run's deadline passed")) for key in keys]
    claimed_at = clock()
    outcomes: list[tuple[str, tuple[str, str]]] = []
    try:
        won = patient(
            lambda: messages.claim(
                engine,
                keys,
                claimant.name,
                claimed_at + settings.lease_seconds,
                lambda held: not claimant.yields_to(held, clock()),
            )
        )
        for message in won:
            # the lease covers one whole send: one that waited behind slow sends is renewed first
            if clock() - claimed_at > LEASE_MARGIN_S and not patient(
                lambda key=message.key: messages.renew(
                    engine, key, claimant.name, clock() + settings.lease_seconds
                )
            ):
                continue
            outcomes.append(
                (message.key, _send(engine, channel, settings, night, message, claimant, patient))
            )
    except _Unrecorded as unrecorded:
        outcomes.append((unrecorded.key, ("unrecorded", unrecorded.where)))
        outcomes.append((unrecorded.key, ("unavailable", unrecorded.reason)))
    except DatabaseUnavailable as error:
        outcomes.append(("", ("unavailable", str(error))))
    return outcomes


def _send(
    engine: Engine,
    channel: Channel,
    settings: DeliverySettings,
    night: date,
    message: Outgoing,
    claimant: Claimant,
    patient: _Patience,
) -> tuple[str, str]:
    """Send one claimed message and record the result at once."""
    try:
        where = channel.send(message)
    except DeliveryFailed as error:
        failure = str(error)
        if error.deferred:
            patient(lambda: messages.release(engine, message.key, claimant.name))
            return "left", failure
        return patient(
            lambda: messages.record_failure(
                engine, night, message, claimant.name, failure, settings.give_up_after_nights
            )
        )
    except OSError as error:  # the outbox folder cannot be written
        reason = f"{type(error).__name__}: {error}"
        return patient(
            lambda: messages.record_failure(
                engine, night, message, claimant.name, reason, settings.give_up_after_nights
            )
        )
    try:
        patient(lambda: messages.record_sent(engine, night, message, claimant.name))
    except DatabaseUnavailable as error:
        raise _Unrecorded(message.key, where, str(error)) from None
    return "sent", where


class _Unrecorded(Exception):
    """A message the channel accepted whose result the database would not take."""

    def __init__(self, key: str, where: str, reason: str) -> None:
        super().__init__(reason)
        self.key, self.where, self.reason = key, where, reason


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
