"""Staff supervision: when the next 1:1 is due, and rebooking after a cancellation.

Contract, "Date arithmetic": a supervision is due one interval after the last held 1:1, using the
interval in force on the day of that session; with none held, one interval after the start date
(an ASYE's first: 7 days after `asye_start`). Group sessions never count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from models.policy.context import Context, Supervising
from models.policy.facts import (
    AbsenceKind,
    Agreement,
    CancelReason,
    Role,
    SessionStatus,
    StaffMember,
    SupervisionSession,
)
from models.policy.findings import Finding, Kind, Stage
from models.policy.intervals import Interval, end_of_next_calendar_month
from models.policy.policy import Supervision

MAX_PRO_RATA_DAYS = 366  # the longest a part-timer's interval is stretched


@dataclass(frozen=True)
class Due:
    """When a member of staff's next 1:1 is due, and the rule that set it."""

    on: date
    interval: Interval
    rule: str
    last_held: date | None


def next_supervision_due(
    member: StaffMember, last_held: date | None, agreement: Agreement | None, rules: Supervision
) -> Due:
    """From the day of the member's latest 1:1 held by as-of (`Context.last_held_on`)."""
    anchor = last_held or (member.asye_start if _is_asye(member) else None) or member.start_date
    interval, rule = _interval_in_force(member, agreement, rules, anchor)
    if rules.calendar_month and interval == Interval(months=1):
        due = end_of_next_calendar_month(anchor)
    else:
        due = interval.after(anchor)
    if rules.part_time_pro_rata and member.fte < 1:
        # "The equivalent of one month's work": a 0.5 FTE worker's month is two months long.
        # The seeds set no floor; a stretch is capped at a year rather than run past the
        # calendar (an fte of 0.000001 is valid under the contract).
        stretched = min(int((due - anchor).days / member.fte), MAX_PRO_RATA_DAYS)
        due = anchor + timedelta(days=stretched)
        rule += f" (pro rata for {member.fte:g} FTE: {rules.part_time_pro_rata.source})"
    return Due(due, interval, rule, last_held)


def missed_calendar_months(last: date, as_of: date) -> int:
    """Whole calendar months strictly between the month of `last` and the month of as-of."""
    return max(0, (as_of.year - last.year) * 12 + as_of.month - last.month - 1)


def _is_asye(member: StaffMember) -> bool:
    return member.role is Role.ASYE or member.asye_start is not None


def _interval_in_force(
    member: StaffMember, agreement: Agreement | None, rules: Supervision, day: date
) -> tuple[Interval, str]:
    """The strictest of the role's frequency (staged for an ASYE), a probation phase, and the
    supervision agreement's own frequency: the one that makes the next session due soonest."""
    role = rules.role_frequency(member.role)
    setting = f"supervision.roles.{member.role}" if member.role in rules.roles else "supervision.default"
    candidates = [(role.every, f"{setting}: {role.source}")]
    if _is_asye(member):
        staged = rules.asye.interval_on(member.asye_start or member.start_date, day)
        if staged:
            candidates = [(staged, f"supervision.asye: {rules.asye.source}")]
    if member.probation_end is not None and day <= member.probation_end:
        staged = rules.probation.interval_on(member.start_date, day)
        if staged:
            candidates.append((staged, f"supervision.probation: {rules.probation.source}"))
    if agreement and agreement.frequency:
        candidates.append(
            (Interval.parse(agreement.frequency), "supervision agreement: a stricter frequency")
        )
    if len(candidates) == 1:  # most staff: the role's alone (asked of everyone at 13 days)
        return candidates[0]
    return min(candidates, key=lambda c: c[0].after(day))


def current_agreement(ctx: Context, member: StaffMember, supervisor_id: str) -> Agreement | None:
    """The latest agreement between this supervisee and their present supervisor."""
    return ctx.snapshot.latest_agreement_with.get((member.staff_id, supervisor_id))


def supervision_due(ctx: Context, member: StaffMember) -> tuple[Supervising, Due] | None:
    """Who acts as supervisor and the next 1:1 due of a member of staff in post on as-of; None
    for those not in post or whom no one supervises (the Director). A supervisee whose supervisor
    has left stays due: the manager told of it acts meanwhile. The compliance report reads the
    same answer the findings do, on the day and at each month end."""
    if not member.is_active(ctx.as_of):
        return None
    supervising = ctx.supervising(member)
    if supervising is None:
        return None
    return supervising, due_after(ctx, member, ctx.last_held_on(member.staff_id))


def due_after(ctx: Context, member: StaffMember, last_held: date | None) -> Due:
    """The member's next 1:1 due after their last one, held on `last_held` (None: none yet),
    under the agreement in force with the supervisor the records name (`Supervising.named`).
    Nothing in it depends on the day asked but the last 1:1."""
    return dues_of(ctx, member)(last_held)


def dues_of(ctx: Context, member: StaffMember) -> Callable[[date | None], Due]:
    """`due_after` for one member, the agreement looked up once: the report asks it after each
    of a member's last 1:1s at thirteen days, for every member."""
    named = ctx.named_supervisor(member)
    agreement = current_agreement(ctx, member, named.staff_id if named else "")
    rules = ctx.policy.supervision
    return lambda last_held: next_supervision_due(member, last_held, agreement, rules)


