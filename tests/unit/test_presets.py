"""Each council's preset against its own document: one row per rule, citing the seed section,
with dates on the day before, the day of and the day after each deadline."""

from datetime import date

import pytest

from models.policy.policy import load_policy, preset_names
from tests.builders import absence, agreement, cancelled, case, council, discussed, held, staff
from tests.unit.rules import findings, notified, row

D = date
UNSIGNED = {"supervisee_signed_on": None}
UNWRITTEN = {"record_written_on": None, "record_circulated_on": None, "supervisee_signed_on": None}


def test_every_preset_loads_and_names_itself():
    assert preset_names() == ["central_beds", "default", "havering", "nelincs", "shropshire", "stoke"]
    for name in preset_names():
        assert load_policy(name).name == name


ROWS = [
    # --- shropshire -------------------------------------------------------------------------
    (
        "shropshire",
        "§3.6 table: monthly",
        staff(),
        [held(D(2026, 10, 30))],
        D(2026, 12, 1),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "shropshire",
        "§3.6: not missed for more than one consecutive month",
        staff(),
        [held(D(2026, 9, 30))],
        D(2026, 12, 1),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 10, 30), 22, "escalate")],
    ),
    (
        "shropshire",
        "§3.6 table: support staff minimum quarterly, so two quiet months are no breach",
        staff(role="support_staff"),
        [held(D(2026, 9, 1))],
        D(2026, 11, 30),
        ("supervision_overdue", "supervision_upcoming"),
        [("supervision_upcoming", D(2026, 12, 1), 0, "upcoming")],
    ),
    (
        "shropshire",
        "§3.6: absent one month (2 Nov to 1 Dec) is not yet more than a month",
        staff(),
        [held(D(2026, 11, 20)), absence("M", "sickness", D(2026, 11, 2))],
        D(2026, 12, 1),
        ("supervisor_absent",),
        [],
    ),
    (
        "shropshire",
        "§3.6: absent more than one month, the line manager arranges supervision",
        staff(),
        [held(D(2026, 11, 20)), absence("M", "sickness", D(2026, 11, 2))],
        D(2026, 12, 2),
        ("supervisor_absent",),
        [("supervisor_absent", D(2026, 12, 1), 1, "chase")],
    ),
    (
        "shropshire",
        "'Discussions About Children': every case every two months, a CP plan included",
        staff(),
        [case("cp", D(2026, 1, 5)), discussed(D(2026, 9, 30))],
        D(2026, 11, 30),
        ("case_discussion_overdue", "case_discussion_upcoming"),
        [("case_discussion_upcoming", D(2026, 11, 30), 0, "upcoming")],
    ),
    (
        "shropshire",
        "'Discussions About Children': the day after two months",
        staff(),
        [case("cp", D(2026, 1, 5)), discussed(D(2026, 9, 30))],
        D(2026, 12, 1),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    # --- stoke ------------------------------------------------------------------------------
    (
        "stoke",
        "§10: Supporting Families early help every six to eight weeks",
        staff(role="early_help_worker"),
        [held(D(2026, 10, 1))],
        D(2026, 11, 26),
        ("supervision_overdue", "supervision_upcoming"),
        [("supervision_upcoming", D(2026, 11, 26), 0, "upcoming")],
    ),
    (
        "stoke",
        "§10: early help, the day after eight weeks",
        staff(role="early_help_worker"),
        [held(D(2026, 10, 1))],
        D(2026, 11, 27),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 11, 26), 1, "chase")],
    ),
    (
        "stoke",
        "§10: children in care long-term matched every 12 weeks",
        staff(),
        [case("cic_long_term_matched", D(2026, 1, 5)), discussed(D(2026, 9, 1))],
        D(2026, 11, 25),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 24), 1, "chase")],
    ),
    (
        "stoke",
        "§10: children in care placed with parents every six weeks",
        staff(),
        [case("cic_placed_with_parents", D(2026, 1, 5)), discussed(D(2026, 10, 1))],
        D(2026, 11, 13),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 12), 1, "chase")],
    ),
    (
        "stoke",
        "§13: notes circulated within 48 hours (2 working days): Fri session, due Tue",
        staff(),
        [held(D(2026, 11, 20), **UNWRITTEN)],
        D(2026, 11, 24),
        ("record_not_written",),
        [],
    ),
    (
        "stoke",
        "§13: not circulated by Tuesday: late on Wednesday",
        staff(),
        [held(D(2026, 11, 20), **UNWRITTEN)],
        D(2026, 11, 25),
        ("record_not_written",),
        [("record_not_written", D(2026, 11, 24), 1, "chase")],
    ),
    (
        "stoke",
        "§13: signed within five working days of receipt",
        staff(),
        [held(D(2026, 11, 16), **UNSIGNED)],
        D(2026, 11, 24),
        ("record_unsigned",),
        [("record_unsigned", D(2026, 11, 23), 1, "chase")],
    ),
    # --- nelincs ----------------------------------------------------------------------------
    (
        "nelincs",
        "'Supervisor's absence': absent unexpectedly, cover from the first day",
        staff(),
        [held(D(2026, 11, 20)), absence("M", "sickness", D(2026, 11, 23))],
        D(2026, 11, 23),
        ("supervisor_absent",),
        [("supervisor_absent", D(2026, 11, 22), 1, "chase")],
    ),
    (
        "nelincs",
        "'Supervisor's absence': planned leave is covered after more than one month",
        staff(),
        [held(D(2026, 11, 20)), absence("M", "annual_leave", D(2026, 11, 2))],
        D(2026, 12, 1),
        ("supervisor_absent",),
        [],
    ),
    (
        "nelincs",
        "'Frequency of Supervision': probation fortnightly in the first six weeks",
        staff(start_date=D(2026, 11, 2), probation_end=D(2027, 5, 1)),
        [held(D(2026, 11, 16))],
        D(2026, 12, 1),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "nelincs",
        "'Case Supervision': every child with a statutory plan at least every 2 months",
        staff(),
        [case("cp", D(2026, 1, 5)), discussed(D(2026, 9, 30))],
        D(2026, 12, 1),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "nelincs",
        "'Supervision of Assessments': fortnightly after allocation",
        staff(),
        [case("assessment", D(2026, 11, 2)), discussed(D(2026, 11, 2))],
        D(2026, 11, 17),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 16), 1, "chase")],
    ),
    (
        "nelincs",
        "'Practicalities': Family Help case supervision six-weekly",
        staff(role="family_help_worker"),
        [case("family_help", D(2026, 1, 5)), discussed(D(2026, 10, 1))],
        D(2026, 11, 13),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 12), 1, "chase")],
    ),
    # --- havering ---------------------------------------------------------------------------
    (
        "havering",
        "§5: part-time, the equivalent of one month's work (0.5 FTE: 62 days)",
        staff(fte=0.5),
        [held(D(2026, 10, 1))],
        D(2026, 12, 2),
        ("supervision_overdue", "supervision_upcoming"),
        [("supervision_upcoming", D(2026, 12, 2), 0, "upcoming")],
    ),
    (
        "havering",
        "§5: part-time, the day after",
        staff(fte=0.5),
        [held(D(2026, 10, 1))],
        D(2026, 12, 3),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 12, 2), 1, "chase")],
    ),
    (
        "havering",
        "§5: a tiny fte (valid under the contract) stretches the interval to a year at most",
        staff(fte=0.000001),
        [held(D(2026, 10, 1))],
        D(2027, 10, 3),
        ("supervision_overdue",),
        [("supervision_overdue", D(2027, 10, 2), 0, "chase")],
    ),
    (
        "havering",
        "§5: cancelled for sickness, within five working days of return",
        staff(),
        [cancelled(D(2026, 11, 16), "sickness"), absence("S", "sickness", D(2026, 11, 16), D(2026, 11, 20))],
        D(2026, 12, 1),
        ("rebook_overdue",),
        [("rebook_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "havering",
        "§9: cases discussed monthly",
        staff(),
        [case("cin", D(2026, 1, 5)), discussed(D(2026, 10, 31))],
        D(2026, 12, 1),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "havering",
        "§9: a child protection plan at least every two months",
        staff(),
        [case("cp", D(2026, 1, 5)), discussed(D(2026, 10, 31))],
        D(2026, 12, 1),
        ("case_discussion_overdue",),
        [],
    ),
    (
        "havering",
        "§9: case records entered within 2 working days",
        staff(),
        [held(D(2026, 12, 24), kind="case", **UNWRITTEN)],
        D(2026, 12, 31),
        ("record_not_written",),
        [("record_not_written", D(2026, 12, 30), 1, "chase")],
    ),
    # --- central_beds -----------------------------------------------------------------------
    (
        "central_beds",
        "at least once a calendar month: held 3 Oct, due by the end of November",
        staff(),
        [held(D(2026, 10, 3))],
        D(2026, 11, 30),
        ("supervision_overdue", "supervision_upcoming"),
        [("supervision_upcoming", D(2026, 11, 30), 0, "upcoming")],
    ),
    (
        "central_beds",
        "once a calendar month: late on 1 December",
        staff(),
        [held(D(2026, 10, 3))],
        D(2026, 12, 1),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "central_beds",
        "once a calendar month: held 31 Jan, due by the end of February (a Saturday)",
        staff(),
        [held(D(2026, 1, 31))],
        D(2026, 3, 2),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 2, 28), 1, "chase")],
    ),
    (
        "central_beds",
        "students on placement weekly",
        staff(role="student"),
        [held(D(2026, 11, 16))],
        D(2026, 11, 24),
        ("supervision_overdue",),
        [("supervision_overdue", D(2026, 11, 23), 1, "chase")],
    ),
    (
        "central_beds",
        "recorded on MOSAIC within 5 working days: the 5th day is in time",
        staff(),
        [held(D(2026, 11, 16), kind="case", **UNWRITTEN)],
        D(2026, 11, 23),
        ("record_not_written",),
        [],
    ),
    (
        "central_beds",
        "recorded within 5 working days: late the day after",
        staff(),
        [held(D(2026, 11, 16), kind="case", **UNWRITTEN)],
        D(2026, 11, 24),
        ("record_not_written",),
        [("record_not_written", D(2026, 11, 23), 1, "chase")],
    ),
    (
        "central_beds",
        "not signed off in 5 working days: deemed agreed, the supervisor closes it",
        staff(),
        [held(D(2026, 11, 16), **UNSIGNED)],
        D(2026, 11, 24),
        ("record_unsigned", "record_deemed_agreed"),
        [("record_deemed_agreed", D(2026, 11, 23), 1, "chase")],
    ),
    (
        "central_beds",
        "sign-off: on the 5th working day there is still time",
        staff(),
        [held(D(2026, 11, 16), **UNSIGNED)],
        D(2026, 11, 23),
        ("record_unsigned", "record_deemed_agreed"),
        [],
    ),
    (
        "central_beds",
        "supervisor absent more than 2 weeks through sickness",
        staff(),
        [held(D(2026, 11, 20)), absence("M", "sickness", D(2026, 11, 2))],
        D(2026, 11, 16),
        ("supervisor_absent",),
        [("supervisor_absent", D(2026, 11, 15), 1, "chase")],
    ),
    (
        "central_beds",
        "planned leave, however long, is not in the policy's absence rule",
        staff(),
        [held(D(2026, 11, 20)), absence("M", "annual_leave", D(2026, 10, 1))],
        D(2026, 11, 16),
        ("supervisor_absent",),
        [],
    ),
    (
        "central_beds",
        "case table: CIN at a minimum of 3 monthly",
        staff(),
        [case("cin", D(2026, 1, 5)), discussed(D(2026, 8, 31))],
        D(2026, 12, 1),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "central_beds",
        "case table: settled care leavers at a minimum of once a year",
        staff(),
        [case("care_leaver", D(2025, 1, 6)), discussed(D(2025, 11, 30))],
        D(2026, 11, 30),
        ("case_discussion_overdue",),
        [],
    ),
    (
        "central_beds",
        "case table: newly allocated, within the first 10 working days",
        staff(),
        [case("cp", D(2026, 11, 16))],
        D(2026, 12, 1),
        ("case_discussion_overdue",),
        [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
    ),
    (
        "central_beds",
        "'Supervision agreements': signed within the first 4 weeks of employment",
        staff(start_date=D(2026, 10, 1)),
        [held(D(2026, 10, 20)), agreement(None)],
        D(2026, 10, 30),
        ("agreement_missing",),
        [("agreement_missing", D(2026, 10, 29), 1, "chase")],
    ),
]


