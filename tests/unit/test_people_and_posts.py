"""When people and posts change (contract, "When people and posts change"): each scenario one
table row, under the default policy. The council: H (head of service) manages M (team manager),
who manages S; G is a second team manager under H; T a senior practitioner under M."""

from datetime import date

import pytest

from models.policy.evaluate import evaluate
from models.policy.policy import load_policy
from tests.builders import MANAGERS, absence, agreement, case, council, covered, held, staff

D = date
AS_OF = D(2026, 11, 24)  # a Tuesday
LEFT = D(2026, 10, 30)
G = staff("G", "team_manager", "H", team="Team 2")
T = staff("T", "social_worker", "M")


def told(snapshot, kind: str, about: str | None = "S", as_of: date = AS_OF) -> list[tuple]:
    """(due, stage, who is told and as what) of each finding of `kind` about `about`."""
    return [
        (f.due, f.stage.value, [(r.staff_id, r.as_.value) for r in f.notify])
        for f in evaluate(snapshot, load_policy("default"), as_of)
        if f.kind == kind and f.staff_id == about
    ]


LEAVER_M = (staff("H", "head_of_service", None), staff("M", "team_manager", "H", end_date=LEFT))


@pytest.mark.parametrize(
    "why, snapshot, kind, about, expected",
    [
        (
            "supervisor (line manager) left: supervisor_missing from the day after, to the leaver's manager",
            council(staff(), held(D(2026, 11, 2)), managers=LEAVER_M),
            "supervisor_missing",
            "S",
            [(D(2026, 10, 31), "escalate", [("H", "line_manager")])],
        ),
        (
            "their supervision stays due, told to that same manager",
            council(staff(), held(D(2026, 10, 20)), managers=LEAVER_M),
            "supervision_overdue",
            "S",
            [(D(2026, 11, 20), "chase", [("H", "line_manager")])],
        ),
        (
            "an agreement's supervisor who left: told to the supervisee's line manager in post",
            council(
                staff(),
                T._replace(end_date=LEFT),
                agreement(D(2026, 1, 5), supervisor="T"),
                held(D(2026, 11, 2)),
            ),
            "supervisor_missing",
            "S",
            [(D(2026, 10, 31), "escalate", [("M", "line_manager"), ("H", "line_manager")])],
        ),
        (
            "no agreement and no line manager: missing since their own start, told to no one above",
            council(staff(manager=None), held(D(2026, 11, 2)), managers=()),
            "supervisor_missing",
            "S",
            [(D(2020, 1, 6), "escalate", [])],
        ),
        (
            "the Director at the top of the tree is supervised outside the records: nothing missing",
            council(staff("S", "director", None), held(D(2026, 11, 2)), managers=()),
            "supervisor_missing",
            "S",
            [],
        ),
        (
            "a leaver with cover recorded: no supervisor_missing",
            council(
                staff(), held(D(2026, 11, 2)), covered("M", "G", D(2026, 10, 31)), managers=(*LEAVER_M, G)
            ),
            "supervisor_missing",
            "S",
            [],
        ),
        (
            "... and what would tell the leaver tells the cover",
            council(
                staff(), held(D(2026, 10, 20)), covered("M", "G", D(2026, 10, 31)), managers=(*LEAVER_M, G)
            ),
            "supervision_overdue",
            "S",
            [(D(2026, 11, 20), "chase", [("G", "cover")])],
        ),
        (
            "cover in force for an absent supervisor: the cover is told, as cover",
            council(
                staff(),
                held(D(2026, 10, 20)),
                absence("M", "sickness", D(2026, 11, 16)),
                covered("M", "G", D(2026, 11, 16)),
                managers=(*MANAGERS, G),
            ),
            "supervision_overdue",
            "S",
            [(D(2026, 11, 20), "chase", [("G", "cover")])],
        ),
        (
            "cover recorded: supervisor_absent is not raised (cover is arranged)",
            council(
                staff(),
                held(D(2026, 11, 2)),
                absence("M", "sickness", D(2026, 10, 1)),
                covered("M", "G", D(2026, 10, 1)),
                managers=(*MANAGERS, G),
            ),
            "supervisor_absent",
            "M",
            [],
        ),
        (
            "cover that has ended moves nothing",
            council(
                staff(),
                held(D(2026, 10, 20)),
                covered("M", "G", D(2026, 10, 1), D(2026, 11, 1)),
                managers=(*MANAGERS, G),
            ),
            "supervision_overdue",
            "S",
            [(D(2026, 11, 20), "chase", [("M", "supervisor")])],
        ),
        (
            "no cover recorded, away past the threshold: the line manager covers",
            council(staff(), held(D(2026, 10, 20)), absence("M", "sickness", D(2026, 10, 1))),
            "supervision_overdue",
            "S",
            [(D(2026, 11, 20), "chase", [("H", "cover")])],
        ),
        (
            "... and is told to arrange cover, with no reason given",
            council(staff(), held(D(2026, 11, 2)), absence("M", "sickness", D(2026, 10, 1))),
            "supervisor_absent",
            "M",
            [(D(2026, 10, 14), "escalate", [("H", "line_manager"), ("S", "supervisee")])],
        ),
        (
            "a short absence moves nothing: it waits for them",
            council(staff(), held(D(2026, 10, 20)), absence("M", "sickness", D(2026, 11, 19))),
            "supervision_overdue",
            "S",
            [(D(2026, 11, 20), "chase", [("M", "supervisor")])],
        ),
        (
            "a case whose worker left: case_unallocated from the day after, to the leaver's manager",
            council(staff(end_date=LEFT), case("cp", D(2026, 6, 1))),
            "case_unallocated",
            "S",
            [(D(2026, 10, 31), "escalate", [("M", "line_manager"), ("H", "line_manager")])],
        ),
        (
            "its discussions stay due, told to the same manager",
            council(staff(end_date=LEFT), case("cp", D(2026, 6, 1))),
            "case_discussion_overdue",
            "S",
            [(D(2026, 6, 15), "escalate", [("M", "line_manager"), ("H", "line_manager")])],
        ),
        (
            "a case with no worker: from allocation, to each team manager of its team",
            council(
                staff(), case("cin", D(2026, 11, 23), worker_id=None, team="Team 1"), managers=(*MANAGERS, G)
            ),
            "case_unallocated",
            None,
            [(D(2026, 11, 23), "chase", [("M", "line_manager")])],
        ),
        (
            "a case with no worker in a team with no manager: the team's head of service",
            council(
                staff(),
                case("cin", D(2026, 11, 23), worker_id=None, team="Team 9"),
                staff("W", team="Team 9", manager="H"),
            ),
            "case_unallocated",
            None,
            [(D(2026, 11, 23), "chase", [("H", "line_manager")])],
        ),
    ],
)
def test_people_and_posts(why, snapshot, kind, about, expected):
    assert told(snapshot, kind, about) == expected, why