def supervision_findings(ctx: Context) -> Iterator[Finding]:
    """`supervision_upcoming` and `supervision_overdue` for every supervisee in post."""
    for member in ctx.snapshot.staff:
        supervised = supervision_due(ctx, member)
        if supervised is None:
            continue
        supervising, due = supervised
        timing = ctx.timing(due.on)
        if timing is None:
            continue
        rule = due.rule
        limit = ctx.policy.supervision.max_missed_calendar_months
        missed = missed_calendar_months(due.last_held or member.start_date, ctx.as_of)
        monthly_or_more_often = due.interval.after(ctx.as_of) <= Interval(months=1).after(ctx.as_of)
        if (
            timing.stage is Stage.CHASE
            and limit is not None
            and monthly_or_more_often
            and missed > limit.months
        ):
            timing = replace(timing, stage=Stage.ESCALATE)
            rule = f"supervision.max_missed_calendar_months: {limit.source}"
        since = f"last 1:1 held {due.last_held}" if due.last_held else "no 1:1 held yet"
        yield ctx.finding(
            kind=(Kind.SUPERVISION_UPCOMING if timing.stage is Stage.UPCOMING else Kind.SUPERVISION_OVERDUE),
            staff_id=member.staff_id,
            due=due.on,
            timing=timing,
            notify=ctx.tell(supervising, timing),
            detail=f"{due.interval} 1:1 supervision due {due.on} ({since})",
            rule=rule,
        )


def rebook_findings(ctx: Context) -> Iterator[Finding]:
    """`rebook_overdue`: a cancelled 1:1 not followed by a held one within the policy's working
    days of the cancellation, or, when cancelled for sickness, of the absent person's return."""
    within = ctx.policy.rebooking.within_working_days
    # Cancellations are few: find them first, then ask about the supervisee.
    for session in ctx.snapshot.sessions:
        if session.status is not SessionStatus.CANCELLED or not session.is_one_to_one:
            continue
        cancelled = session.cancelled_on or session.scheduled_for
        member = ctx.active(session.supervisee_id)
        if cancelled is None or cancelled > ctx.as_of or member is None:
            continue
        held = ctx.held_one_to_ones(member.staff_id)
        if any(s.held_on >= cancelled for s in held):  # type: ignore[operator]
            continue
        start = _rebook_clock_start(ctx, session, cancelled)
        if start is None:
            continue
        deadline = ctx.calendar.add_working_days(start, within)
        if ctx.as_of <= deadline:
            continue
        timing = ctx.timing(deadline)
        assert timing is not None  # as-of is past the deadline: always chase or escalate
        yield ctx.finding(
            kind=Kind.REBOOK_OVERDUE,
            staff_id=member.staff_id,
            session_id=session.session_id,
            due=deadline,
            timing=timing,
            notify=ctx.tell(ctx.session_supervising(session, member), timing),
            detail=f"1:1 cancelled {cancelled} has not been rebooked and held by {deadline}",
            rule=f"rebooking: {ctx.policy.rebooking.source}",
        )


def _rebook_clock_start(ctx: Context, session: SupervisionSession, cancelled: date) -> date | None:
    """The day the rebooking clock starts: the cancellation, or for sickness the first working day
    after the absence covering it ends. None while that absence is still open."""
    if session.cancel_reason is not CancelReason.SICKNESS:
        return cancelled
    returns = []
    for staff_id in (session.supervisee_id, session.supervisor_id):
        for absence in ctx.snapshot.absences_by_staff.get(staff_id, []):
            if absence.kind is AbsenceKind.SICKNESS and (
                absence.covers(cancelled)
                or (session.scheduled_for is not None and absence.covers(session.scheduled_for))
            ):
                if absence.end_date is None or absence.end_date >= ctx.as_of:
                    return None
                returns.append(ctx.calendar.next_working_day(absence.end_date))
    if not returns:
        return cancelled
    # "Within N working days of E" does not count E, so the return day itself is E.
    return max(returns)


def missing_supervisor_findings(ctx: Context) -> Iterator[Finding]:
    """`supervisor_missing`: someone in post whose supervisor has left (and no one covers for
    the leaver), or whom no agreement or line manager names, told to their manager."""
    for member in ctx.snapshot.staff:
        if not member.is_active(ctx.as_of):
            continue
        supervising = ctx.supervising(member)
        if supervising is None or supervising.missing is None:
            continue
        timing = ctx.timing(supervising.missing.due)
        if timing is None:
            continue
        leaver = supervising.missing.leaver
        gone = (
            f"supervisor {leaver.staff_id} left on {leaver.end_date}"
            if leaver
            else "no supervisor or line manager is recorded"
        )
        yield ctx.finding(
            kind=Kind.SUPERVISOR_MISSING,
            staff_id=member.staff_id,
            due=supervising.missing.due,
            timing=timing,
            notify=ctx.tell(supervising, timing),
            detail=f"no supervisor in post: {gone}; name a new supervisor",
            rule=f"supervision.default: {ctx.policy.supervision.default.source}",
        )