@pytest.mark.parametrize(
    "policy, source, member, facts, as_of, kinds, expected",
    ROWS,
    ids=[f"{r[0]}: {r[1]}" for r in ROWS],
)
def test_preset_rule(policy, source, member, facts, as_of, kinds, expected):
    about = "M" if kinds == ("supervisor_absent",) else "S"
    got = [row(f) for f in findings(council(member, *facts), as_of, policy=policy, kinds=kinds, about=about)]
    assert got == expected, f"{policy} {source}"


def test_deemed_agreed_goes_to_the_supervisor_to_close_the_record():
    snapshot = council(staff(), held(D(2026, 11, 16), **UNSIGNED))
    [finding] = findings(snapshot, D(2026, 11, 24), policy="central_beds", kinds=("record_deemed_agreed",))
    assert notified(finding) == [("M", "supervisor")]
    assert finding.rule.startswith("records.signed.deemed_agreed: central_beds")


def test_a_council_policy_extends_a_preset_and_changes_only_what_it_says(tmp_path):
    own = tmp_path / "ours.yaml"
    own.write_text(
        "extends: stoke\nname: ours\nescalation:\n  after_working_days: 10\n  source: our own ladder\n"
    )
    policy = load_policy(str(own))
    assert (policy.name, policy.escalation.after_working_days) == ("ours", 10)
    assert policy.cases == load_policy("stoke").cases


