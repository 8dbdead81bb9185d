"""Supervision records: written by the supervisor, then signed by the supervisee.

A record moves: held -> written -> circulated -> signed (or deemed agreed, or disputed). The
supervisor is chased for an unwritten record, the supervisee for an unsigned one.
"""

from __future__ import annotations

from collections.abc import Iterator

from models.policy.context import Context
from models.policy.facts import SupervisionSession
from models.policy.findings import As, Finding, Kind


def record_findings(ctx: Context) -> Iterator[Finding]:
    for member in ctx.snapshot.staff:
        if not member.is_active(ctx.as_of):
            continue
        for session in ctx.held_one_to_ones(member.staff_id):
            if not _settled(session):
                yield from _record_finding(ctx, session)


def _settled(session: SupervisionSession) -> bool:
    """Written and then signed or disputed: nothing is left to chase (most records, so this is
    asked before anyone is looked up)."""
    written = session.record_written_on or session.record_circulated_on
    return written is not None and (session.supervisee_signed_on is not None or session.record_disputed)


def _record_finding(ctx: Context, session: SupervisionSession) -> Iterator[Finding]:
    """The finding for a record that is not settled: not written, or written and not signed."""
    rules = ctx.policy.records
    supervisee = ctx.active(session.supervisee_id)
    assert supervisee is not None  # records are read for staff in post
    # A supervisor who has left is replaced by whoever acts as the supervisee's supervisor now.
    supervisor = ctx.session_supervising(session, supervisee)
    written = session.record_written_on or session.record_circulated_on
    if written is None:
        assert session.held_on is not None
        deadline = ctx.calendar.add_working_days(session.held_on, rules.written.within_working_days)
        timing = ctx.timing(deadline)
        if ctx.as_of > deadline and timing:
            yield ctx.finding(
                kind=Kind.RECORD_NOT_WRITTEN,
                staff_id=session.supervisee_id,
                session_id=session.session_id,
                due=deadline,
                timing=timing,
                notify=ctx.tell(supervisor, timing),
                detail=f"record of the {session.kind} session held {session.held_on} is not written",
                rule=f"records.written: {rules.written.source}",
            )
        return
    # Without a circulation date, the record is taken as shared when it was written.
    received = session.record_circulated_on or written
    deadline = ctx.calendar.add_working_days(received, rules.signed.within_working_days)
    timing = ctx.timing(deadline)
    if ctx.as_of <= deadline or timing is None:
        return
    rule = f"records.signed: {rules.signed.source}"
    if rules.signed.deemed_agreed:
        yield ctx.finding(
            kind=Kind.RECORD_DEEMED_AGREED,
            staff_id=session.supervisee_id,
            session_id=session.session_id,
            due=deadline,
            timing=timing,
            notify=ctx.tell(supervisor, timing),
            detail=f"record circulated {received} was not signed within "
            f"{rules.signed.within_working_days} working days: close it as deemed agreed",
            rule=f"records.signed.deemed_agreed: {rules.signed.source}",
        )
        return
    yield ctx.finding(
        kind=Kind.RECORD_UNSIGNED,
        staff_id=session.supervisee_id,
        session_id=session.session_id,
        due=deadline,
        timing=timing,
        notify=ctx.notify_responsible(supervisee, As.SUPERVISEE, timing),
        detail=f"record circulated {received} is not signed",
        rule=rule,
    )
