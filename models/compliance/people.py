"""Who supervises whom: caseloads of supervisees, absent supervisors and their cover, and the
staff whose supervision is stepped up early on (ASYEs, students, probation).

An absence is shown by its dates only, never its kind: sickness is health data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from models.compliance.scopes import natural
from models.compliance.supervision import SupervisionStatus
from models.policy.away import away_since
from models.policy.context import Context
from models.policy.facts import Role, StaffMember
from models.policy.intervals import Interval
from models.policy.policy import Staged


@dataclass(frozen=True)
class AbsentSupervisor:
    supervisor: StaffMember
    since: date
    expected_back: date | None
    days: int
    cover: StaffMember | None  # who covers as recorded, else the line manager, who arranges it
    supervisees: tuple[SupervisionStatus, ...]


@dataclass(frozen=True)
class EarlyCareer:
    member: StaffMember
    programme: str  # "ASYE", "student placement" or "probation"
    since: date
    every: Interval
    stage: str
    last_held: date | None = None  # their last 1:1 held
    status: SupervisionStatus | None = None  # when the next is due, and whether it is past due


def supervisees_by_supervisor(statuses: dict[str, SupervisionStatus]) -> dict[str, list[SupervisionStatus]]:
    """Supervisees by their supervisor in post (those with none are not anyone's load)."""
    grouped: dict[str, list[SupervisionStatus]] = defaultdict(list)
    for status in statuses.values():
        if status.supervisor_id is not None:
            grouped[status.supervisor_id].append(status)
    return dict(grouped)


def absent_supervisors(ctx: Context, statuses: dict[str, SupervisionStatus]) -> list[AbsentSupervisor]:
    """Supervisors away on the day, with who arranges cover and when each supervisee is due."""
    absent = []
    for supervisor_id, supervised in supervisees_by_supervisor(statuses).items():
        absences = ctx.snapshot.absences_by_staff.get(supervisor_id, [])
        since = away_since(absences, ctx.as_of)
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
                ctx.recorded_cover(supervisor_id) or ctx.manager_of(supervisor),
                tuple(sorted(supervised, key=lambda s: (s.due, s.staff_id))),
            )
        )
    return sorted(absent, key=lambda a: (a.since, a.supervisor.staff_id))


def early_career(ctx: Context, today: dict[str, SupervisionStatus]) -> list[EarlyCareer]:
    """ASYEs in their staged first months, students, and staff on probation, on the day, each
    with their last 1:1 and when the next is due (`today`: everyone's supervision status)."""
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
    found = [
        replace(e, last_held=_last_held(ctx, e.member.staff_id), status=today.get(e.member.staff_id))
        for e in found
    ]
    return sorted(found, key=lambda e: (e.programme, e.since, e.member.staff_id))


def _last_held(ctx: Context, staff_id: str) -> date | None:
    held = ctx.held_one_to_ones(staff_id)  # oldest first
    return held[-1].held_on if held else None


def _stage(ctx: Context, since: date, staged: Staged, after: Interval) -> tuple[Interval, str]:
    """Where a member is in a staged frequency: the interval now, and which week and until when."""
    week = (ctx.as_of - since).days // 7 + 1
    for phase in staged.phases:
        until = phase.until.after(since)
        if ctx.as_of < until:
            return phase.every, f"week {week}: {phase.every} until {until}"
    return after, f"week {week}: past the stepped-up phases, {after}"


@dataclass(frozen=True)
class Unsupervised:
    """Someone in post with no supervisor in post: who was named, and since when."""

    member: StaffMember
    left: StaffMember | None
    since: date
    told: StaffMember | None


def unsupervised(ctx: Context) -> list[Unsupervised]:
    """Staff in post whose supervisor has left (with no one covering) or was never named."""
    found = []
    for member in ctx.snapshot.staff:
        supervising = ctx.supervising(member) if member.is_active(ctx.as_of) else None
        if supervising is not None and supervising.missing is not None:
            missing = supervising.missing
            found.append(Unsupervised(member, missing.leaver, missing.due, supervising.acting))
    return sorted(found, key=lambda u: (u.since, u.member.team, u.member.staff_id))


@dataclass(frozen=True)
class Person:
    """One member of staff in post, for a sheet with a row per person (to filter and pivot):
    their 1:1 status and their caseload."""

    member: StaffMember
    supervisor: StaffMember | None
    last_held: date | None
    status: SupervisionStatus | None  # None for someone no one supervises (the Director)
    open_cases: dict[str, int]  # open cases they are the worker of, by category

    @property
    def caseload(self) -> int:
        return sum(self.open_cases.values())


def people_in_post(
    ctx: Context,
    people: frozenset[str],
    today: dict[str, SupervisionStatus],
    caseloads: dict[str, dict[str, int]],
) -> list[Person]:
    """Everyone of `people` in post on the day, by team then name."""
    rows = [
        Person(
            member,
            ctx.active(today[member.staff_id].supervisor_id) if member.staff_id in today else None,
            _last_held(ctx, member.staff_id),
            today.get(member.staff_id),
            caseloads.get(member.staff_id, {}),
        )
        for member in ctx.snapshot.staff
        if member.staff_id in people and member.is_active(ctx.as_of)
    ]
    return sorted(rows, key=lambda p: (natural(p.member.team), p.member.name, p.member.staff_id))
