"""Every team on one screen, worst first: what a head of service looks at before anything else.

A team's row gives its 1:1 share today (with the counts, so a reader can check), its rating,
how the share moved since the last month end, its records signed on time and its cases
discussed, and how many of its items are overdue tonight. A team of fewer than `MIN_RATED`
supervisees is shown with its counts but not rated: one or two people's status as a team
percentage would read as a team that is failing, or thriving, when it is one person.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.compliance.shares import Share
from models.policy.policy import Compliance

MIN_RATED = 3  # supervisees a team needs before its share is rated
UNRATED = "unrated"  # a rating's word for a group too small to rate
WORST_FIRST = {"red": 0, "amber": 1, "green": 2, UNRATED: 3, "none": 4}


def rating(share: Share, bands: Compliance, at_least: int = MIN_RATED) -> str:
    """A group's rating by the policy's bands: `unrated` when fewer than `at_least` are counted,
    `none` when no one is."""
    if 0 < share.of < at_least:
        return UNRATED
    return share.rating(bands)


@dataclass(frozen=True)
class TeamGlance:
    team: str
    supervision: Share  # 1:1 within timescale today
    rating: str
    change: float | None  # percentage points since the last month end; None without both figures
    signed: Share  # records signed on time, over the last 3 months
    cases: Share  # open cases discussed within their interval
    overdue: int  # items of the team's people overdue tonight


def teams_at_a_glance(
    teams: list[tuple[str, Share, Share | None, Share]],
    cases_by_team: dict[str, Share],
    overdue_by_team: dict[str, int],
    bands: Compliance,
) -> list[TeamGlance]:
    """Each team from (name, share today, share at the last month end, records signed), worst
    first: by rating (red, amber, green, unrated, no one), then by share, lowest first."""
    rows = [
        TeamGlance(
            team=name,
            supervision=today,
            rating=rating(today, bands),
            change=_change(today, last_month),
            signed=signed,
            cases=cases_by_team.get(name, Share(0, 0)),
            overdue=overdue_by_team.get(name, 0),
        )
        for name, today, last_month, signed in teams
    ]
    return sorted(rows, key=lambda row: (WORST_FIRST[row.rating], _percent_or_last(row.supervision)))


def _change(today: Share, before: Share | None) -> float | None:
    if before is None or today.percent is None or before.percent is None:
        return None
    return round(today.percent - before.percent)


def _percent_or_last(share: Share) -> float:
    percent = share.percent
    return 101.0 if percent is None else percent
