"""The compliance report as data: every figure for the service, its lines and teams on one day.

`build_report` reads a snapshot, the policy and the day's findings; it never reads the clock or
the database, so the figures are tested table-driven and rendered the same to HTML, XLSX and
CSV. Each figure carries the sentence that says how it is computed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Generic, TypeVar

from dateutil.relativedelta import relativedelta

from models.compliance.cases import CaseStatus, cases_on
from models.compliance.duties import DutyShare, duty_shares
from models.compliance.escalations import Escalation
from models.compliance.glance import MIN_RATED, TeamGlance, teams_at_a_glance
from models.compliance.people import (
    AbsentSupervisor,
    EarlyCareer,
    Person,
    Unsupervised,
    absent_supervisors,
    early_career,
    people_in_post,
    supervisees_by_supervisor,
    unsupervised,
)
from models.compliance.records import (
    RecordOutcome,
    RecordTimeliness,
    WaitingRecord,
    held_one_to_ones,
    outcomes,
    timeliness,
    waiting_for_signature,
)
from models.compliance.scopes import Scope, natural, scopes
from models.compliance.shares import Share
from models.compliance.supervision import SupervisionStatus, month_ends, supervision_on
from models.policy.calendar import WorkingCalendar
from models.policy.context import Context
from models.policy.duties import DutyStatus, duty_statuses
from models.policy.facts import Absence, Audit, Snapshot, StaffMember, SupervisionSession
from models.policy.findings import Finding, Kind, Stage
from models.policy.policy import Policy

T = TypeVar("T")
PERIODS = (3, 12)  # months over which record timeliness is reported


@dataclass(frozen=True)
class ScopeFigures:
    """One row of the headline table: a scope's 1:1 share today, at each month end, and its
    records' timeliness over each period."""

    scope: Scope
    today: Share
    trend: tuple[Share, ...]
    records: dict[int, RecordTimeliness]


@dataclass(frozen=True)
class Overdue:
    """One line of the overdue list: a finding past its due date, with the people around it."""

    finding: Finding
    member: StaffMember | None
    supervisor: StaffMember | None


@dataclass(frozen=True)
class SupervisorLoad:
    supervisor: StaffMember
    supervisees: int
    overdue: int
    away: bool