@pytest.mark.parametrize("name", preset_names())
def test_a_resolved_preset_written_out_is_itself_a_valid_policy_file(name, tmp_path):
    import yaml

    policy = load_policy(name)
    written = tmp_path / f"{name}.yaml"
    written.write_text(yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True))
    assert load_policy(str(written)) == policy


def test_policy_check_names_the_line_of_each_mistake(tmp_path):
    from models.policy.policy import PolicyError

    broken = tmp_path / "ours.yaml"
    broken.write_text(
        "extends: stoke\nname: ours\nrecords:\n  signed:\n    within_working_days: -1\nsupervision:\n  calender_month: {source: s}\n"
    )
    with pytest.raises(PolicyError) as error:
        load_policy(str(broken))
    assert error.value.problems == [
        f"{broken}:5: records.signed.within_working_days: Input should be greater than or equal to 0",
        f"{broken}:7: supervision.calender_month: not a setting here (did you mean 'calendar_month'?)",
    ]


def test_policy_check_validates_the_recurring_duties_and_a_duty_can_be_switched_off(tmp_path):
    from models.policy.policy import PolicyError

    broken = tmp_path / "ours.yaml"
    broken.write_text(
        "extends: nelincs\nname: ours\nobservations:\n  practise: {every: 6 months, source: s}\n"
        "appraisals:\n  every: 6 months\naudits:\n  roles:\n    wizard: {every: monthly, source: s}\n"
        "retention:\n  leavers_kept_for: forever\n  source: s\n"
    )
    with pytest.raises(PolicyError) as error:
        load_policy(str(broken))
    problems = [p.removeprefix(f"{broken}:") for p in error.value.problems]
    assert problems[0] == "4: observations.practise: not a setting here (did you mean 'practice'?)"
    assert problems[1].startswith("5: appraisals.source: Field required")
    assert problems[2].startswith("9: audits.roles.wizard.[key]: Input should be 'social_worker'")
    assert problems[3].startswith("11: retention.leavers_kept_for: Value error, 'forever' is not an interval")

    off = tmp_path / "off.yaml"
    off.write_text("extends: havering\nname: without-appraisals\nappraisals: null\n")
    assert load_policy(str(off)).appraisals is None and load_policy(str(off)).observations is not None


