"""The compliance report's figures, table-driven over small councils with known answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta

from demo.council import DEMO_AS_OF
from models.compliance.records import outcomes, timeliness, waiting_for_signature
from models.compliance.report import build_report
from models.compliance.scopes import scopes
from models.compliance.shares import Share
from models.compliance.supervision import month_ends, supervision_on
from models.policy.calendar import WorkingCalendar
from models.policy.context import Context
from models.policy.evaluate import evaluate
from models.policy.facts import Agreement
from models.policy.findings import As
from models.policy.policy import load_policy, preset_names
from models.policy.supervision import supervision_due
from reports.tables import report_tables
from tests.builders import absence, case, council, covered, discussed, held, staff

D = date
AS_OF = D(2026, 11, 24)  # month ends: Nov 2025 ... Oct 2026, then today
DEFAULT = load_policy("default")
# H and M sit in their own teams, so that "Team 1" is the member under test alone
MANAGERS = (
    staff("H", "head_of_service", None, team="Directorate"),
    staff("M", "team_manager", "H", team="Managers"),
)


def snapshot(member=None, *facts):
    return council(member, *facts, managers=MANAGERS)


def monthly(*skipping: str, day: int = 15, kind: str = "personal", group: str = "") -> list:
    """A 1:1 on `day` of every month from Oct 2025 to Nov 2026, except the months skipped
    (`2026-03`); the month named by `group` holds a group session instead."""
    sessions = []
    for year, month in [(2025, 10), (2025, 11), (2025, 12), *((2026, m) for m in range(1, 12))]:
        label = f"{year}-{month:02d}"
        if label in skipping:
            continue
        sessions.append(held(D(year, month, day), f"X{label}", "group" if label == group else kind))
    return sessions


def series(member, sessions, as_of: date = AS_OF) -> str:
    """The member's 1:1 status at each month end then today: Y within, N overdue, . not counted."""
    ctx = _ctx(snapshot(member, *sessions), as_of)
    marks = ""
    for statuses in supervision_on(ctx, [*month_ends(as_of), as_of]):
        status = statuses.get(member.staff_id)
        marks += "." if status is None else "Y" if status.within else "N"
    return marks


@pytest.mark.parametrize(
    "why, member, sessions, expected",
    [
        (
            "a 1:1 every month: within timescale at every month end",
            staff(),
            monthly(),
            "YYYYYYYYYYYYY",
        ),
        (
            "no 1:1 in March 2026: overdue at the end of March, within again once April's is held",
            staff(),
            monthly("2026-03"),
            "YYYYNYYYYYYYY",
        ),
        (
            "a group session in June never replaces the 1:1 (all five policies)",
            staff(),
            monthly(group="2026-06"),
            "YYYYYYYNYYYYY",
        ),
        (
            "nothing since August: overdue from the end of September, and today",
            staff(),
            [s for s in monthly() if s.held_on <= D(2026, 8, 31)],
            "YYYYYYYYYYNNN",
        ),
        (
            "a starter counts from their first month end; due one month after their start",
            staff(start_date=D(2026, 5, 10)),
            [held(D(2026, 6, 1)), held(D(2026, 7, 20), "X2")],
            "......YYYNNNN",
        ),
        (
            "a leaver counts until they leave",
            staff(end_date=D(2026, 9, 20)),
            monthly(),
            "YYYYYYYYYY...",
        ),
        (
            "31 January + 1 month is 28 February: within on the last day of February",
            staff(),
            [held(D(2025, 11, 28)), held(D(2025, 12, 30), "X2"), held(D(2026, 1, 31), "X3")],
            "YYYYNNNNNNNNN",
        ),
        (
            "an ASYE: weekly from their ASYE start (shropshire; stoke §10)",
            staff(role="asye", start_date=D(2026, 10, 1), asye_start=D(2026, 10, 1)),
            [held(D(2026, 10, day), f"X{day}") for day in (8, 15, 22, 29)],
            "...........YN",
        ),
    ],
)
def test_the_month_end_series_is_the_supervision_rule_at_each_month_end(why, member, sessions, expected):
    assert series(member, sessions) == expected


