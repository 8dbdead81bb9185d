"""The recurring duties around supervision that only some councils set (POLICY_DIGEST §7):
observation of practice and of supervision, appraisals, audits of supervision files, and the
supervisor's own signature on the personal record.

Each is off unless the policy in force has its section. A regular duty is due one interval after
the last time it was done by as-of, or after the member of staff's start date when it never was
(contract, "Recurring duties around supervision"); it is upcoming within the policy's window and
chased, then escalated, once past due, like every other finding.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from models.policy.context import Context
from models.policy.facts import ObservationKind, SessionKind, StaffMember, SupervisionSession
from models.policy.findings import As, Finding, Kind
from models.policy.policy import Duty


@dataclass(frozen=True)
class DutyStatus:
    """Where one member of staff stands against one regular duty on as-of: who must act, when
    it is next due, and the rule. The findings and the report's figures both read these."""

    kind: Kind
    member: StaffMember
    responsible: StaffMember
    as_: As
    due: date
    last: date | None
    duty: Duty
    setting: str
    aspect: str | None = None
    reason: str | None = None  # why it reached `responsible` when it is not theirs (a cover)

    def within(self, as_of: date) -> bool:
        return as_of <= self.due


def duty_statuses(ctx: Context) -> list[DutyStatus]:
    """Every regular duty the policy sets, for everyone in post it applies to."""
    return [*_observations(ctx), *_appraisals(ctx), *_audits(ctx)]


def duty_findings(ctx: Context) -> Iterator[Finding]:
    """`observation_due`, `appraisal_due` and `supervision_audit_due`."""
    for status in duty_statuses(ctx):
        timing = ctx.timing(status.due)
        if timing is None:
            continue
        yield ctx.finding(
            kind=status.kind,
            staff_id=status.member.staff_id,
            due=status.due,
            timing=timing,
            notify=ctx.notify_responsible(status.responsible, status.as_, timing, reason=status.reason),
            detail=_detail(status),
            rule=f"{status.setting}: {status.duty.source}",
            aspect=status.aspect,
        )


def countersign_due(ctx: Context, session: SupervisionSession) -> date | None:
    """When the supervisor must have signed the record of a held 1:1 (`Context.held_one_to_ones`), a
    personal one the supervisee signed by as-of; None where the policy does not ask it, the
    record is not theirs to countersign yet, or it was signed before the duty began (`from`)."""
    rules = ctx.policy.countersigning
    signed = session.supervisee_signed_on
    if (
        rules is None
        or session.kind is not SessionKind.PERSONAL
        or session.record_disputed
        or signed is None
        or signed > ctx.as_of
        or (rules.from_ is not None and signed < rules.from_)
    ):
        return None
    return ctx.calendar.add_working_days(signed, rules.within_working_days)


def countersigned_on(session: SupervisionSession, as_of: date) -> date | None:
    """When the supervisor signed the record, if they had by as-of."""
    signed = session.supervisor_signed_on
    return signed if signed is not None and signed <= as_of else None


def countersign_findings(ctx: Context) -> Iterator[Finding]:
    """`record_not_countersigned`: a personal record the supervisee signed and the supervisor
    has not, past the policy's working days after the supervisee's signature."""
    rules = ctx.policy.countersigning
    if rules is None:
        return
    for member in ctx.snapshot.staff:
        if not member.is_active(ctx.as_of):
            continue
        for session in ctx.held_one_to_ones(member.staff_id):
            due = countersign_due(ctx, session)
            if due is None or ctx.as_of <= due or countersigned_on(session, ctx.as_of):
                continue
            timing = ctx.timing(due)
            assert timing is not None  # as-of is past `due`
            # A supervisor who has left is replaced by whoever acts as supervisor now.
            supervisor = ctx.session_supervising(session, member)
            yield ctx.finding(
                kind=Kind.RECORD_NOT_COUNTERSIGNED,
                staff_id=member.staff_id,
                session_id=session.session_id,
                due=due,
                timing=timing,
                notify=ctx.tell(supervisor, timing),
                detail=f"record of the personal session held {session.held_on}, signed by the "
                f"supervisee {session.supervisee_signed_on}, is not signed by the supervisor",
                rule=f"countersigning.within_working_days: {rules.source}",
            )


