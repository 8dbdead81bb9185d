"""1:1 supervision within timescale: on the day, and at each of the last twelve month ends.

The trend is computed by evaluating the supervision rule at each month end over the data held
today, not read back from nights already run: a council installing Oversight sees its last year
at once, and a correction to an old record corrects the trend.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from models.compliance.scopes import Scope
from models.compliance.shares import Share
from models.policy.context import Context
from models.policy.findings import As
from models.policy.supervision import supervision_due


@dataclass(frozen=True)
class SupervisionStatus:
    """One supervisee on one day: their supervisor, when their next 1:1 is due, and whether that
    day is past it."""

    staff_id: str
    supervisor_id: str | None  # None while no supervisor is in post: they are counted all the same
    due: date
    within: bool


def supervision_on(ctx: Context, day: date) -> dict[str, SupervisionStatus]:
    """Everyone in post on `day` whom anyone supervises, by staff id: with a supervisor in post or
    not (a figure must never improve because a manager left)."""
    on_day = replace(ctx, as_of=day)
    statuses = {}
    for member in ctx.snapshot.staff:
        supervised = supervision_due(on_day, member)
        if supervised is not None:
            supervising, due = supervised
            in_post = supervising.named if supervising.as_ is As.SUPERVISOR else None
            statuses[member.staff_id] = SupervisionStatus(
                member.staff_id, in_post.staff_id if in_post else None, due.on, day <= due.on
            )
    return statuses


def month_ends(as_of: date, count: int = 12) -> list[date]:
    """The last day of each of the `count` whole months before as-of's month, oldest first."""
    ends = []
    day = as_of.replace(day=1) - timedelta(days=1)
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def share_within(statuses: dict[str, SupervisionStatus], scope: Scope) -> Share:
    """The share of the scope's supervisees whose 1:1 is within timescale."""
    return Share.of_flags(statuses[staff_id].within for staff_id in scope.staff_ids if staff_id in statuses)