@pytest.mark.parametrize(
    "as_of, first, last",
    [
        (D(2026, 11, 24), D(2025, 11, 30), D(2026, 10, 31)),
        (D(2026, 11, 30), D(2025, 11, 30), D(2026, 10, 31)),  # today's own month end is "today"
        (D(2024, 3, 5), D(2023, 3, 31), D(2024, 2, 29)),  # a leap February
        (D(2027, 1, 1), D(2026, 1, 31), D(2026, 12, 31)),
    ],
)
def test_the_twelve_month_ends_before_the_day(as_of, first, last):
    ends = month_ends(as_of)
    assert (len(ends), ends[0], ends[-1]) == (12, first, last)


def _ctx(snapshot, as_of, policy=DEFAULT):
    return Context(snapshot, policy, as_of, WorkingCalendar(c.date for c in snapshot.closures))


@pytest.mark.parametrize(
    "why, session, as_of, written, signed",
    [
        (
            "written in 2 working days and signed in 5: both on time (nelincs; stoke §13)",
            held(
                D(2026, 11, 2),
                record_written_on=D(2026, 11, 4),
                record_circulated_on=D(2026, 11, 4),
                supervisee_signed_on=D(2026, 11, 11),
            ),
            AS_OF,
            (1, 1),
            (1, 1),
        ),
        (
            "written on the third working day: late; signed 5 working days after it was shared: on time",
            held(
                D(2026, 11, 2),
                record_written_on=D(2026, 11, 5),
                record_circulated_on=D(2026, 11, 5),
                supervisee_signed_on=D(2026, 11, 12),
            ),
            AS_OF,
            (0, 1),
            (1, 1),
        ),
        (
            "over Christmas: held Thu 24 Dec, written Wed 30 Dec is on time (25 and 28 Dec are bank holidays)",
            held(
                D(2026, 12, 24),
                record_written_on=D(2026, 12, 30),
                record_circulated_on=D(2026, 12, 30),
                supervisee_signed_on=D(2027, 1, 6),
            ),
            D(2027, 1, 8),
            (1, 1),
            (1, 1),
        ),
        (
            "over Christmas: written Thu 31 Dec is late",
            held(
                D(2026, 12, 24),
                record_written_on=D(2026, 12, 31),
                record_circulated_on=D(2026, 12, 31),
                supervisee_signed_on=D(2027, 1, 6),
            ),
            D(2027, 1, 8),
            (0, 1),
            (1, 1),
        ),
        (
            "not written yet but inside its two working days: not counted either way",
            held(
                D(2026, 11, 23), record_written_on=None, record_circulated_on=None, supervisee_signed_on=None
            ),
            AS_OF,
            (0, 0),
            (0, 0),
        ),
        (
            "not written and past its two working days: late",
            held(
                D(2026, 11, 18), record_written_on=None, record_circulated_on=None, supervisee_signed_on=None
            ),
            AS_OF,
            (0, 1),
            (0, 0),
        ),
        (
            "shared and unsigned past 5 working days: not signed on time",
            held(D(2026, 11, 2), supervisee_signed_on=None),
            AS_OF,
            (1, 1),
            (0, 1),
        ),
        (
            "disputed: an exception, left out of the signed share",
            held(D(2026, 11, 2), supervisee_signed_on=None, record_disputed=True),
            AS_OF,
            (1, 1),
            (0, 0),
        ),
        (
            "a signature dated after the day asked about is not there yet",
            held(D(2026, 11, 2), supervisee_signed_on=D(2026, 11, 20)),
            D(2026, 11, 6),
            (1, 1),
            (0, 0),
        ),
    ],
)
def test_records_written_and_signed_within_the_policys_working_days(why, session, as_of, written, signed):
    figures = timeliness(outcomes(_ctx(snapshot(staff(), session), as_of), [session]))
    assert ((figures.written.met, figures.written.of), (figures.signed.met, figures.signed.of)) == (
        written,
        signed,
    )


def test_records_held_before_the_period_are_outside_it():
    old, recent = held(D(2026, 8, 3), "X1"), held(D(2026, 11, 2), "X2", supervisee_signed_on=None)
    report = build_report(snapshot(staff(), old, recent), DEFAULT, [], AS_OF)
    three, twelve = report.service.records[3], report.service.records[12]
    assert (three.written, three.signed) == (Share(1, 1), Share(0, 1))
    assert (twelve.written, twelve.signed) == (Share(2, 2), Share(1, 2))