@dataclass
class ComplianceReport:
    council: str | None
    as_of: date
    policy: Policy
    team: str | None
    months: list[date]
    scopes: list[ScopeFigures]
    cases_by_category: dict[str, Share]
    cases_by_team: dict[str, Share]
    overdue_cases: list[CaseStatus]
    unallocated: list[CaseStatus]  # open cases with no worker in post, longest without first
    unsupervised: list[Unsupervised]  # staff in post with no supervisor in post
    waiting: list[WaitingRecord]
    loads: list[SupervisorLoad]
    absent: list[AbsentSupervisor]
    early: list[EarlyCareer]
    overdue: list[Overdue]
    absences: list[Absence]
    disputed: list[SupervisionSession]
    duties: list[DutyShare]
    staff_by_id: dict[str, StaffMember] = field(repr=False)
    people: list[Person] = field(default_factory=list, repr=False)  # everyone in post, a row each
    audits: list[Audit] = field(default_factory=list, repr=False)  # of supervision files, in the period
    since: date | None = None  # the start of the evidence's period (absences, disputes, audits)
    view: Scope | None = None  # a manager's view: their line or team, with only its people named
    escalations: list[Escalation] = field(default_factory=list, repr=False)  # an evidence pack's log
    measures: Measures | None = field(default=None, repr=False, compare=False)  # what views are cut from

    @property
    def period(self) -> str:
        """The evidence's period in words: `since 2025-11-24` (twelve months by default)."""
        return f"since {self.since}" if self.since else "in the last twelve months"

    @cached_property  # the page asks for its table and again for its chart, in thousands of views
    def teams(self) -> list[TeamGlance]:
        """Every team at a glance, worst first (`models.compliance.glance`)."""
        overdue = Counter(o.member.team for o in self.overdue if o.member)
        overdue.update(c.team for c in self.overdue_cases)
        return teams_at_a_glance(
            [
                (f.scope.name, f.today, f.trend[-1] if f.trend else None, f.records[PERIODS[0]].signed)
                for f in self.scopes
                if f.scope.kind == "team"
            ],
            self.cases_by_team,
            overdue,
            self.policy.compliance,
        )

    @property
    def heading(self) -> str | None:
        """Whose report this is, beside the council's name: a team's, or a manager's view."""
        return self.view.name if self.view else self.team

    @property
    def service(self) -> ScopeFigures:
        """The first scope: the whole service, or the one team asked for."""
        return self.scopes[0]

    def name_of(self, staff_id: str | None) -> str:
        member = self.staff_by_id.get(staff_id or "")
        return member.name if member else ""

    def team_of(self, staff_id: str | None) -> str:
        member = self.staff_by_id.get(staff_id or "")
        return member.team if member else ""

    @cached_property
    def methods(self) -> dict[str, str]:
        """How each figure is computed, with the rule and the period it reads."""
        policy = self.policy
        records = policy.records
        supervision = policy.supervision
        return {
            "supervision": (
                "Staff in post on the day, whose next 1:1 supervision is not past due; those whose "
                "supervisor has left are counted under their own team all the same. Due is one interval after the last held 1:1 (group sessions never count), or "
                "after the start date; the interval is the role's (supervision.default: "
                f"{supervision.default.source}), stepped up for ASYEs (supervision.asye: "
                f"{supervision.asye.source}) and probation, or a stricter agreement's. Month ends "
                "are computed by the same rule over the data held today."
            ),
            "bands": (
                f"Green at {policy.compliance.green_from:g}% or more, amber from "
                f"{policy.compliance.amber_from:g}%, red below (compliance: {policy.compliance.source}). "
                f"A team or line with fewer than {MIN_RATED} counted (people, or cases) is not "
                "rated: its counts are shown, but one or two people's status is not a team's."
            ),
            "teams": (
                "Each team with anyone in post, worst first (red, amber, green, not rated), lowest "
                "share first within each. 1:1s: staff in post whose next 1:1 is not past due today; "
                "change: percentage points since the last month end. Records signed on time over "
                "the last 3 months, open cases discussed within their interval, and the team's "
                "items overdue tonight (case discussions included), each as computed in its own section."
            ),
            "records": (
                "Held 1:1s in the period (the last 3 or 12 months to the day). Written: the record "
                f"written within {records.written.within_working_days} working days of the session "
                f"(records.written: {records.written.source}). Signed: signed by "
                f"the supervisee within {records.signed.within_working_days} working days of receiving "
                f"it (records.signed: {records.signed.source}). A record counts "
                "once done or past its deadline; disputed records are exceptions, not counted."
            ),
            "waiting": (
                "Records shared with the supervisee and neither signed nor disputed on the day; age in "
                "working days since shared (bank holidays and the council's closures excluded)."
            ),
            "cases": (
                "Cases open on the day, with a worker in post or not (an unallocated case is counted "
                "under the team holding it); within interval when the next "
                "discussion in supervision is not past due (the category's interval after the last "
                "discussion since allocation; cases.categories, cases.default: "
                f"{policy.cases.default.source})."
            ),
            "people": (
                "Supervisees per supervisor on the day (the line manager, or the supervisor of the "
                "latest agreement). Away: any absence on the day, shown by dates only; cover is who "
                "the council recorded, else the supervisor's line manager, who arranges it. No "
                "supervisor in post: the named supervisor has left (with no one covering) or none "
                "is named; their manager is told."
            ),
            "duties": (
                "Each recurring duty the policy in force sets, for the staff in post it applies to: "
                "within when it is not past due on the day (next due one interval after the last time "
                "it was done, or after the start date). Personal records: signed by the supervisor "
                "within the policy's working days of the supervisee's signature, counted once signed "
                "or past that deadline; disputed records are not counted."
                if self.duties
                else "The policy in force sets none of the recurring duties (observations, appraisals, "
                "audits of supervision files, both parties signing the record)."
            ),
            "overdue": (
                "Every finding of the night past its due date except case discussions (listed by "
                "case), riskiest first: students, ASYEs and staff on probation, then 1:1 "
                "supervision, then child protection and care proceedings cases, then other cases, "
                "then records and duties; most overdue first within each. Working days late "
                "exclude weekends, bank holidays and closures; the stage "
                f"turns to escalate after {policy.escalation.after_working_days} working days "
                f"(escalation: {policy.escalation.source})."
            ),
        }


