"""When people and posts change (contract, "When people and posts change"): each scenario one
table row, under the default policy. The council: H (head of service) manages M (team manager),
who manages S; G is a second team manager under H; T a senior practitioner under M."""

import re
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


def test_nobody_away_is_sent_anything_and_heads_of_service_are_not_told_what_is_not_yet_due():
    from models.policy.findings import As, Finding, Kind, Recipient, Stage
    from notifications.digest import build_digests

    people = {m.staff_id: m for m in (*MANAGERS, staff())}

    def found(stage: Stage, *recipients: str) -> Finding:
        return Finding(
            Kind.SUPERVISION_OVERDUE,
            "S",
            AS_OF,
            stage,
            "d",
            "r",
            notify=tuple(Recipient(r, As.LINE_MANAGER) for r in recipients),
        )

    notices = [(f, r) for f in (found(Stage.CHASE, "M", "H"), found(Stage.UPCOMING, "H")) for r in f.notify]
    built = {
        d.recipient.staff_id: d.item_count for d in build_digests(notices, people, AS_OF, frozenset({"M"}))
    }
    assert built == {"H": 1}  # M is away; H gets the overdue item, not the upcoming one


def test_items_come_riskiest_first_and_say_why_they_reached_a_manager():
    from notifications.digest import build_digests, every_notice
    from notifications.render import render

    students = (staff("S", "student"), staff("W"))
    snapshot = council(
        None,
        *students,
        held(D(2026, 10, 20), "X1"),
        held(D(2026, 9, 1), "X2", supervisee_id="W"),
    )
    findings = evaluate(snapshot, load_policy("default"), AS_OF)
    [digest] = [
        d
        for d in build_digests(every_notice(findings), snapshot.staff_by_id, AS_OF)
        if d.recipient.staff_id == "M"
    ]
    book = next(s for s in digest.sections if s.action == "book")
    assert [(i.finding.staff_id, i.finding.working_days_overdue) for i in book.items][:2] == [
        ("S", 20),
        ("W", 38),
    ]
    [head] = [
        d
        for d in build_digests(every_notice(findings), snapshot.staff_by_id, AS_OF)
        if d.recipient.staff_id == "H"
    ]
    assert "Why you: escalated: 38 working days overdue" in render(head).text


ABSENCE_WORDS = re.compile(
    r"\bsick|\bleave\b|annual|unplanned|\bplanned|\b2 weeks|14 days|more than|health|threshold", re.I
)


def test_findings_and_digests_never_say_why_anyone_is_away(tmp_path):
    """The demo council (a manager off sick past the threshold, another on leave with cover):
    the findings JSON and every digest, in every channel, carry none of the words of absence
    kinds or thresholds."""
    import json

    from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs
    from models.csvfiles import read_import
    from models.policy.facts import INPUTS, Snapshot
    from models.policy.findings import findings_document
    from notifications.digest import build_digests, every_notice
    from notifications.render import render, render_teams

    write_csvs(generate(SCALES["demo"]), tmp_path)
    parsed = read_import([tmp_path])
    assert not parsed.problems
    snapshot = Snapshot(**{t.name: parsed.facts(t.name) for t in INPUTS})
    findings = evaluate(snapshot, load_policy(str(DEMO_POLICY)), DEMO_AS_OF)
    assert {"supervisor_absent", "supervisor_missing", "case_unallocated"} <= {f.kind.value for f in findings}
    assert any(r.as_ == "cover" for f in findings for r in f.notify)
    texts = [json.dumps(findings_document(DEMO_AS_OF, "demo", findings))]
    for digest in build_digests(every_notice(findings), snapshot.staff_by_id, DEMO_AS_OF):
        rendered = render(digest)
        texts += [rendered.subject, rendered.text, rendered.html, *(p.text for p in render_teams(digest))]
    said = [
        text[max(0, m.start() - 60) : m.end() + 20] for text in texts for m in ABSENCE_WORDS.finditer(text)
    ]
    assert said == []
