"""The recurring duties around supervision (digest §7), per preset, each row citing its seed:
the day before, of and after each due date, with month ends and bank holidays among them.

The council: H (head of service) manages M (team manager), who manages S (social worker). For
the audit rows, D (director) manages A (assistant director), who manages V (service manager),
who manages M.
"""

from datetime import date

import pytest

from models.policy.evaluate import evaluate
from models.policy.policy import load_policy, preset_names
from tests.builders import (
    appraised,
    audited,
    council,
    held,
    observed,
    staff,
)
from tests.unit.rules import findings, notified, row

D = date
OBSERVATION = ("observation_due",)
APPRAISAL = ("appraisal_due",)
AUDIT = ("supervision_audit_due",)
COUNTERSIGN = ("record_not_countersigned",)
GRANDPARENTS = (
    staff("D", "director", None),
    staff("A", "assistant_director", "D"),
    staff("V", "service_manager", "A"),
    staff("M", "team_manager", "V"),
)


def chase(kind: str, due: date, late: int) -> tuple:
    return (kind, due, late, "chase")


def upcoming(kind: str, due: date) -> tuple:
    return (kind, due, 0, "upcoming")


@pytest.mark.parametrize(
    "policy, why, last, as_of, expected",
    [
        (
            "havering",
            "§8 twice a year: observed 17 May, due 17 Nov, day before",
            D(2026, 5, 17),
            D(2026, 11, 16),
            [upcoming("observation_due", D(2026, 11, 17))],
        ),
        (
            "havering",
            "§8: on the due day still upcoming",
            D(2026, 5, 17),
            D(2026, 11, 17),
            [upcoming("observation_due", D(2026, 11, 17))],
        ),
        (
            "havering",
            "§8: the day after, chased",
            D(2026, 5, 17),
            D(2026, 11, 18),
            [chase("observation_due", D(2026, 11, 17), 1)],
        ),
        (
            "havering",
            "§8: 1 Jul + 6 months is New Year's Day; Saturday 2 Jan is no working day late",
            D(2026, 7, 1),
            D(2027, 1, 2),
            [chase("observation_due", D(2027, 1, 1), 0)],
        ),
        (
            "havering",
            "§8: 30 Jun + 6 months is 30 Dec, not the month end",
            D(2026, 6, 30),
            D(2026, 12, 31),
            [chase("observation_due", D(2026, 12, 30), 1)],
        ),
        (
            "havering",
            "§8: 31 Aug + 6 months is 28 Feb",
            D(2026, 8, 31),
            D(2027, 3, 1),
            [chase("observation_due", D(2027, 2, 28), 1)],
        ),
        ("havering", "§8: a week before the due day is not yet shown", D(2026, 5, 25), D(2026, 11, 17), []),
        ("stoke", "no observation duty in stoke's policy", D(2025, 1, 6), D(2026, 11, 18), []),
        ("default", "no duty is common to all five", D(2025, 1, 6), D(2026, 11, 18), []),
    ],
)
def test_observation_of_practice(policy, why, last, as_of, expected):
    snapshot = council(staff(), held(as_of), observed(last, "practice"))
    got = [row(f) for f in findings(snapshot, as_of, policy, kinds=OBSERVATION)]
    assert got == expected, why


def test_practice_is_observed_by_the_supervisor_and_never_observed_counts_from_the_start_date():
    snapshot = council(staff(start_date=D(2026, 3, 2)), held(D(2026, 11, 2)))
    [finding] = findings(snapshot, D(2026, 11, 18), "havering", kinds=OBSERVATION)
    assert row(finding) == ("observation_due", D(2026, 9, 2), 55, "escalate")
    assert notified(finding) == [("M", "supervisor"), ("H", "line_manager")]
    assert (
        finding.detail
        == "observation of practice due by 2026-09-02 (none since starting on 2026-03-02; every 6 months)"
    )
    assert finding.rule.startswith("observations.practice: havering §8")