def _caseloads(cases: list[CaseStatus]) -> dict[str, dict[str, int]]:
    """Each worker's open cases, by category."""
    loads: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        if case.worker:
            loads[case.worker.staff_id][case.case.category.value] += 1
    return {worker: dict(load) for worker, load in loads.items()}


class ByStaff(Generic[T]):
    """A list in its order, with where each member of staff's items are: a scope's items are
    picked in that order without a scan of everyone's, as each of some hundreds of managers'
    views of a large council asks."""

    def __init__(self, items: list[T], staff_id: Callable[[T], str | None]) -> None:
        self.items = items
        self._at: dict[str | None, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            self._at[staff_id(item)].append(index)

    def of(self, people: frozenset[str]) -> list[T]:
        """The items of `people`, in the list's order."""
        return [self.items[i] for i in sorted(i for staff_id in people for i in self._at.get(staff_id, ()))]


@dataclass(frozen=True)
class Measures:
    """What the report reads of everyone, once: the whole service's report and each manager's
    view of it are cut from these, so a view costs a filter and never a second evaluation."""

    ctx: Context
    months: list[date]
    today: dict[str, SupervisionStatus]
    at_month_end: list[dict[str, SupervisionStatus]]
    records: dict[str, list[RecordOutcome]]  # each supervisee's held 1:1s of the last 12 months
    cases: list[CaseStatus]  # every open case
    cases_by_team: dict[str, list[CaseStatus]]  # by the team holding them
    unsupervised: ByStaff[Unsupervised]
    waiting: ByStaff[WaitingRecord]
    early: ByStaff[EarlyCareer]
    people: ByStaff[Person]
    overdue: ByStaff[Overdue]
    duties: ByStaff[DutyStatus]
    absences: ByStaff[Absence]  # in the evidence's period
    disputed: ByStaff[SupervisionSession]  # in the evidence's period
    audits: ByStaff[Audit]  # in the evidence's period
    since: date | None
    _figures: dict[Scope, ScopeFigures] = field(default_factory=dict, repr=False)
    _team_cases: dict[str, dict[str, Share]] = field(default_factory=dict, repr=False)

    def figures(self, scope: Scope) -> ScopeFigures:
        """A scope's row: the same in the whole report and in every view that shows it. Added up
        from its people's counts (`_counts`): a national service has thousands of scopes, and
        each person is in several (their team, and every line above them)."""
        found = self._figures.get(scope)
        if found is None:
            counts = self._counts
            mine = [counts[staff_id] for staff_id in scope.staff_ids if staff_id in counts]
            totals = [sum(column) for column in zip(*mine, strict=True)] if mine else [0] * self._width
            shares = [Share(totals[i], totals[i + 1]) for i in range(0, len(totals), 2)]
            days = len(self.at_month_end) + 1
            found = self._figures[scope] = ScopeFigures(
                scope,
                shares[days - 1],
                tuple(shares[: days - 1]),
                {
                    months_back: RecordTimeliness(shares[days + 2 * i], shares[days + 2 * i + 1])
                    for i, months_back in enumerate(PERIODS)
                },
            )
        return found

    @property
    def _width(self) -> int:
        return 2 * (len(self.at_month_end) + 1) + 4 * len(PERIODS)

    @cached_property
    def _counts(self) -> dict[str, tuple[int, ...]]:
        """Each person's part of any scope's row, as pairs of counts (met, of): at each month end
        then today, their 1:1 within timescale; for each period, their records written on time,
        then signed on time (a step not yet due and not done is not counted)."""
        as_of = self.ctx.as_of
        starts = [as_of - relativedelta(months=months_back) for months_back in PERIODS]
        days = [*self.at_month_end, self.today]
        counts = {}
        for staff_id in set().union(*days, self.records):
            row: list[int] = []
            for statuses in days:
                status = statuses.get(staff_id)
                row += (status.within, 1) if status else (0, 0)
            judged = self.records.get(staff_id, ())
            for start in starts:
                period = timeliness(o for o in judged if o.session.held_on > start)  # type: ignore[operator]
                row += (period.written.met, period.written.of, period.signed.met, period.signed.of)
            counts[staff_id] = tuple(row)
        return counts

    def case_shares(self, scope: Scope) -> tuple[dict[str, Share], dict[str, Share]]:
        """The scope's open cases discussed within their interval, by category and by team: each
        team's counted once however many views show it, a line's the sum of its teams'."""
        held = self.cases_by_team
        teams = held if scope.case_teams is None else [team for team in scope.case_teams if team in held]
        by_team = {team: self._team_categories(team) for team in teams}
        by_category: dict[str, list[Share]] = defaultdict(list)
        for shares in by_team.values():
            for category, share in shares.items():
                by_category[category].append(share)
        return (
            {category: Share.total(by_category[category]) for category in sorted(by_category, key=natural)},
            {team: Share.total(by_team[team].values()) for team in sorted(by_team, key=natural)},
        )

    def _team_categories(self, team: str) -> dict[str, Share]:
        found = self._team_cases.get(team)
        if found is None:
            found = self._team_cases[team] = _shares(
                self.cases_by_team[team], lambda c: c.case.category.value
            )
        return found


def measure(
    snapshot: Snapshot, policy: Policy, findings: list[Finding], as_of: date, since: date | None = None
) -> Measures:
    """Everything the report needs of everyone on `as_of`. The evidence (absences, disputed
    records, audits) covers the twelve months to `as_of`, or the period from `since` (an
    inspection's: since the last one)."""
    calendar = WorkingCalendar(closure.date for closure in snapshot.closures)
    ctx = Context(snapshot=snapshot, policy=policy, as_of=as_of, calendar=calendar)
    everyone = frozenset(snapshot.staff_by_id)
    months = month_ends(as_of)
    *at_month_end, today = supervision_on(ctx, [*months, as_of])
    cases = cases_on(ctx)
    by_team: dict[str, list[CaseStatus]] = defaultdict(list)
    for case in cases:
        by_team[case.team].append(case)
    year_ago = since - timedelta(days=1) if since else as_of - relativedelta(months=12)
    return Measures(
        ctx=ctx,
        months=months,
        today=today,
        at_month_end=at_month_end,
        records=_group(
            outcomes(ctx, held_one_to_ones(ctx, everyone, as_of - relativedelta(months=max(PERIODS))))
        ),
        cases=cases,
        cases_by_team=dict(by_team),
        unsupervised=ByStaff(unsupervised(ctx), lambda u: u.member.staff_id),
        waiting=ByStaff(
            waiting_for_signature(ctx, held_one_to_ones(ctx, _in_post(ctx, everyone))),
            lambda w: w.session.supervisee_id,
        ),
        early=ByStaff(early_career(ctx, today), lambda e: e.member.staff_id),
        people=ByStaff(people_in_post(ctx, everyone, today, _caseloads(cases)), lambda p: p.member.staff_id),
        overdue=ByStaff(_overdue(ctx, findings), lambda o: o.finding.staff_id),
        duties=ByStaff(duty_statuses(ctx), lambda d: d.member.staff_id),
        absences=ByStaff(
            sorted(
                (a for a in snapshot.absences if a.start_date <= as_of and (a.end_date or as_of) > year_ago),
                key=lambda a: (a.start_date, a.staff_id),
            ),
            lambda a: a.staff_id,
        ),
        disputed=ByStaff(
            sorted(
                (s for s in held_one_to_ones(ctx, everyone, year_ago) if s.record_disputed),
                key=lambda s: (s.held_on or as_of, s.session_id),
            ),
            lambda s: s.supervisee_id,
        ),
        audits=ByStaff(
            sorted(
                (a for a in snapshot.audits if year_ago < a.audited_on <= as_of),
                key=lambda a: (a.audited_on, a.audit_id),
            ),
            lambda a: a.subject_id,
        ),
        since=since,
    )


def build_report(
    snapshot: Snapshot,
    policy: Policy,
    findings: list[Finding],
    as_of: date,
    council: str | None = None,
    team: str | None = None,
    since: date | None = None,
) -> ComplianceReport:
    """Every figure of the report for `as_of`; with `team`, for that team's people only. The
    evidence covers the twelve months to `as_of`, or the period from `since`."""
    rows = scopes(snapshot, as_of, team)
    if not rows:
        raise ValueError(f"no team called {team!r} has anyone in post on {as_of}")
    return report_for(measure(snapshot, policy, findings, as_of, since), rows, council, team)


def report_for(
    m: Measures, rows: list[Scope], council: str | None, team: str | None, view: Scope | None = None
) -> ComplianceReport:
    """The report for the people of `rows[0]`, with a row of figures for each of `rows`; `view`
    names the manager's scope it is cut for (`models.compliance.views`)."""
    ctx, as_of = m.ctx, m.ctx.as_of
    people = rows[0].staff_ids
    figures = [m.figures(scope) for scope in rows]
    # a team with no one supervised (a directorate of one) has no figure to show
    figures = [f for f in figures if f.today.of or any(share.of for share in f.trend)] or figures[:1]
    cases = _cases_of(m, rows[0])
    by_category, by_team = m.case_shares(rows[0])
    in_scope = {staff_id: m.today[staff_id] for staff_id in people if staff_id in m.today}
    return ComplianceReport(
        council=council,
        as_of=as_of,
        policy=ctx.policy,
        team=team,
        months=m.months,
        scopes=figures,
        cases_by_category=by_category,
        cases_by_team=by_team,
        overdue_cases=sorted(
            (c for c in cases if not c.within), key=lambda c: (-c.working_days_late, c.case.case_id)
        ),
        unallocated=sorted(
            (c for c in cases if c.unallocated_since is not None),
            key=lambda c: (-c.days_unallocated, c.case.case_id),
        ),
        unsupervised=m.unsupervised.of(people),
        waiting=m.waiting.of(people),
        loads=_loads(ctx, in_scope),
        absent=absent_supervisors(ctx, in_scope),
        early=m.early.of(people),
        people=m.people.of(people),
        overdue=m.overdue.of(people),
        absences=m.absences.of(people),
        disputed=m.disputed.of(people),
        duties=duty_shares(ctx, people, m.duties.of(people)),
        staff_by_id=ctx.snapshot.staff_by_id,
        since=m.since,
        audits=m.audits.of(people),
        view=view,
        measures=m,
    )


def _cases_of(m: Measures, scope: Scope) -> list[CaseStatus]:
    """The open cases a scope answers for: all of them for the service, else those held by its
    teams (a team's own, or a line's)."""
    teams = scope.case_teams
    if teams is None:
        return m.cases
    return [case for team in teams for case in m.cases_by_team.get(team, ())]


def _group(judged: list[RecordOutcome]) -> dict[str, list[RecordOutcome]]:
    by_supervisee: dict[str, list[RecordOutcome]] = defaultdict(list)
    for outcome in judged:
        by_supervisee[outcome.session.supervisee_id].append(outcome)
    return by_supervisee


def _in_post(ctx: Context, people: frozenset[str]) -> list[str]:
    return [staff_id for staff_id in people if ctx.active(staff_id)]


def _shares(cases: list[CaseStatus], key: Callable[[CaseStatus], str]) -> dict[str, Share]:
    grouped: dict[str, list[bool]] = defaultdict(list)
    for case in cases:
        grouped[key(case)].append(case.within)
    return {name: Share.of_flags(grouped[name]) for name in sorted(grouped, key=natural)}


def _loads(ctx: Context, statuses: dict[str, SupervisionStatus]) -> list[SupervisorLoad]:
    loads = []
    for supervisor_id, supervised in supervisees_by_supervisor(statuses).items():
        loads.append(
            SupervisorLoad(
                ctx.snapshot.staff_by_id[supervisor_id],
                len(supervised),
                sum(not s.within for s in supervised),
                ctx.is_absent(supervisor_id),
            )
        )
    return sorted(
        loads,
        key=lambda load: (natural(load.supervisor.team), load.supervisor.name, load.supervisor.staff_id),
    )


def _overdue(ctx: Context, findings: list[Finding]) -> list[Overdue]:
    listed = [
        f
        for f in findings
        if f.stage is not Stage.UPCOMING
        and f.kind not in (Kind.CASE_DISCUSSION_OVERDUE, Kind.CASE_UNALLOCATED)
    ]
    rows = []
    for finding in sorted(listed, key=lambda f: f.risk_order):
        member = ctx.snapshot.staff_by_id.get(finding.staff_id)
        rows.append(Overdue(finding, member, ctx.supervisor_of(member) if member else None))
    return rows
