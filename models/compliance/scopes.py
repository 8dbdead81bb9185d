"""Whose figures a row of the report counts: the whole service, each management line, each team.

A head of service (or a service manager, or an assistant director) answers for everyone below
them in the line-management tree, across whichever teams those people sit in. A scope holds
leavers too: a figure for a past month end counts whoever was in post then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models.policy.facts import Role, Snapshot

LINE_ROLES = (Role.ASSISTANT_DIRECTOR, Role.HEAD_OF_SERVICE, Role.SERVICE_MANAGER)


@dataclass(frozen=True)
class Scope:
    kind: str  # "service", "line" or "team"
    name: str
    staff_ids: frozenset[str]
    teams: tuple[str, ...] = ()
    owner_id: str | None = None  # the line manager whose line this is

    @property
    def case_teams(self) -> tuple[str, ...] | None:
        """The teams whose open cases the scope answers for: a line's teams, or the team itself;
        None for the service, which answers for every open case."""
        if self.kind == "service":
            return None
        return self.teams or (self.name,)


def scopes(snapshot: Snapshot, as_of: date, team: str | None = None) -> list[Scope]:
    """The service, each line manager's line, then each team with anyone in post; with `team`,
    only that team."""
    in_post = [m for m in snapshot.staff if m.is_active(as_of)]
    teams = sorted({m.team for m in in_post}, key=natural)
    members: dict[str, set[str]] = defaultdict(set)  # leavers too: a month end counts them
    for member in snapshot.staff:
        members[member.team].add(member.staff_id)
    by_team = [Scope("team", t, frozenset(members[t])) for t in teams]
    if team is not None:
        return [s for s in by_team if s.name == team]
    heads = sorted(
        (m for m in in_post if m.role in LINE_ROLES),
        key=lambda m: (LINE_ROLES.index(m.role), natural(m.team), m.name),
    )
    lines = []
    for head in heads:
        below = _below(snapshot, head.staff_id)
        line_teams = sorted(
            {snapshot.staff_by_id[s].team for s in below if snapshot.staff_by_id[s].is_active(as_of)},
            key=natural,
        )
        if line_teams:
            role = head.role.replace("_", " ")
            lines.append(
                Scope("line", f"{head.name}, {role}", frozenset(below), tuple(line_teams), head.staff_id)
            )
    service = Scope("service", "Whole service", frozenset(m.staff_id for m in snapshot.staff), tuple(teams))
    return [service, *lines, *by_team]


def _below(snapshot: Snapshot, manager_id: str) -> set[str]:
    """Everyone under `manager_id` in the line-management tree (not the manager)."""
    found: set[str] = set()
    waiting = [manager_id]
    while waiting:
        for report in snapshot.reports_by_manager.get(waiting.pop(), []):
            if report.staff_id not in found:
                found.add(report.staff_id)
                waiting.append(report.staff_id)
    return found


def natural(text: str) -> tuple[str, int, str]:
    """A sort key putting `Team 2` before `Team 10`."""
    head, _, tail = text.rpartition(" ")
    return (head, int(tail), "") if tail.isdigit() else (text, 0, "")