@pytest.mark.parametrize(
    "policy, why, last, as_of, expected",
    [
        (
            "shropshire",
            "audit table, 2 per year: observed 17 May, day before",
            D(2026, 5, 17),
            D(2026, 11, 16),
            [upcoming("observation_due", D(2026, 11, 17))],
        ),
        (
            "shropshire",
            "audit table: the due day",
            D(2026, 5, 17),
            D(2026, 11, 17),
            [upcoming("observation_due", D(2026, 11, 17))],
        ),
        (
            "shropshire",
            "audit table: the day after",
            D(2026, 5, 17),
            D(2026, 11, 18),
            [chase("observation_due", D(2026, 11, 17), 1)],
        ),
        (
            "central_beds",
            "peer observation, yearly: the day before",
            D(2025, 11, 17),
            D(2026, 11, 16),
            [upcoming("observation_due", D(2026, 11, 17))],
        ),
        (
            "central_beds",
            "peer observation, yearly: the day after",
            D(2025, 11, 17),
            D(2026, 11, 18),
            [chase("observation_due", D(2026, 11, 17), 1)],
        ),
        (
            "central_beds",
            "yearly: Christmas Eve + 1 year, chased after Christmas and Boxing Day",
            D(2025, 12, 24),
            D(2026, 12, 29),
            [chase("observation_due", D(2026, 12, 24), 1)],
        ),
        (
            "havering",
            "havering observes practice (M's, by H), not supervision",
            D(2025, 1, 6),
            D(2026, 11, 18),
            [],
        ),
    ],
)
def test_observation_of_supervision(policy, why, last, as_of, expected):
    snapshot = council(staff(), held(as_of), observed(last, "supervision", staff_id="M", by="H"))
    found = findings(snapshot, as_of, policy, kinds=OBSERVATION, about="M")
    assert [row(f) for f in found if f.aspect == "supervision"] == expected, why


def test_supervision_is_observed_by_the_supervisors_line_manager_and_only_of_team_managers_in_shropshire():
    snapshot = council(staff(), held(D(2026, 11, 2)))
    [finding] = findings(snapshot, D(2026, 11, 18), "shropshire", kinds=OBSERVATION, about=None)
    assert (finding.staff_id, notified(finding)) == ("M", [("H", "line_manager")])
    assert finding.detail.startswith("observation of supervision due by")
    # H supervises M but is no team manager; S supervises no one
    assert [
        f.staff_id for f in findings(snapshot, D(2026, 11, 18), "central_beds", kinds=OBSERVATION, about=None)
    ] == ["M"]


def test_one_person_due_both_observations_has_two_findings_kept_apart(tmp_path):
    both_duties = tmp_path / "both.yaml"
    both_duties.write_text(
        "extends: havering\nname: both\nobservations:\n"
        "  supervision: {every: 6 months, source: shropshire audit table}\n"
    )
    policy = load_policy(str(both_duties))
    both = [
        f
        for f in evaluate(council(staff(), held(D(2026, 11, 2))), policy, D(2026, 11, 18))
        if f.kind == "observation_due" and f.staff_id == "M"
    ]
    assert [f.aspect for f in both] == ["practice", "supervision"]
    assert len({f.key for f in both}) == 2


@pytest.mark.parametrize(
    "policy, why, last, as_of, expected",
    [
        (
            "havering",
            "§4.1, §12 PDR every six months: the day before",
            D(2026, 5, 17),
            D(2026, 11, 16),
            [upcoming("appraisal_due", D(2026, 11, 17))],
        ),
        (
            "havering",
            "§4.1: the due day",
            D(2026, 5, 17),
            D(2026, 11, 17),
            [upcoming("appraisal_due", D(2026, 11, 17))],
        ),
        (
            "havering",
            "§4.1: the day after",
            D(2026, 5, 17),
            D(2026, 11, 18),
            [chase("appraisal_due", D(2026, 11, 17), 1)],
        ),
        (
            "shropshire",
            "appraisal annually: the day before",
            D(2025, 11, 17),
            D(2026, 11, 16),
            [upcoming("appraisal_due", D(2026, 11, 17))],
        ),
        (
            "shropshire",
            "annually: the day after",
            D(2025, 11, 17),
            D(2026, 11, 18),
            [chase("appraisal_due", D(2026, 11, 17), 1)],
        ),
        (
            "shropshire",
            "annually: 29 Feb 2024 + 1 year is 28 Feb 2025",
            D(2024, 2, 29),
            D(2025, 3, 3),
            [chase("appraisal_due", D(2025, 2, 28), 1)],
        ),
        ("nelincs", "no appraisal duty in nelincs' policy", D(2024, 1, 8), D(2026, 11, 18), []),
    ],
)
def test_appraisals(policy, why, last, as_of, expected):
    snapshot = council(staff(), held(as_of), appraised(last))
    got = [row(f) for f in findings(snapshot, as_of, policy, kinds=APPRAISAL)]
    assert got == expected, why


