"""The report as tables: one list of typed columns and rows that the HTML page, the XLSX workbook
and the CSV files all show, so the three never disagree.

A share becomes three columns (within, of, percent) and its rating a fourth, written as a word:
a reader without colour, or a spreadsheet, sees the same as everyone else.
"""

from __future__ import annotations

from models.compliance.caseloads import above_limit, team_caseloads
from models.compliance.glance import rating
from models.compliance.report import PERIODS, ComplianceReport
from models.compliance.shares import Share
from models.compliance.supervision import SupervisionStatus
from models.compliance.trends import cases_at_month_ends, records_by_month
from models.policy.facts import Audit, AuditOutcome, CaseCategory
from models.policy.policy import Policy
from reports.policy_text import policy_rules
from reports.table import Column, Format, Table, Value


def share_columns(label: str = "") -> tuple[Column, ...]:
    """`Within`, `Of`, `%`, each after `label` when there is one."""
    prefix = f"{label}: " if label else ""
    return (
        Column(f"{prefix}{'within' if label else 'Within'}", Format.NUMBER),
        Column(f"{prefix}{'of' if label else 'Of'}", Format.NUMBER),
        Column(f"{prefix}%", Format.PERCENT),
    )


def rated_columns() -> tuple[Column, ...]:
    return (*share_columns(), Column("Rating", Format.RATING))


def share_values(share: Share) -> tuple[Value, ...]:
    return (share.met, share.of, share.percent)


def rated_values(share: Share, policy: Policy, group: bool = False) -> tuple[Value, ...]:
    """A share and its rating; for a `group` (a team or a line), no rating below `MIN_RATED`."""
    bands = policy.compliance
    return (*share_values(share), rating(share, bands) if group else share.rating(bands))


def _overdue(status: SupervisionStatus | None) -> str:
    """Whether someone's 1:1 is overdue, in words; blank for someone no one supervises."""
    return "" if status is None else "no" if status.within else "yes"


def _teams(report: ComplianceReport) -> Table:
    months = report.months
    since = f"Change since {months[-1]:%-d %b}" if months else "Change since last month"
    return Table(
        "teams",
        "Every team at a glance, worst first",
        f"{report.methods['teams']} Rated by the bands above.",
        (
            Column("Team"),
            Column("Rating", Format.RATING),
            Column("1:1s within", Format.NUMBER),
            Column("Of", Format.NUMBER),
            Column("1:1s %", Format.PERCENT),
            Column(since, Format.CHANGE),
            Column("Records signed on time %", Format.PERCENT),
            Column("Cases discussed %", Format.PERCENT),
            Column("Overdue items, cases included", Format.NUMBER),
        ),
        [
            (
                row.team,
                row.rating,
                row.supervision.met,
                row.supervision.of,
                row.supervision.percent,
                row.change,
                row.signed.percent,
                row.cases.percent,
                row.overdue,
            )
            for row in report.teams
        ],
    )