@pytest.mark.parametrize(
    "policy, expected",
    [
        ("default", [("X1", 13, True, False), ("X2", 1, False, False)]),
        ("central_beds", [("X1", 13, True, True), ("X2", 1, False, False)]),  # deemed agreed
    ],
)
def test_records_waiting_for_a_signature_with_their_age_in_working_days(policy, expected):
    sessions = [
        held(D(2026, 11, 5), "X1", supervisee_signed_on=None),
        held(D(2026, 11, 23), "X2", supervisee_signed_on=None),
        held(D(2026, 11, 2), "X3"),  # signed
        held(D(2026, 11, 3), "X4", supervisee_signed_on=None, record_disputed=True),
    ]
    waiting = waiting_for_signature(_ctx(snapshot(staff(), *sessions), AS_OF, load_policy(policy)), sessions)
    assert [
        (w.session.session_id, w.working_days_waiting, w.late, w.deemed_agreed) for w in waiting
    ] == expected


@pytest.mark.parametrize(
    "why, facts, expected",
    [
        (
            "child protection discussed 20 days ago: within its month (stoke §10)",
            [case("cp", D(2026, 1, 5)), discussed(D(2026, 11, 4))],
            {"cp": Share(1, 1)},
        ),
        (
            "child protection discussed 40 days ago: overdue",
            [case("cp", D(2026, 1, 5)), discussed(D(2026, 10, 15))],
            {"cp": Share(0, 1)},
        ),
        ("a closed case is not counted", [case("cp", D(2026, 1, 5), closed_on=D(2026, 6, 1))], {}),
        (
            "a discussion before the present allocation does not count: first due 10 working days after it",
            [case("cin", D(2026, 11, 16)), discussed(D(2026, 8, 1))],
            {"cin": Share(1, 1)},
        ),
        (
            "children in care every eight weeks (stoke §10)",
            [case("cic", D(2026, 1, 5)), discussed(D(2026, 9, 20))],
            {"cic": Share(0, 1)},
        ),
    ],
)
def test_open_cases_discussed_within_their_category_interval(why, facts, expected):
    report = build_report(snapshot(staff(), *facts), DEFAULT, [], AS_OF)
    assert report.cases_by_category == expected


def test_a_head_of_service_sees_every_team_under_them():
    members = [
        staff("M2", "team_manager", "H", team="Team 2"),
        staff("S2", manager="M2", team="Team 2"),
        staff("S", team="Team 1"),
    ]
    found = {s.name: (s.kind, s.teams, sorted(s.staff_ids)) for s in scopes(council(None, *members), AS_OF)}
    assert found["Worker H, head of service"] == ("line", ("Team 1", "Team 2"), ["M", "M2", "S", "S2"])
    assert [s.name for s in scopes(council(None, *members), AS_OF, team="Team 2")] == ["Team 2"]


def test_an_absent_supervisor_is_shown_by_dates_and_cover_never_by_the_kind_of_absence():
    facts = snapshot(staff(), *monthly(), absence("M", "sickness", D(2026, 10, 26)))
    report = build_report(facts, DEFAULT, evaluate(facts, DEFAULT, AS_OF), AS_OF)
    [away] = report.absent
    assert (away.supervisor.staff_id, away.since, away.days, away.cover.staff_id) == (
        "M",
        D(2026, 10, 26),
        30,
        "H",
    )
    shown = {t.key: repr(t.rows) for t in report_tables(report, evidence=True) if t.key != "policy"}
    assert "Worker M" in shown["absent_supervisors"] and "Worker M" in shown["absences"]
    assert not [key for key, text in shown.items() if "sick" in text.lower()]


def test_an_asye_shows_their_stage():
    asye = staff(role="asye", start_date=D(2026, 10, 22), asye_start=D(2026, 10, 22))
    [entry] = build_report(snapshot(asye), DEFAULT, [], AS_OF).early
    assert (entry.programme, str(entry.every), entry.stage) == (
        "ASYE",
        "weekly",
        "week 5: weekly until 2026-12-03",
    )


@pytest.mark.parametrize(
    "share, rating",
    [
        (Share(9, 10), "green"),
        (Share(89, 100), "amber"),
        (Share(8, 10), "amber"),
        (Share(79, 100), "red"),
        (Share(0, 0), "none"),
    ],
)
def test_ratings_by_the_policys_bands(share, rating):
    assert share.rating(DEFAULT.compliance) == rating