def test_a_council_file_in_the_older_spelling_reads_as_the_one_shape(tmp_path):
    """Settings written before every rule became `{value, source}` keep working."""
    older = tmp_path / "older.yaml"
    older.write_text(
        "extends: default\nname: older\n"
        "supervision:\n  calendar_month: true\n  max_missed_calendar_months: 1\n"
        "  rule_sources: {calendar_month: '§3 calendar month', max_missed_calendar_months: '§3.6'}\n"
        "records:\n  signed_within_working_days: 3\n  signed_source: '§13'\n  deemed_agreed: true\n"
        "agreements:\n  review_every: 6 months\n  review_source: '§5'\n"
        "cases:\n  first_within_working_days: 5\n  first_source: '§7'\n"
    )
    policy = load_policy(str(older))
    assert policy.supervision.calendar_month.source == "§3 calendar month"
    assert (policy.supervision.max_missed_calendar_months.months, policy.supervision.part_time_pro_rata) == (
        1,
        None,
    )
    assert (policy.records.signed.within_working_days, policy.records.signed.source) == (3, "§13")
    assert (
        policy.records.signed.deemed_agreed
        and policy.records.written == load_policy("default").records.written
    )
    assert (str(policy.agreements.review.every), policy.agreements.review.source) == ("6-monthly", "§5")
    assert (policy.cases.first.within_working_days, policy.cases.first.source) == (5, "§7")
