"""Supervision records: written and signed within the policy's timescales over a period, and the
records still waiting for a signature.

A step counts once it is done or its deadline has passed: a record written on time counts as on
time, one not yet written but still inside its working days is not counted either way. A
disputed record is the supervisee's answer, not a missing signature: it is listed among the
exceptions and left out of the signed share. Anything dated after the day is not done yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from models.compliance.shares import Share
from models.policy.context import Context
from models.policy.facts import SupervisionSession


@dataclass(frozen=True)
class RecordTimeliness:
    written: Share
    signed: Share


@dataclass(frozen=True)
class WaitingRecord:
    """A record shared with the supervisee and not yet signed or disputed."""

    session: SupervisionSession
    received: date
    deadline: date
    working_days_waiting: int
    late: bool
    deemed_agreed: bool


def held_one_to_ones(
    ctx: Context, staff_ids: Iterable[str], since: date = date.min
) -> Iterator[SupervisionSession]:
    """Held 1:1s, whose records the policy times, in (since, as-of] for these supervisees."""
    for staff_id in staff_ids:
        for session in ctx.held_one_to_ones(staff_id):
            if since < session.held_on:  # type: ignore[operator]
                yield session


@dataclass(frozen=True)
class RecordOutcome:
    """One held 1:1's record: written on time, signed on time; None while that step is not yet
    due and not done (or, for signing, while there is nothing to sign or it is disputed)."""

    session: SupervisionSession
    written: bool | None
    signed: bool | None


def outcomes(ctx: Context, sessions: Iterable[SupervisionSession]) -> list[RecordOutcome]:
    """Each record's outcome on the day, judged once, so that every scope counting it agrees."""
    rules, calendar, day = ctx.policy.records, ctx.calendar, ctx.as_of
    judged = []
    for session in sessions:
        assert session.held_on is not None
        written = _written(session, day)
        deadline = calendar.add_working_days(session.held_on, rules.written.within_working_days)
        written_on_time = (written is not None and written <= deadline) if written or day > deadline else None
        received = _received(session, day)
        signed_on_time = None
        if received is not None and not session.record_disputed:
            signed = _by(session.supervisee_signed_on, day)
            deadline = calendar.add_working_days(received, rules.signed.within_working_days)
            if signed is not None or day > deadline:
                signed_on_time = signed is not None and signed <= deadline
        judged.append(RecordOutcome(session, written_on_time, signed_on_time))
    return judged


def timeliness(judged: Iterable[RecordOutcome]) -> RecordTimeliness:
    """The share of records written, and of records signed, within the policy's working days."""
    judged = list(judged)
    return RecordTimeliness(
        Share.of_flags(o.written for o in judged if o.written is not None),
        Share.of_flags(o.signed for o in judged if o.signed is not None),
    )


def waiting_for_signature(ctx: Context, sessions: Iterable[SupervisionSession]) -> list[WaitingRecord]:
    """Records shared and unsigned on the day, longest waiting first."""
    rules, calendar, day = ctx.policy.records, ctx.calendar, ctx.as_of
    waiting = []
    for session in sessions:
        received = _received(session, day)
        if received is None or session.record_disputed or _by(session.supervisee_signed_on, day):
            continue
        deadline = calendar.add_working_days(received, rules.signed.within_working_days)
        late = day > deadline
        waiting.append(
            WaitingRecord(
                session,
                received,
                deadline,
                calendar.working_days_between(received, day),
                late,
                late and rules.signed.deemed_agreed,
            )
        )
    return sorted(waiting, key=lambda w: (-w.working_days_waiting, w.session.session_id))


def _written(session: SupervisionSession, day: date) -> date | None:
    """When the record was written, if by `day` (a circulated record was written by then)."""
    return _by(session.record_written_on or session.record_circulated_on, day)


def _received(session: SupervisionSession, day: date) -> date | None:
    """When the supervisee had the record, if by `day`: its circulation, or without one (as the
    rules take it) its writing."""
    return _by(session.record_circulated_on, day) or _written(session, day)


def _by(done: date | None, day: date) -> date | None:
    """The date a step was done, if it was done by `day`."""
    return done if done is not None and done <= day else None
