"""Supervisor absence (digest §4), case discussions (§5) and agreements (§6), default policy."""

from datetime import date

import pytest

from tests.builders import absence, agreement, case, council, discussed, held, staff
from tests.unit.rules import findings, notified, row

D = date
ABSENT = ("supervisor_absent",)
CASES = ("case_discussion_upcoming", "case_discussion_overdue")
AGREEMENTS = ("agreement_missing", "agreement_review_due")


@pytest.mark.parametrize(
    "why, leave, as_of, expected",
    [
        (
            "sick 14 days (2 to 15 Nov): not yet more than two weeks (central_beds)",
            absence("M", "sickness", D(2026, 11, 2)),
            D(2026, 11, 15),
            [],
        ),
        (
            "sick a 15th day: more than two weeks",
            absence("M", "sickness", D(2026, 11, 2)),
            D(2026, 11, 16),
            [("supervisor_absent", D(2026, 11, 15), 1, "chase")],
        ),
        (
            "unplanned absence counts as sickness does",
            absence("M", "unplanned", D(2026, 11, 2)),
            D(2026, 11, 16),
            [("supervisor_absent", D(2026, 11, 15), 1, "chase")],
        ),
        (
            "annual leave of 15 days is not an absence to cover",
            absence("M", "annual_leave", D(2026, 11, 2)),
            D(2026, 11, 16),
            [],
        ),
        (
            "any absence of more than one month is (shropshire, nelincs): 2 Nov to 1 Dec is one month",
            absence("M", "planned", D(2026, 11, 2)),
            D(2026, 12, 1),
            [],
        ),
        (
            "a month and a day",
            absence("M", "planned", D(2026, 11, 2)),
            D(2026, 12, 2),
            [("supervisor_absent", D(2026, 12, 1), 1, "chase")],
        ),
        (
            "from 31 Jan, one month runs to 27 Feb; on 28 Feb it is more than a month",
            absence("M", "annual_leave", D(2026, 1, 31)),
            D(2026, 2, 28),
            [("supervisor_absent", D(2026, 2, 27), 0, "chase")],
        ),
        (
            "an absence that has ended needs no cover",
            absence("M", "sickness", D(2026, 10, 1), D(2026, 11, 20)),
            D(2026, 11, 23),
            [],
        ),
    ],
)
def test_supervisor_absence(why, leave, as_of, expected):
    snapshot = council(staff(), held(as_of), leave)
    got = [row(f) for f in findings(snapshot, as_of, kinds=ABSENT, about="M")]
    assert got == expected, why


def test_absence_goes_to_the_line_manager_and_tells_the_supervisees_with_their_next_due_dates():
    snapshot = council(staff(), held(D(2026, 11, 2)), absence("M", "sickness", D(2026, 11, 2)))
    [finding] = findings(snapshot, D(2026, 11, 16), kinds=ABSENT, about="M")
    assert notified(finding) == [("H", "line_manager"), ("S", "supervisee")]
    assert "S next due 2026-12-02" in finding.detail


def test_someone_who_supervises_nobody_raises_no_absence_finding():
    snapshot = council(staff(), absence("S", "sickness", D(2026, 10, 1)))
    assert findings(snapshot, D(2026, 11, 16), kinds=ABSENT, about=None) == []