def report_tables(report: ComplianceReport, evidence: bool = False, page_only: bool = False) -> list[Table]:
    """Every table of the report in page order; with `evidence`, the policy and the exceptions
    an inspection asks for are added; with `page_only`, the workbook's own tables are left out."""
    methods = report.methods
    policy = report.policy
    service = report.service
    tables = [
        _teams(report),
        *_first_asked(report),
        *_caseloads(report),
        Table(
            "service_trend",
            f"{service.scope.name}: 1:1 supervision within timescale at each month end",
            f"{methods['supervision']} Rated by the bands under At a glance.",
            (Column("Day", Format.DATE), *rated_columns()),
            [
                (day, *rated_values(share, policy))
                for day, share in zip(
                    [*report.months, report.as_of], [*service.trend, service.today], strict=True
                )
            ],
        ),
        Table(
            "supervision",
            "1:1 supervision within timescale today, by line and team",
            f"{methods['supervision']} Rated by the bands under At a glance.",
            (Column("Scope"), Column("Kind"), Column("Teams"), *rated_columns()),
            [
                (
                    f.scope.name,
                    f.scope.kind,
                    ", ".join(f.scope.teams),
                    *rated_values(f.today, policy, group=f.scope.kind != "service"),
                )
                for f in report.scopes
            ],
        ),
        Table(
            "trend",
            "1:1 supervision within timescale: the last twelve month ends (% of supervisees)",
            methods["supervision"],
            (
                Column("Scope"),
                Column("Kind"),
                *(Column(day.strftime("%b %Y"), Format.PERCENT) for day in report.months),
                Column("Today", Format.PERCENT),
            ),
            [
                (f.scope.name, f.scope.kind, *(share.percent for share in f.trend), f.today.percent)
                for f in report.scopes
            ],
        ),
        Table(
            "records",
            "Supervision records written and signed within timescale",
            methods["records"],
            (
                Column("Scope"),
                Column("Kind"),
                Column("Period"),
                *share_columns("Written on time"),
                *share_columns("Signed on time"),
            ),
            [
                (
                    f.scope.name,
                    f.scope.kind,
                    f"last {months} months",
                    *share_values(f.records[months].written),
                    *share_values(f.records[months].signed),
                )
                for f in report.scopes
                for months in PERIODS
            ],
        ),
        Table(
            "unsigned",
            "Records waiting for the supervisee's signature",
            methods["waiting"],
            (
                Column("Session"),
                Column("Supervisee"),
                Column("Team"),
                Column("Supervisor"),
                Column("Held", Format.DATE),
                Column("Shared", Format.DATE),
                Column("Working days waiting", Format.NUMBER),
                Column("Sign by", Format.DATE),
                Column("Past the deadline"),
            ),
            [
                (
                    w.session.session_id,
                    report.name_of(w.session.supervisee_id),
                    report.team_of(w.session.supervisee_id),
                    report.name_of(w.session.supervisor_id),
                    w.session.held_on,
                    w.received,
                    w.working_days_waiting,
                    w.deadline,
                    ("yes: deemed agreed" if w.deemed_agreed else "yes") if w.late else "no",
                )
                for w in report.waiting
            ],
        ),
        Table(
            "cases_by_category",
            "Open cases discussed within their interval, by category",
            f"{methods['cases']} Rated by the bands under At a glance.",
            (Column("Category"), *rated_columns()),
            [
                (CaseCategory(category).label, *rated_values(share, policy))
                for category, share in report.cases_by_category.items()
            ],
        ),
        Table(
            "cases_by_team",
            "Open cases discussed within their interval, by team",
            f"{methods['cases']} Rated by the bands under At a glance.",
            (Column("Team"), *rated_columns()),
            [
                (team, *rated_values(share, policy, group=True))
                for team, share in report.cases_by_team.items()
            ],
        ),
        Table(
            "overdue_cases",
            "Case discussions overdue, by case reference",
            methods["cases"],
            (
                Column("Case reference"),
                Column("Category"),
                Column("Team"),
                Column("Worker"),
                Column("Supervisor"),
                Column("Due", Format.DATE),
                Column("Working days late", Format.NUMBER),
                Column("Rule"),
            ),
            [
                (
                    c.case.case_id,
                    c.case.category.label,
                    c.team,
                    c.worker.name if c.worker else "no worker",
                    report.name_of(c.worker.line_manager_id) if c.worker else "",
                    c.due,
                    c.working_days_late,
                    c.rule,
                )
                for c in report.overdue_cases
            ],
        ),
        Table(
            "supervisors",
            "Supervisees per supervisor",
            methods["people"],
            (
                Column("Supervisor"),
                Column("Team"),
                Column("Supervisees", Format.NUMBER),
                Column("Of whom overdue", Format.NUMBER),
                Column("Away today"),
            ),
            [
                (
                    load.supervisor.name,
                    load.supervisor.team,
                    load.supervisees,
                    load.overdue,
                    "yes" if load.away else "no",
                )
                for load in report.loads
            ],
        ),
        Table(
            "absent_supervisors",
            "Supervisors away, and who arranges cover",
            methods["people"],
            (
                Column("Supervisor"),
                Column("Team"),
                Column("Away since", Format.DATE),
                Column("Expected back", Format.DATE),
                Column("Days away", Format.NUMBER),
                Column("Cover arranged by"),
                Column("Supervisees: next 1:1 due"),
            ),
            [
                (
                    a.supervisor.name,
                    a.supervisor.team,
                    a.since,
                    a.expected_back,
                    a.days,
                    a.cover.name if a.cover else "no line manager in post",
                    "; ".join(f"{report.name_of(s.staff_id)} {s.due}" for s in a.supervisees),
                )
                for a in report.absent
            ],
        ),
        Table(
            "early_career",
            "ASYEs, students and staff on probation",
            "Staff in post whose supervision is stepped up: ASYEs from their ASYE start "
            f"(supervision.asye: {policy.supervision.asye.source}), students "
            f"(supervision.roles.student), and staff before their probation end date "
            f"(supervision.probation: {policy.supervision.probation.source}).",
            (
                Column("Staff id"),
                Column("Name"),
                Column("Team"),
                Column("Programme"),
                Column("Since", Format.DATE),
                Column("1:1 now"),
                Column("Stage"),
                Column("Last 1:1", Format.DATE),
                Column("Next due", Format.DATE),
                Column("Overdue"),
            ),
            [
                (
                    e.member.staff_id,
                    e.member.name,
                    e.member.team,
                    e.programme,
                    e.since,
                    str(e.every),
                    e.stage,
                    e.last_held,
                    e.status.due if e.status else None,
                    _overdue(e.status),
                )
                for e in report.early
            ],
        ),
        *([] if page_only else _pivots(report)),
        Table(
            "duties",
            "Recurring duties: observations, appraisals, file audits, both parties signing",
            f"{methods['duties']} Rated by the bands under At a glance.",
            (Column("Duty"), Column("Rule"), *rated_columns()),
            [(d.duty, f"{d.setting}: {d.source}", *rated_values(d.share, policy)) for d in report.duties],
        ),
        Table(
            "overdue",
            "Everything overdue tonight",
            methods["overdue"],
            (
                Column("Person"),
                Column("Team"),
                Column("Supervisor"),
                Column("What"),
                Column("Due", Format.DATE),
                Column("Working days late", Format.NUMBER),
                Column("Stage"),
                Column("Rule"),
            ),
            [
                (
                    o.member.name if o.member else o.finding.staff_id,
                    o.member.team if o.member else "",
                    o.supervisor.name if o.supervisor else "",
                    f"{o.finding.kind.label} ({o.finding.aspect})"
                    if o.finding.aspect
                    else o.finding.kind.label,
                    o.finding.due,
                    o.finding.working_days_overdue,
                    o.finding.stage.value,
                    o.finding.rule,
                )
                for o in report.overdue
            ],
        ),
    ]
    if evidence:
        tables += _evidence_tables(report)
    return tables