def test_a_record_circulated_after_the_day_waits_from_its_writing_as_in_the_signed_share():
    session = held(
        D(2026, 11, 2),
        record_written_on=D(2026, 11, 3),
        record_circulated_on=D(2026, 11, 30),
        supervisee_signed_on=None,
    )
    ctx = _ctx(snapshot(staff(), session), AS_OF)
    [waiting] = waiting_for_signature(ctx, [session])
    assert (waiting.received, waiting.late) == (D(2026, 11, 3), True)
    assert timeliness(outcomes(ctx, [session])).signed == Share(0, 1)


# An organisation as it changes through a year: a manager who leaves in May (their cover recorded
# from June), one away from July with cover recorded, a worker whose agreement names someone else,
# another whose names no one on the staff list, a starter, a leaver, an ASYE, a part-timer and one
# with no manager at all.
CHANGING = council(
    None,
    held(D(2025, 12, 3), "X1", supervisee_id="A", supervisor_id="M"),
    held(D(2026, 4, 20), "X2", supervisee_id="A", supervisor_id="M"),
    held(D(2026, 9, 9), "X3", supervisee_id="B", supervisor_id="C"),
    held(D(2026, 2, 2), "X4", supervisee_id="Y", supervisor_id="N"),
    held(D(2026, 3, 16), "X5", supervisee_id="P", supervisor_id="N"),
    Agreement(staff_id="A", supervisor_id="N", signed_on=D(2026, 6, 1), frequency="fortnightly"),
    Agreement(staff_id="G", supervisor_id="GONE", signed_on=D(2025, 6, 1)),
    absence("N", "sickness", D(2026, 7, 1)),
    covered("N", "C", D(2026, 7, 1)),
    covered("M", "C", D(2026, 6, 8), cover_id="V2"),
    managers=(
        staff("D", "director", None, team="Directorate"),
        staff("H", "head_of_service", "D", team="Directorate"),
        staff("M", "team_manager", "H", end_date=D(2026, 5, 29)),
        staff("N", "team_manager", "H"),
        staff("C", "team_manager", "H", team="Team 2"),
        staff("A", "social_worker", "M"),
        staff("K", "social_worker", "M"),
        staff("B", "social_worker", "N"),
        staff("E", "social_worker", None),
        staff("F", "social_worker", "N", start_date=D(2026, 3, 2)),
        staff("G", "social_worker", "M", end_date=D(2026, 8, 14)),
        staff("Y", "asye", "N", start_date=D(2026, 1, 5), asye_start=D(2026, 1, 5)),
        staff("P", "social_worker", "N", fte=0.5),
    ),
)


@pytest.mark.parametrize("policy", preset_names())
def test_the_figures_at_each_month_end_are_the_rule_asked_on_that_day(policy):
    """`supervision_on` works a member's thirteen days out at once: the same answer as the rule
    that raises the night's findings, asked on each day."""
    ctx = Context(CHANGING, load_policy(policy), AS_OF, WorkingCalendar())
    days = [*month_ends(AS_OF), AS_OF]
    kinds = set()
    for day, statuses in zip(days, supervision_on(ctx, days), strict=True):
        on_day, expected = replace(ctx, as_of=day), {}
        for member in CHANGING.staff:
            if (found := supervision_due(on_day, member)) is not None:
                supervising, due = found
                kinds.add(supervising.as_)
                in_post = supervising.named.staff_id if supervising.as_ is As.SUPERVISOR else None
                expected[member.staff_id] = (member.staff_id, in_post, due.on, day <= due.on)
        assert {staff_id: tuple(status) for staff_id, status in statuses.items()} == expected, day
    assert kinds == {As.SUPERVISOR, As.COVER, As.LINE_MANAGER}  # every way of being supervised


def test_each_scopes_row_counts_its_own_people(demo):
    """A scope's row is added up from its people's counts: the same as counting its supervisees'
    statuses and its records directly, for the service, every line and every team."""
    *_, report = demo
    m = report.measures
    assert len({f.scope.kind for f in report.scopes}) == 3
    for figures in report.scopes:
        people = figures.scope.staff_ids

        def within(statuses, people=people):
            return Share.of_flags(statuses[s].within for s in people if s in statuses)

        assert (figures.today, figures.trend) == (within(m.today), tuple(map(within, m.at_month_end)))
        for months_back, records in figures.records.items():
            start = DEMO_AS_OF - relativedelta(months=months_back)
            judged = [o for s in people for o in m.records.get(s, ()) if o.session.held_on > start]
            assert records == timeliness(judged), (figures.scope.name, months_back)
