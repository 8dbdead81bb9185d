"""Caseloads: each team's spread of open cases a worker, and the workers holding more than the
policy's limit, where it sets one (`cases.caseload`).

A worker here is anyone in post holding at least one open case; cases with no worker are the
unallocated table's. Plain functions of the report's rows a person (`Person`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from models.compliance.people import Person
from models.compliance.scopes import natural


@dataclass(frozen=True)
class TeamCaseload:
    team: str
    workers: int
    cases: int
    fewest: int
    median: float
    most: int
    above: int | None  # workers above the policy's limit; None when it sets none


def team_caseloads(people: list[Person], limit: int | None) -> list[TeamCaseload]:
    """Each team with a worker holding cases, by team."""
    loads: dict[str, list[int]] = defaultdict(list)
    for person in people:
        if person.caseload:
            loads[person.member.team].append(person.caseload)
    return [
        TeamCaseload(
            team,
            len(held),
            sum(held),
            min(held),
            median(held),
            max(held),
            None if limit is None else sum(load > limit for load in held),
        )
        for team, held in sorted(loads.items(), key=lambda item: natural(item[0]))
    ]


def above_limit(people: list[Person], limit: int | None) -> list[Person]:
    """Workers holding more open cases than `limit`, most first; none without a limit."""
    if limit is None:
        return []
    return sorted(
        (p for p in people if p.caseload > limit),
        key=lambda p: (-p.caseload, p.member.team, p.member.staff_id),
    )