def _audit_outcomes(report: ComplianceReport) -> Table:
    """Audits of supervision files by month and grade, with the actions they agreed."""
    by_month: dict[str, list[Audit]] = {}
    for audit in report.audits:
        by_month.setdefault(audit.audited_on.strftime("%Y-%m"), []).append(audit)
    grades = list(AuditOutcome)
    return Table(
        "audit_outcomes",
        "Audits of supervision files: grades and actions, by month",
        f"Audits {report.period} of the files of staff in scope (audits.csv), by the month "
        "they were held: how many, each grade where the council recorded one, and the actions agreed.",
        (
            Column("Month"),
            Column("Audits", Format.NUMBER),
            *(Column(grade.value.replace("_", " ").capitalize(), Format.NUMBER) for grade in grades),
            Column("No grade recorded", Format.NUMBER),
            Column("Actions agreed", Format.NUMBER),
        ),
        [
            (
                month,
                len(audits),
                *(sum(a.outcome is grade for a in audits) for grade in grades),
                sum(a.outcome is None for a in audits),
                sum(a.actions or 0 for a in audits),
            )
            for month, audits in sorted(by_month.items())
        ],
    )


def _trends(report: ComplianceReport) -> list[Table]:
    """Records and case discussions over the year, as the 1:1 trend is shown."""
    methods = report.methods
    return [
        Table(
            "records_by_month",
            "Supervision records written and signed on time, by the month the 1:1 was held",
            methods["records"],
            (Column("Month"), *share_columns("Written on time"), *share_columns("Signed on time")),
            [
                (month, *share_values(records.written), *share_values(records.signed))
                for month, records in records_by_month(report)
            ],
        ),
        Table(
            "cases_trend",
            "Open cases discussed within their interval, at each month end and today",
            f"{methods['cases']} Each month end computed by the same rule over the data held today.",
            (Column("Day", Format.DATE), *rated_columns()),
            [(day, *rated_values(share, report.policy)) for day, share in cases_at_month_ends(report)],
        ),
    ]


def _escalations(report: ComplianceReport) -> Table:
    """Each escalation sent, to whom, and whether the item was then resolved."""
    return Table(
        "escalations",
        f"Escalations {report.period}, and what followed",
        "Each item escalated to each person (from the messages sent), with how many escalations "
        "and reminders went before it was resolved: resolved on the first night that no longer "
        "raised it, in working days from the first escalation; open while every later night still "
        "raises it (each night's findings are followed into how long each item stood, kept as long "
        "as the messages: OVERSIGHT_KEEP_MESSAGES_DAYS); not known for an escalation from before "
        "that was kept (an upgrade's nights). Cases by reference only.",
        (
            Column("Escalated on", Format.DATE),
            Column("To"),
            Column("What"),
            Column("Person"),
            Column("Case reference"),
            Column("Escalations sent", Format.NUMBER),
            Column("Outcome"),
            Column("Resolved on", Format.DATE),
            Column("Working days to resolve", Format.NUMBER),
        ),
        [
            (
                e.escalated_on,
                report.name_of(e.recipient_id) or e.recipient_id,
                e.kind.label,
                report.name_of(e.staff_id),
                e.case_id or "",
                e.times,
                e.outcome,
                e.resolved_on,
                e.working_days,
            )
            for e in report.escalations
        ],
    )


