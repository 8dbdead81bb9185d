"""Staff supervision frequency, default policy (digest §1; contract "Date arithmetic")."""

from datetime import date

import pytest

from tests.builders import agreement, cancelled, council, held, staff
from tests.unit.rules import findings, notified, row

SUPERVISION = ("supervision_upcoming", "supervision_overdue")
D = date


@pytest.mark.parametrize(
    "why, member, sessions, as_of, expected",
    [
        (
            "monthly: due a calendar month after the last 1:1, shown a week ahead (all five)",
            staff(),
            [held(D(2026, 10, 30))],
            D(2026, 11, 23),
            [("supervision_upcoming", D(2026, 11, 30), 0, "upcoming")],
        ),
        (
            "monthly: nothing shown more than a week ahead",
            staff(),
            [held(D(2026, 10, 30))],
            D(2026, 11, 22),
            [],
        ),
        (
            "monthly: on the due day it is still upcoming",
            staff(),
            [held(D(2026, 10, 30))],
            D(2026, 11, 30),
            [("supervision_upcoming", D(2026, 11, 30), 0, "upcoming")],
        ),
        (
            "monthly: the day after the due day it is overdue, one working day",
            staff(),
            [held(D(2026, 10, 30))],
            D(2026, 12, 1),
            [("supervision_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "month end: 31 Jan + 1 month is 28 Feb (a Saturday); Mon 2 Mar is one working day late",
            staff(),
            [held(D(2026, 1, 31))],
            D(2026, 3, 2),
            [("supervision_overdue", D(2026, 2, 28), 1, "chase")],
        ),
        (
            "none held: due one interval after the start date; escalated after 5 working days",
            staff(start_date=D(2026, 10, 15)),
            [],
            D(2026, 11, 24),
            [("supervision_overdue", D(2026, 11, 15), 7, "escalate")],
        ),
        (
            "ASYE, none held: first due 7 days after asye_start (shropshire table note; stoke §10)",
            staff(role="asye", asye_start=D(2026, 11, 2), start_date=D(2026, 11, 2)),
            [],
            D(2026, 11, 10),
            [("supervision_overdue", D(2026, 11, 9), 1, "chase")],
        ),
        (
            "ASYE in the first six weeks: weekly",
            staff(role="asye", asye_start=D(2026, 11, 2), start_date=D(2026, 11, 2)),
            [held(D(2026, 12, 11))],
            D(2026, 12, 18),
            [("supervision_upcoming", D(2026, 12, 18), 0, "upcoming")],
        ),
        (
            "ASYE from week seven to six months: fortnightly; due on Boxing Day observed, late on 29 Dec",
            staff(role="asye", asye_start=D(2026, 11, 2), start_date=D(2026, 11, 2)),
            [held(D(2026, 12, 14))],
            D(2026, 12, 29),
            [("supervision_overdue", D(2026, 12, 28), 1, "chase")],
        ),
        (
            "ASYE the day before six months: still fortnightly",
            staff(role="asye", asye_start=D(2026, 3, 2), start_date=D(2026, 3, 2)),
            [held(D(2026, 9, 1))],
            D(2026, 9, 16),
            [("supervision_overdue", D(2026, 9, 15), 1, "chase")],
        ),
        (
            "ASYE from six months: monthly",
            staff(role="asye", asye_start=D(2026, 3, 2), start_date=D(2026, 3, 2)),
            [held(D(2026, 9, 2))],
            D(2026, 9, 16),
            [],
        ),
        (
            "student on placement: weekly (central_beds)",
            staff(role="student"),
            [held(D(2026, 11, 16))],
            D(2026, 11, 24),
            [("supervision_overdue", D(2026, 11, 23), 1, "chase")],
        ),
        (
            "support staff: minimum quarterly (shropshire table)",
            staff(role="support_staff"),
            [held(D(2026, 8, 31))],
            D(2026, 12, 1),
            [("supervision_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "probation, not ASYE: fortnightly in the first six weeks (nelincs)",
            staff(start_date=D(2026, 11, 2), probation_end=D(2027, 5, 1)),
            [],
            D(2026, 11, 17),
            [("supervision_overdue", D(2026, 11, 16), 1, "chase")],
        ),
        (
            "probation after six weeks: monthly",
            staff(start_date=D(2026, 11, 2), probation_end=D(2027, 5, 1)),
            [held(D(2026, 12, 15))],
            D(2027, 1, 18),
            [("supervision_overdue", D(2027, 1, 15), 1, "chase")],
        ),
        (
            "group supervision never replaces a 1:1 (all five)",
            staff(),
            [held(D(2026, 10, 1)), held(D(2026, 11, 10), "X2", kind="group")],
            D(2026, 11, 2),
            [("supervision_overdue", D(2026, 11, 1), 1, "chase")],
        ),
        (
            "case supervision is a 1:1 and counts",
            staff(),
            [held(D(2026, 10, 1)), held(D(2026, 11, 10), "X2", kind="case")],
            D(2026, 12, 2),
            [],
        ),
        (
            "a booked or cancelled session is not a held one",
            staff(),
            [held(D(2026, 10, 1)), cancelled(D(2026, 11, 20), session_id="X3")],
            D(2026, 11, 2),
            [("supervision_overdue", D(2026, 11, 1), 1, "chase")],
        ),
        (
            "a session after as-of does not count yet",
            staff(),
            [held(D(2026, 10, 1)), held(D(2026, 11, 10), "X2")],
            D(2026, 11, 2),
            [("supervision_overdue", D(2026, 11, 1), 1, "chase")],
        ),
        (
            "staff who have left produce no findings (contract)",
            staff(end_date=D(2026, 11, 1)),
            [held(D(2026, 9, 1))],
            D(2026, 11, 24),
            [],
        ),
        (
            "staff who have not started produce no findings",
            staff(start_date=D(2026, 12, 1)),
            [],
            D(2026, 11, 24),
            [],
        ),
    ],
)
def test_supervision_frequency(why, member, sessions, as_of, expected):
    snapshot = council(member, *sessions)
    got = [row(f) for f in findings(snapshot, as_of, kinds=SUPERVISION)]
    assert got == expected, why


@pytest.mark.parametrize(
    "why, frequency, expected_due",
    [
        ("a stricter agreement overrides the role (digest §1)", "fortnightly", D(2026, 11, 16)),
        ("a laxer agreement does not", "quarterly", D(2026, 12, 2)),
        ("N-weekly", "3-weekly", D(2026, 11, 23)),
    ],
)
def test_agreement_frequency_overrides_the_role_when_stricter(why, frequency, expected_due):
    snapshot = council(staff(), held(D(2026, 11, 2)), agreement(D(2026, 1, 5), frequency=frequency))
    [finding] = findings(snapshot, expected_due, kinds=SUPERVISION)
    assert finding.due == expected_due, why


@pytest.mark.parametrize(
    "as_of, stage, recipients",
    [
        (D(2026, 11, 23), "chase", [("M", "supervisor")]),  # 5 working days late
        (D(2026, 11, 24), "escalate", [("M", "supervisor"), ("H", "line_manager")]),  # 6
    ],
)
def test_overdue_supervision_is_chased_then_escalated_to_the_supervisors_manager(as_of, stage, recipients):
    snapshot = council(staff(), held(D(2026, 10, 16)))
    [finding] = findings(snapshot, as_of, kinds=SUPERVISION)
    assert (finding.stage.value, notified(finding)) == (stage, recipients)


def test_staff_with_no_supervisor_named_stay_due_and_are_reported_missing():
    """Contract, "When people and posts change": no agreement and no line manager is no
    supervisor in post; their supervision stays due (told to no one: there is no manager)."""
    found = findings(council(staff(manager=None), managers=()), D(2026, 11, 24))
    assert [(f.kind.value, f.due, notified(f)) for f in found] == [
        ("supervision_overdue", D(2020, 2, 6), []),
        ("supervisor_missing", D(2020, 1, 6), []),
    ]


def test_without_a_line_manager_the_latest_agreement_names_the_supervisor():
    snapshot = council(
        staff(manager=None),
        held(D(2026, 10, 30)),
        agreement(D(2026, 6, 1), supervisor="M"),
        agreement(D(2025, 6, 1), supervisor="H"),
    )
    [finding] = findings(snapshot, D(2026, 11, 23), kinds=SUPERVISION)
    assert notified(finding) == [("M", "supervisor")]
