"""Who supervises whom: caseloads of supervisees, absent supervisors and their cover, and the
staff whose supervision is stepped up early on (ASYEs, students, probation).

An absence is shown by its dates only, never its kind: sickness is health data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models.compliance.supervision import SupervisionStatus
from models.policy.absence import continuous_absence_start
from models.policy.context import Context
from models.policy.facts import AbsenceKind, Role, StaffMember
from models.policy.intervals import Interval
from models.policy.policy import Staged


@dataclass(frozen=True)
class AbsentSupervisor:
    supervisor: StaffMember
    since: date
    expected_back: date | None
    days: int
    cover: StaffMember | None  # the line manager, who arranges cover (every seed policy)
    supervisees: tuple[SupervisionStatus, ...]


@dataclass(frozen=True)
class EarlyCareer:
    member: StaffMember
    programme: str  # "ASYE", "student placement" or "probation"
    since: date
    every: Interval
    stage: str


def supervisees_by_supervisor(statuses: dict[str, SupervisionStatus]) -> dict[str, list[SupervisionStatus]]:
    grouped: dict[str, list[SupervisionStatus]] = defaultdict(list)
    for status in statuses.values():
        grouped[status.supervisor_id].append(status)
    return dict(grouped)


def absent_supervisors(ctx: Context, statuses: dict[str, SupervisionStatus]) -> list[AbsentSupervisor]:
    """Supervisors away on the day, with who arranges cover and when each supervisee is due."""
    absent = []
    for supervisor_id, supervised in supervisees_by_supervisor(statuses).items():
        absences = ctx.snapshot.absences_by_staff.get(supervisor_id, [])
        since = continuous_absence_start(absences, list(AbsenceKind), ctx.as_of)
        if since is None:
            continue
        current = [a for a in absences if a.covers(ctx.as_of)]
        ends = [a.end_date or a.expected_return for a in current]
        supervisor = ctx.snapshot.staff_by_id[supervisor_id]
        absent.append(
            AbsentSupervisor(
                supervisor,
                since,
                max(ends) if ends and None not in ends else None,
                (ctx.as_of - since).days + 1,
                ctx.active(supervisor.line_manager_id),
                tuple(sorted(supervised, key=lambda s: s.due)),
            )
        )
    return sorted(absent, key=lambda a: a.since)


def early_career(ctx: Context) -> list[EarlyCareer]:
    """ASYEs in their staged first months, students, and staff on probation, on the day."""
    rules = ctx.policy.supervision
    found = []
    for member in ctx.snapshot.staff:
        if not member.is_active(ctx.as_of):
            continue
        every = rules.role_frequency(member.role).every
        if member.role is Role.ASYE or member.asye_start is not None:
            since = member.asye_start or member.start_date
            found.append(EarlyCareer(member, "ASYE", since, *_stage(ctx, since, rules.asye, every)))
        elif member.role is Role.STUDENT:
            found.append(
                EarlyCareer(member, "student placement", member.start_date, every, f"{every} throughout")
            )
        elif member.probation_end is not None and ctx.as_of <= member.probation_end:
            now, stage = _stage(ctx, member.start_date, rules.probation, every)
            stage += f"; probation ends {member.probation_end}"
            found.append(EarlyCareer(member, "probation", member.start_date, now, stage))
    return sorted(found, key=lambda e: (e.programme, e.since, e.member.staff_id))


def _stage(ctx: Context, since: date, staged: Staged, after: Interval) -> tuple[Interval, str]:
    """Where a member is in a staged frequency: the interval now, and which week and until when."""
    week = (ctx.as_of - since).days // 7 + 1
    for phase in staged.phases:
        until = phase.until.after(since)
        if ctx.as_of < until:
            return phase.every, f"week {week}: {phase.every} until {until}"
    return after, f"week {week}: past the stepped-up phases, {after}"