def _evidence_tables(report: ComplianceReport) -> list[Table]:
    """The policy in force and the exceptions: absences by their dates only, records deemed
    agreed, records disputed; the trends of records and case discussions, the escalation log,
    and the quality of supervision files, by their audits."""
    return [
        *_trends(report),
        _escalations(report),
        _audit_outcomes(report),
        Table(
            "policy",
            f"The policy in force: {report.policy.title}",
            "Each rule as Oversight applies it, with the section of the council's policy it comes from.",
            (Column("Area"), Column("Rule"), Column("Source")),
            [(rule.area, rule.text, rule.source) for rule in policy_rules(report.policy)],
        ),
        Table(
            "absences",
            f"Absences {report.period}",
            f"Every absence of staff in scope {report.period}, by its dates. "
            "The kind of absence is never shown: sickness is health data.",
            (
                Column("Person"),
                Column("Team"),
                Column("From", Format.DATE),
                Column("To", Format.DATE),
                Column("Expected back", Format.DATE),
            ),
            [
                (
                    report.name_of(a.staff_id),
                    report.team_of(a.staff_id),
                    a.start_date,
                    a.end_date,
                    a.expected_return,
                )
                for a in report.absences
            ],
        ),
        Table(
            "deemed_agreed",
            "Records deemed agreed",
            "Records unsigned past the signing deadline under a policy that deems them agreed "
            + (
                "(records.signed.deemed_agreed: yes)."
                if report.policy.records.signed.deemed_agreed
                else "(records.signed.deemed_agreed: no: the policy in force deems no record agreed)."
            ),
            (
                Column("Session"),
                Column("Supervisee"),
                Column("Supervisor"),
                Column("Shared", Format.DATE),
                Column("Deemed agreed after", Format.DATE),
            ),
            [
                (
                    w.session.session_id,
                    report.name_of(w.session.supervisee_id),
                    report.name_of(w.session.supervisor_id),
                    w.received,
                    w.deadline,
                )
                for w in report.waiting
                if w.deemed_agreed
            ],
        ),
        Table(
            "disputed",
            "Records disputed by the supervisee",
            f"Held 1:1s {report.period} whose record the supervisee disputed; the "
            "content of a record is never shown.",
            (Column("Session"), Column("Supervisee"), Column("Supervisor"), Column("Held", Format.DATE)),
            [
                (s.session_id, report.name_of(s.supervisee_id), report.name_of(s.supervisor_id), s.held_on)
                for s in report.disputed
            ],
        ),
    ]


def _pivots(report: ComplianceReport) -> list[Table]:
    """The workbook's own tables, not on the page: a row per person and a row per scope and day."""
    return [
        _people(report),
        Table(
            "trend_long",
            "1:1 supervision within timescale at each month end and today, a row per scope and day",
            f"{report.methods['supervision']} The trend table's figures, a row each, to pivot and chart.",
            (Column("Kind"), Column("Scope"), Column("Day", Format.DATE), *share_columns()),
            [
                (f.scope.kind, f.scope.name, day, *share_values(share))
                for f in report.scopes
                for day, share in zip([*report.months, report.as_of], [*f.trend, f.today], strict=True)
            ],
            on_page=False,
        ),
    ]


