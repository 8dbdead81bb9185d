"""Supervisor absence: past the policy's threshold, the line manager arranges cover.

Contract: absence length counts calendar days from `start_date` to as-of, both included;
"more than two weeks" is more than 14 days. The finding stands while the absence does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from models.policy.context import Context
from models.policy.facts import Absence, AbsenceKind, StaffMember
from models.policy.findings import As, Finding, Kind, Recipient
from models.policy.policy import AbsenceThreshold
from models.policy.supervision import current_agreement, next_supervision_due


def absence_findings(ctx: Context) -> Iterator[Finding]:
    """One `supervisor_absent` per absent supervisor with supervisees in post: the threshold
    crossed first decides its due date."""
    for staff_id, reports in ctx.snapshot.reports_by_manager.items():
        supervisor = ctx.active(staff_id)
        supervisees = [m for m in reports if m.is_active(ctx.as_of)]
        absences = ctx.snapshot.absences_by_staff.get(staff_id, [])
        if supervisor is None or not supervisees or not absences:
            continue
        crossed = [
            (_last_allowed_day(start, threshold), threshold, start)
            for threshold in ctx.policy.absence.thresholds
            if (start := continuous_absence_start(absences, threshold.kinds, ctx.as_of)) is not None
        ]
        crossed = [c for c in crossed if ctx.as_of > c[0]]
        if crossed:
            yield _absence_finding(ctx, supervisor, supervisees, *min(crossed, key=lambda c: c[0]))


def continuous_absence_start(absences: list[Absence], kinds: list[AbsenceKind], as_of: date) -> date | None:
    """When the absence of these kinds that covers as-of began, following back through absences
    that run on one from another (a renewed fit note is one absence); None if not absent."""
    spans = sorted((a.start_date, a.end_date or date.max) for a in absences if a.kind in kinds)
    start = None
    for begin, end in reversed(spans):
        if start is None:
            if begin <= as_of <= end:
                start = begin
        elif end >= start - timedelta(days=1):
            start = min(start, begin)
    return start


def _absence_finding(
    ctx: Context,
    supervisor: StaffMember,
    supervisees: list[StaffMember],
    due: date,
    threshold: AbsenceThreshold,
    start: date,
) -> Finding:
    timing = ctx.timing(due)
    assert timing is not None  # as-of is past `due`
    days = (ctx.as_of - start).days + 1
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
        # never why they are away: the kind of absence (sickness) is health data
        detail=f"away since {start} ({days} days, more than {threshold.more_than.as_span()}): "
        f"arrange supervision for {next_dues}",
        rule=f"absence.thresholds: {threshold.source}",
    )


def _last_allowed_day(start: date, threshold: AbsenceThreshold) -> date:
    """The last day an absence may run before it is "more than" the threshold."""
    return threshold.more_than.after(start) - timedelta(days=1)


def _next_due(ctx: Context, member: StaffMember, supervisor: StaffMember) -> date:
    held = ctx.held_one_to_ones(member.staff_id)
    agreement = current_agreement(ctx, member, supervisor.staff_id)
    return next_supervision_due(member, held, agreement, ctx.policy.supervision).on