def test_an_appraisal_is_the_line_managers_to_hold():
    snapshot = council(staff(), held(D(2026, 11, 2)), appraised(D(2026, 5, 17)))
    [finding] = findings(snapshot, D(2026, 11, 18), "havering", kinds=APPRAISAL)
    assert notified(finding) == [("M", "line_manager")]
    assert finding.rule.startswith("appraisals: havering §4.1, §12")


@pytest.mark.parametrize(
    "policy, why, auditor, last, as_of, expected",
    [
        (
            "shropshire",
            "audit table: Director annually, the day before",
            "D",
            D(2025, 11, 17),
            D(2026, 11, 16),
            [upcoming("supervision_audit_due", D(2026, 11, 17))],
        ),
        (
            "shropshire",
            "Director annually: the day after",
            "D",
            D(2025, 11, 17),
            D(2026, 11, 18),
            [chase("supervision_audit_due", D(2026, 11, 17), 1)],
        ),
        (
            "shropshire",
            "Assistant Director quarterly: the due day",
            "A",
            D(2026, 8, 17),
            D(2026, 11, 17),
            [upcoming("supervision_audit_due", D(2026, 11, 17))],
        ),
        (
            "shropshire",
            "Assistant Director quarterly: the day after",
            "A",
            D(2026, 8, 17),
            D(2026, 11, 18),
            [chase("supervision_audit_due", D(2026, 11, 17), 1)],
        ),
        (
            "shropshire",
            "service manager quarterly: 30 Nov + 3 months is 28 Feb",
            "V",
            D(2026, 11, 30),
            D(2027, 3, 1),
            [chase("supervision_audit_due", D(2027, 2, 28), 1)],
        ),
        ("shropshire", "team managers audit no files in shropshire", "M", D(2025, 1, 6), D(2026, 11, 18), []),
        (
            "central_beds",
            "monthly case audits, 1 per team manager: the day before",
            "M",
            D(2026, 10, 17),
            D(2026, 11, 16),
            [upcoming("supervision_audit_due", D(2026, 11, 17))],
        ),
        (
            "central_beds",
            "monthly: the day after",
            "M",
            D(2026, 10, 17),
            D(2026, 11, 18),
            [chase("supervision_audit_due", D(2026, 11, 17), 1)],
        ),
        ("stoke", "no audit duty in stoke's policy", "D", D(2024, 1, 8), D(2026, 11, 18), []),
    ],
)
def test_audits_of_supervision_files(policy, why, auditor, last, as_of, expected):
    snapshot = council(staff(), held(as_of), audited(last, auditor), managers=GRANDPARENTS)
    got = [row(f) for f in findings(snapshot, as_of, policy, kinds=AUDIT, about=auditor)]
    assert got == expected, why


def test_an_audit_is_the_auditors_to_do_and_escalates_to_their_line_manager():
    snapshot = council(staff(), held(D(2026, 11, 2)), audited(D(2026, 5, 1), "V"), managers=GRANDPARENTS)
    [finding] = findings(snapshot, D(2026, 11, 18), "shropshire", kinds=AUDIT, about="V")
    assert row(finding) == ("supervision_audit_due", D(2026, 8, 1), 77, "escalate")
    assert notified(finding) == [("V", "supervisor"), ("A", "line_manager")]
    assert finding.rule.startswith("audits.roles.service_manager: shropshire audit table")


SIGNED_10_NOV = {"supervisee_signed_on": D(2026, 11, 10), "supervisor_signed_on": None}
SIGNED_22_DEC = {"supervisee_signed_on": D(2026, 12, 22), "supervisor_signed_on": None}