def _people(report: ComplianceReport) -> Table:
    """A row per person in post, for pivots: their 1:1s, any stepped-up programme, and their
    open cases in all and by category (a column for each category the council's cases have)."""
    categories = sorted({category for p in report.people for category in p.open_cases}, key=_category_order)
    stepped_up = {e.member.staff_id: e for e in report.early}
    return Table(
        "people",
        "Everyone in post: their 1:1s and their caseload, a row each",
        "Staff in post on the day, by team. 1:1s as computed above; programme and stage for ASYEs, "
        "students and staff on probation; open cases: cases open on the day with this person as "
        "their worker, in all and by category. A row per person, to filter and pivot.",
        (
            Column("Staff id"),
            Column("Name"),
            Column("Role"),
            Column("Team"),
            Column("Supervisor"),
            Column("Line manager"),
            Column("Last 1:1", Format.DATE),
            Column("Next 1:1 due", Format.DATE),
            Column("1:1 overdue"),
            Column("Programme"),
            Column("Stage"),
            Column("Open cases", Format.NUMBER),
            *(Column(f"Open cases: {CaseCategory(c).label}", Format.NUMBER) for c in categories),
        ),
        [
            (
                p.member.staff_id,
                p.member.name,
                p.member.role.replace("_", " "),
                p.member.team,
                p.supervisor.name if p.supervisor else ("" if p.status is None else "none in post"),
                report.name_of(p.member.line_manager_id),
                p.last_held,
                p.status.due if p.status else None,
                _overdue(p.status),
                stepped_up[p.member.staff_id].programme if p.member.staff_id in stepped_up else "",
                stepped_up[p.member.staff_id].stage if p.member.staff_id in stepped_up else "",
                p.caseload,
                *(p.open_cases.get(c, 0) for c in categories),
            )
            for p in report.people
        ],
        on_page=False,
    )


def _category_order(category: str) -> int:
    return list(CaseCategory).index(CaseCategory(category))


def _caseloads(report: ComplianceReport) -> list[Table]:
    """Each team's spread of open cases a worker, and the workers above the policy's limit."""
    limit = report.policy.cases.caseload
    above = limit.above if limit else None
    rule = (
        f"A worker holding more than {limit.above} open cases is flagged (cases.caseload: {limit.source})."
        if limit
        else "The policy in force sets no caseload limit (cases.caseload), so no worker is flagged."
    )
    return [
        Table(
            "caseloads",
            "Caseloads by team: open cases a worker",
            "Staff in post holding at least one open case (cases with no worker are counted above, "
            f"as unallocated), by team: how many, their open cases, and the fewest, median and most "
            f"a worker holds. {rule}",
            (
                Column("Team"),
                Column("Workers", Format.NUMBER),
                Column("Open cases", Format.NUMBER),
                Column("Fewest", Format.NUMBER),
                Column("Median", Format.NUMBER),
                Column("Most", Format.NUMBER),
                Column("Above the limit", Format.NUMBER),
            ),
            [
                (t.team, t.workers, t.cases, t.fewest, t.median, t.most, t.above)
                for t in team_caseloads(report.people, above)
            ],
        ),
        Table(
            "high_caseloads",
            "Workers above the caseload limit",
            f"{rule} Most cases first.",
            (
                Column("Staff id"),
                Column("Name"),
                Column("Team"),
                Column("Open cases", Format.NUMBER),
                Column("By category"),
            ),
            [
                (
                    p.member.staff_id,
                    p.member.name,
                    p.member.team,
                    p.caseload,
                    ", ".join(
                        f"{CaseCategory(c).label} {n}"
                        for c, n in sorted(p.open_cases.items(), key=lambda item: _category_order(item[0]))
                    ),
                )
                for p in above_limit(report.people, above)
            ],
        ),
    ]


def _first_asked(report: ComplianceReport) -> list[Table]:
    """What an inspector asks first: open cases with no worker, and staff with no supervisor."""
    return [
        Table(
            "unallocated",
            "Open cases with no worker",
            "Open cases whose worker has left, or that have none; days counted from the day after "
            "the worker left (or from allocation). They stay in every case figure, under the team "
            "holding them, and their managers are told each working day.",
            (
                Column("Case reference"),
                Column("Team"),
                Column("Category"),
                Column("Without a worker since", Format.DATE),
                Column("Days unallocated", Format.NUMBER),
            ),
            [
                (c.case.case_id, c.team, c.case.category.label, c.unallocated_since, c.days_unallocated)
                for c in report.unallocated
            ],
        ),
        Table(
            "unsupervised",
            "Staff with no supervisor in post",
            "Staff in post whose named supervisor has left with no one covering, or who have no "
            "supervisor named. They stay in every figure under their own team; the manager named "
            "here is told each working day.",
            (
                Column("Person"),
                Column("Staff id"),
                Column("Team"),
                Column("Role"),
                Column("Supervisor who left"),
                Column("Since", Format.DATE),
                Column("Manager told"),
            ),
            [
                (
                    u.member.name,
                    u.member.staff_id,
                    u.member.team,
                    u.member.role.value.replace("_", " "),
                    u.left.name if u.left else "none named",
                    u.since,
                    u.told.name if u.told else "",
                )
                for u in report.unsupervised
            ],
        ),
    ]