@pytest.mark.parametrize(
    "why, duty, expected_due",
    [
        (
            "never done, long in post, duty begun 1 Jun: due a year after it began",
            {"from": "2026-06-01"},
            D(2027, 6, 1),
        ),
        ("without `from`: a year after their start, years ago", {}, D(2021, 1, 6)),
        (
            "done since the duty began: a year after that",
            {"from": "2025-06-01", "last": D(2026, 2, 1)},
            D(2027, 2, 1),
        ),
    ],
)
def test_a_duty_is_owed_only_from_when_it_began(why, duty, expected_due, tmp_path):
    from tests.builders import appraised

    policy_file = tmp_path / "policy.yaml"
    began = f"\n  from: {duty['from']}" if "from" in duty else ""
    policy_file.write_text(
        f"extends: default\nname: test\ntitle: Test\nappraisals:\n  every: 12 months\n  source: test{began}\n"
    )
    facts = [appraised(duty["last"])] if "last" in duty else []
    snapshot = council(staff(), held(D(2026, 11, 2)), *facts)
    found = [f for f in evaluate(snapshot, load_policy(str(policy_file)), AS_OF) if f.kind == "appraisal_due"]
    assert [f.due for f in found if f.staff_id == "S"] == (
        [expected_due] if expected_due <= D(2026, 12, 1) else []
    ), why