@pytest.mark.parametrize(
    "why, the_case, discussions, as_of, expected",
    [
        (
            "child protection plan: monthly (stoke, central_beds)",
            case("cp", D(2026, 1, 5)),
            [discussed(D(2026, 10, 31))],
            D(2026, 12, 1),
            [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "child in care: every eight weeks (stoke §10)",
            case("cic", D(2026, 1, 5)),
            [discussed(D(2026, 10, 1))],
            D(2026, 11, 27),
            [("case_discussion_overdue", D(2026, 11, 26), 1, "chase")],
        ),
        (
            "placed with parents: every six weeks (stoke §10)",
            case("cic_placed_with_parents", D(2026, 1, 5)),
            [discussed(D(2026, 10, 1))],
            D(2026, 11, 13),
            [("case_discussion_overdue", D(2026, 11, 12), 1, "chase")],
        ),
        (
            "any other open case: every two months (shropshire)",
            case("cin", D(2026, 1, 5)),
            [discussed(D(2026, 9, 30))],
            D(2026, 11, 30),
            [("case_discussion_upcoming", D(2026, 11, 30), 0, "upcoming")],
        ),
        (
            "assessment: fortnightly (nelincs)",
            case("assessment", D(2026, 11, 2)),
            [discussed(D(2026, 11, 3))],
            D(2026, 11, 18),
            [("case_discussion_overdue", D(2026, 11, 17), 1, "chase")],
        ),
        (
            "newly allocated: within 10 working days (central_beds); shown a week ahead",
            case("cin", D(2026, 11, 16)),
            [],
            D(2026, 11, 23),
            [("case_discussion_upcoming", D(2026, 11, 30), 0, "upcoming")],
        ),
        (
            "newly allocated: late the day after the 10th working day",
            case("cin", D(2026, 11, 16)),
            [],
            D(2026, 12, 1),
            [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "a discussion before this allocation does not count for the new worker",
            case("cin", D(2026, 11, 16)),
            [discussed(D(2026, 11, 10))],
            D(2026, 12, 1),
            [("case_discussion_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "closed cases produce no findings (contract)",
            case("cp", D(2026, 1, 5), closed_on=D(2026, 11, 1)),
            [],
            D(2026, 12, 1),
            [],
        ),
    ],
)
def test_case_discussion_frequency(why, the_case, discussions, as_of, expected):
    got = [row(f) for f in findings(council(staff(), the_case, *discussions), as_of, kinds=CASES)]
    assert got == expected, why


def test_case_findings_name_the_case_by_reference_and_go_to_worker_and_supervisor():
    snapshot = council(staff(), case("cp", D(2026, 1, 5), case_id="C-77"), discussed(D(2026, 10, 31), "C-77"))
    [finding] = findings(snapshot, D(2026, 12, 1), kinds=CASES)
    assert (finding.case_id, notified(finding)) == ("C-77", [("M", "supervisor"), ("S", "worker")])


@pytest.mark.parametrize(
    "why, member, agreements, as_of, expected",
    [
        (
            "signed within the first 4 weeks (central_beds): 1 Oct start, 29 Oct is in time",
            staff(start_date=D(2026, 10, 1)),
            [],
            D(2026, 10, 29),
            [],
        ),
        (
            "none signed by then: missing from 30 Oct",
            staff(start_date=D(2026, 10, 1)),
            [],
            D(2026, 10, 30),
            [("agreement_missing", D(2026, 10, 29), 1, "chase")],
        ),
        (
            "an unsigned agreement is as good as none",
            staff(start_date=D(2026, 10, 1)),
            [agreement(None)],
            D(2026, 10, 30),
            [("agreement_missing", D(2026, 10, 29), 1, "chase")],
        ),
        (
            "an agreement names the supervisor (contract): signed with H, H supervises, none missing",
            staff(start_date=D(2026, 10, 1)),
            [agreement(D(2026, 10, 5), supervisor="H")],
            D(2026, 10, 30),
            [],
        ),
        (
            "reviewed at least annually: due a year after signing, shown a week ahead",
            staff(),
            [agreement(D(2025, 11, 30))],
            D(2026, 11, 23),
            [("agreement_review_due", D(2026, 11, 30), 0, "upcoming")],
        ),
        (
            "an agreed review date is used as given",
            staff(),
            [agreement(D(2026, 5, 1), review_due=D(2026, 11, 20))],
            D(2026, 11, 23),
            [("agreement_review_due", D(2026, 11, 20), 1, "chase")],
        ),
    ],
)
def test_supervision_agreements(why, member, agreements, as_of, expected):
    got = [row(f) for f in findings(council(member, held(as_of), *agreements), as_of, kinds=AGREEMENTS)]
    assert got == expected, why


@pytest.mark.parametrize(
    "why, absences, as_of, expected",
    [
        (
            "a renewed fit note is one absence: 2-8 Nov then 9 Nov on makes 15 days on 16 Nov",
            [
                absence("M", "sickness", D(2026, 11, 2), D(2026, 11, 8)),
                absence("M", "sickness", D(2026, 11, 9), absence_id="A2"),
            ],
            D(2026, 11, 16),
            [("supervisor_absent", D(2026, 11, 15), 1, "chase")],
        ),
        (
            "a gap of a day starts a new absence",
            [
                absence("M", "sickness", D(2026, 11, 2), D(2026, 11, 7)),
                absence("M", "sickness", D(2026, 11, 9), absence_id="A2"),
            ],
            D(2026, 11, 16),
            [],
        ),
        (
            "two absences on the same days raise one finding, the earliest due",
            [
                absence("M", "sickness", D(2026, 11, 2)),
                absence("M", "planned", D(2026, 10, 1), absence_id="A2"),
            ],
            D(2026, 11, 16),
            [("supervisor_absent", D(2026, 10, 31), 11, "escalate")],
        ),
    ],
)
def test_absences_that_run_on_are_one_absence(why, absences, as_of, expected):
    snapshot = council(staff(), held(as_of), *absences)
    got = [row(f) for f in findings(snapshot, as_of, kinds=ABSENT, about="M")]
    assert got == expected, why
