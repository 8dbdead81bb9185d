"""Supervisor absence: past the policy's threshold, the line manager arranges cover.

Contract: absence length counts calendar days from `start_date` to as-of, both included;
"more than two weeks" is more than 14 days. The finding stands while the absence does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from models.policy.context import Context
from models.policy.facts import Absence, StaffMember
from models.policy.findings import As, Finding, Kind, Recipient
from models.policy.policy import AbsenceThreshold
from models.policy.supervision import current_agreement, next_supervision_due


def absence_findings(ctx: Context) -> Iterator[Finding]:
    for staff_id, reports in ctx.snapshot.reports_by_manager.items():
        supervisor = ctx.active(staff_id)
        supervisees = [m for m in reports if m.is_active(ctx.as_of)]
        if supervisor is None or not supervisees:
            continue
        for absence in ctx.snapshot.absences_by_staff.get(staff_id, []):
            if absence.covers(ctx.as_of):
                finding = _absence_finding(ctx, supervisor, supervisees, absence)
                if finding:
                    yield finding


def _absence_finding(
    ctx: Context, supervisor: StaffMember, supervisees: list[StaffMember], absence: Absence
) -> Finding | None:
    crossed = [
        (_last_allowed_day(absence.start_date, t), t)
        for t in ctx.policy.absence.thresholds
        if absence.kind in t.kinds
    ]
    crossed = [(due, t) for due, t in crossed if ctx.as_of > due]
    if not crossed:
        return None
    due, threshold = min(crossed, key=lambda c: c[0])
    timing = ctx.timing(due)
    assert timing is not None  # as-of is past `due`
    days = (ctx.as_of - absence.start_date).days + 1
    next_dues = ", ".join(f"{m.staff_id} next due {_next_due(ctx, m, supervisor)}" for m in supervisees)
    notify = ctx.notify_responsible(
        ctx.active(supervisor.line_manager_id),
        As.LINE_MANAGER,
        timing.stage,
        *(Recipient(m.staff_id, As.SUPERVISEE) for m in supervisees),
    )
    return ctx.finding(
        kind=Kind.SUPERVISOR_ABSENT,
        staff_id=supervisor.staff_id,
        due=due,
        timing=timing,
        notify=notify,
        detail=f"{absence.kind.replace('_', ' ')} absence since {absence.start_date} "
        f"({days} days, more than {threshold.more_than.as_span()}): arrange supervision for "
        f"{next_dues}",
        rule=f"absence.thresholds: {threshold.source}",
    )


def _last_allowed_day(start: date, threshold: AbsenceThreshold) -> date:
    """The last day an absence may run before it is "more than" the threshold."""
    return threshold.more_than.after(start) - timedelta(days=1)


def _next_due(ctx: Context, member: StaffMember, supervisor: StaffMember) -> date:
    sessions = ctx.snapshot.sessions_by_supervisee.get(member.staff_id, [])
    agreement = current_agreement(ctx, member, supervisor.staff_id)
    return next_supervision_due(member, sessions, agreement, ctx.policy.supervision, ctx.as_of).on