def _observations(ctx: Context) -> Iterator[DutyStatus]:
    rules = ctx.policy.observations
    if rules is None:
        return
    supervisors = _supervisors(ctx)
    for member in _in_post(ctx):
        supervising = ctx.supervising(member)
        if rules.practice and supervising and supervising.acting:
            last = _observed(ctx, member, ObservationKind.PRACTICE)
            yield _status(
                Kind.OBSERVATION_DUE,
                member,
                supervising.acting,
                supervising.as_,
                rules.practice,
                last,
                setting="observations.practice",
                aspect="practice",
                reason=supervising.reason,
            )
        duty = rules.supervision
        if (
            duty
            and member.staff_id in supervisors
            and (duty.roles is None or member.role in duty.roles)
            and (observer := ctx.manager_of(member))
        ):
            last = _observed(ctx, member, ObservationKind.SUPERVISION)
            yield _status(
                Kind.OBSERVATION_DUE,
                member,
                observer,
                As.LINE_MANAGER,
                duty,
                last,
                setting="observations.supervision",
                aspect="supervision",
            )


def _appraisals(ctx: Context) -> Iterator[DutyStatus]:
    duty = ctx.policy.appraisals
    if duty is None:
        return
    for member in _in_post(ctx):
        appraiser = ctx.manager_of(member)
        if appraiser:
            held = (a.held_on for a in ctx.snapshot.appraisals_by_staff.get(member.staff_id, []))
            last = _last(held, ctx.as_of)
            yield _status(
                Kind.APPRAISAL_DUE, member, appraiser, As.LINE_MANAGER, duty, last, setting="appraisals"
            )


def _audits(ctx: Context) -> Iterator[DutyStatus]:
    rules = ctx.policy.audits
    if rules is None:
        return
    for member in _in_post(ctx):
        duty = rules.roles.get(member.role)
        if duty:
            done = (a.audited_on for a in ctx.snapshot.audits_by_auditor.get(member.staff_id, []))
            last = _last(done, ctx.as_of)
            setting = f"audits.roles.{member.role.value}"
            yield _status(
                Kind.SUPERVISION_AUDIT_DUE, member, member, As.SUPERVISOR, duty, last, setting=setting
            )


def _status(
    kind: Kind,
    member: StaffMember,
    responsible: StaffMember,
    as_: As,
    duty: Duty,
    last: date | None,
    setting: str,
    aspect: str | None = None,
    reason: str | None = None,
) -> DutyStatus:
    """Due one interval after the latest of the duty's start (`from`), the member's start and
    the last time it was done: a duty begun this month is not owed for years past."""
    anchor = max(day for day in (duty.from_, member.start_date, last) if day is not None)
    due = duty.every.after(anchor)
    return DutyStatus(kind, member, responsible, as_, due, last, duty, setting, aspect, reason)


def _detail(status: DutyStatus) -> str:
    what = {
        Kind.OBSERVATION_DUE: f"observation of {status.aspect}",
        Kind.APPRAISAL_DUE: "appraisal",
        Kind.SUPERVISION_AUDIT_DUE: "audit of a supervision file",
    }[status.kind]
    began = status.duty.from_
    if status.last and (began is None or status.last >= began):
        since = f"last on {status.last}"
    elif began is not None and began > status.member.start_date:
        since = f"none since the duty began on {began}"
    else:
        since = f"none since starting on {status.member.start_date}"
    return f"{what} due by {status.due} ({since}; every {status.duty.every.as_span()})"


def _in_post(ctx: Context) -> Iterator[StaffMember]:
    return (member for member in ctx.snapshot.staff if member.is_active(ctx.as_of))


def _supervisors(ctx: Context) -> set[str]:
    """Everyone who supervises someone in post."""
    return {supervisor.staff_id for member in _in_post(ctx) if (supervisor := ctx.supervisor_of(member))}


def _observed(ctx: Context, member: StaffMember, kind: ObservationKind) -> date | None:
    observations = ctx.snapshot.observations_by_staff.get(member.staff_id, [])
    return _last((o.observed_on for o in observations if o.kind is kind), ctx.as_of)


def _last(days: Iterable[date], as_of: date) -> date | None:
    """The latest of `days` on or before as-of."""
    return max((day for day in days if day <= as_of), default=None)
