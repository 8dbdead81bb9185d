"""Caseloads in the report: each team's spread of open cases a worker, and the workers above
the policy's limit (`cases.caseload`), one row per rule."""

from __future__ import annotations

import pytest

from models.compliance.caseloads import above_limit, team_caseloads
from models.compliance.people import Person
from models.policy.policy import load_policy, preset_names
from tests.builders import staff


def _worker(staff_id: str, team: str, **open_cases: int) -> Person:
    return Person(staff(staff_id, team=team), None, None, None, open_cases)


TEAM_1 = [_worker("A", "Team 1", cp=12, cin=8), _worker("B", "Team 1", cin=4), _worker("C", "Team 1", cic=21)]
TEAM_2 = [_worker("D", "Team 2", cp=3), _worker("E", "Team 2")]  # E holds none: not a worker here


@pytest.mark.parametrize(
    "limit, expected",
    [
        # (team, workers, cases, fewest, median, most, above the limit)
        (None, [("Team 1", 3, 45, 4, 20, 21, None), ("Team 2", 1, 3, 3, 3, 3, None)]),
        (18, [("Team 1", 3, 45, 4, 20, 21, 2), ("Team 2", 1, 3, 3, 3, 3, 0)]),
        (20, [("Team 1", 3, 45, 4, 20, 21, 1), ("Team 2", 1, 3, 3, 3, 3, 0)]),  # more than, not at
    ],
)
def test_each_team_has_its_spread_of_open_cases_a_worker(limit, expected):
    rows = team_caseloads(TEAM_2 + TEAM_1, limit)
    assert [(t.team, t.workers, t.cases, t.fewest, t.median, t.most, t.above) for t in rows] == expected


@pytest.mark.parametrize(
    "limit, flagged",
    [
        (None, []),  # no limit set: no one is flagged (none of the five seed policies sets one)
        (18, ["C", "A"]),  # most cases first
        (20, ["C"]),
        (21, []),
    ],
)
def test_workers_above_the_limit_are_flagged_most_first(limit, flagged):
    assert [p.member.staff_id for p in above_limit(TEAM_1 + TEAM_2, limit)] == flagged


def test_a_policy_sets_its_caseload_limit_with_its_source(tmp_path):
    assert all(load_policy(name).cases.caseload is None for name in preset_names())
    file = tmp_path / "ours.yaml"
    file.write_text('extends: default\ncases: {caseload: {above: 18, source: "§6 caseloads"}}\n')
    limit = load_policy(str(file)).cases.caseload
    assert (limit.above, limit.source) == (18, "§6 caseloads")