@pytest.mark.parametrize(
    "policy, why, session, as_of, expected",
    [
        (
            "stoke",
            "§12 signed by both: supervisee signed 10 Nov, 5 working days to 17 Nov",
            held(D(2026, 11, 9), **SIGNED_10_NOV),
            D(2026, 11, 17),
            [],
        ),
        (
            "stoke",
            "§12: the day after",
            held(D(2026, 11, 9), **SIGNED_10_NOV),
            D(2026, 11, 18),
            [chase("record_not_countersigned", D(2026, 11, 17), 1)],
        ),
        (
            "havering",
            "§9 signed by both: the day after",
            held(D(2026, 11, 9), **SIGNED_10_NOV),
            D(2026, 11, 18),
            [chase("record_not_countersigned", D(2026, 11, 17), 1)],
        ),
        (
            "shropshire",
            "signed by both parties: the day after",
            held(D(2026, 11, 9), **SIGNED_10_NOV),
            D(2026, 11, 18),
            [chase("record_not_countersigned", D(2026, 11, 17), 1)],
        ),
        (
            "stoke",
            "§12: signed 22 Dec, due 31 Dec over Christmas, Boxing Day (28th) and New Year",
            held(D(2026, 12, 21), **SIGNED_22_DEC),
            D(2027, 1, 4),
            [chase("record_not_countersigned", D(2026, 12, 31), 1)],
        ),
        (
            "stoke",
            "§12: the supervisor signed",
            held(D(2026, 11, 9), supervisee_signed_on=D(2026, 11, 10), supervisor_signed_on=D(2026, 11, 18)),
            D(2026, 11, 18),
            [],
        ),
        (
            "stoke",
            "§12: the supervisee has not signed: record_unsigned chases that",
            held(D(2026, 11, 9), supervisee_signed_on=None, supervisor_signed_on=None),
            D(2026, 11, 30),
            [],
        ),
        (
            "stoke",
            "§12: a disputed record is not chased for signatures",
            held(D(2026, 11, 9), record_disputed=True, **SIGNED_10_NOV),
            D(2026, 11, 18),
            [],
        ),
        (
            "stoke",
            "§12: the personal record only; a case record is on the child's file",
            held(D(2026, 11, 9), kind="case", **SIGNED_10_NOV),
            D(2026, 11, 18),
            [],
        ),
        (
            "central_beds",
            "central_beds does not ask the supervisor to sign",
            held(D(2026, 11, 9), **SIGNED_10_NOV),
            D(2026, 11, 18),
            [],
        ),
        (
            "default",
            "no duty is common to all five",
            held(D(2026, 11, 9), **SIGNED_10_NOV),
            D(2026, 11, 18),
            [],
        ),
    ],
)
def test_both_parties_sign_the_personal_record(policy, why, session, as_of, expected):
    snapshot = council(staff(), session)
    got = [row(f) for f in findings(snapshot, as_of, policy, kinds=COUNTERSIGN)]
    assert got == expected, why


def test_countersigning_chases_the_supervisor_named_on_the_session():
    snapshot = council(staff(), held(D(2026, 11, 9), **SIGNED_10_NOV))
    [finding] = findings(snapshot, D(2026, 11, 18), "stoke", kinds=COUNTERSIGN)
    assert (finding.session_id, notified(finding)) == ("X1", [("M", "supervisor")])
    assert finding.detail == (
        "record of the personal session held 2026-11-09, signed by the supervisee 2026-11-10, "
        "is not signed by the supervisor"
    )


@pytest.mark.parametrize("policy", preset_names())
def test_a_preset_without_a_duty_raises_none_of_it(policy):
    rules = load_policy(policy)
    snapshot = council(staff(), held(D(2026, 11, 9), **SIGNED_10_NOV), managers=GRANDPARENTS)
    raised = {f.kind.value for f in findings(snapshot, D(2026, 11, 18), policy, about=None)}
    assert ("record_not_countersigned" in raised) == (rules.countersigning is not None)
    assert ("appraisal_due" in raised) == (rules.appraisals is not None)
    assert ("supervision_audit_due" in raised) == (rules.audits is not None)
    assert ("observation_due" in raised) == (rules.observations is not None)


def test_leavers_owe_no_duties():
    leaver = staff(end_date=D(2026, 10, 30))
    snapshot = council(leaver, held(D(2026, 10, 1), **SIGNED_10_NOV))
    assert (
        findings(snapshot, D(2026, 11, 18), "havering", kinds=(*OBSERVATION, *APPRAISAL, *COUNTERSIGN)) == []
    )
