"""1:1 supervision within timescale: on the day, and at each of the last twelve month ends.

The trend is computed by evaluating the supervision rule at each month end over the data held
today, not read back from nights already run: a council installing Oversight sees its last year
at once, and a correction to an old record corrects the trend.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from models.policy.context import Context
from models.policy.supervision import dues_of


class SupervisionStatus(NamedTuple):
    """One supervisee on one day: their supervisor, when their next 1:1 is due, and whether that
    day is past it. A tuple, as the report makes one per person for each of thirteen days."""

    staff_id: str
    supervisor_id: str | None  # None while no supervisor is in post: they are counted all the same
    due: date
    within: bool


def supervision_on(ctx: Context, days: Sequence[date]) -> list[dict[str, SupervisionStatus]]:
    """For each of `days`, everyone in post on it whom anyone supervises, by staff id: with a
    supervisor in post or not (a figure must never improve because a manager left).

    The answer `supervision_due` gives on each day, worked out a member at a time: whom the
    records name as supervisor is the same on every day (only whether they are in post is not),
    and the next due date changes only with the last 1:1 held, so each is found once."""
    statuses: list[dict[str, SupervisionStatus]] = [{} for _ in days]
    for member in ctx.snapshot.staff:
        if not ctx.is_supervised(member):
            continue
        named = ctx.named_supervisor(member)
        due_after = dues_of(ctx, member)
        dues: dict[date | None, date] = {}
        for day, on_day in zip(days, statuses, strict=True):
            if not member.is_active(day):
                continue
            last_held = ctx.last_held_on(member.staff_id, day)
            due = dues.get(last_held)
            if due is None:
                due = dues[last_held] = due_after(last_held).on
            in_post = named.staff_id if named is not None and named.is_active(day) else None
            on_day[member.staff_id] = SupervisionStatus(member.staff_id, in_post, due, day <= due)
    return statuses


def month_ends(as_of: date, count: int = 12) -> list[date]:
    """The last day of each of the `count` whole months before as-of's month, oldest first."""
    ends = []
    day = as_of.replace(day=1) - timedelta(days=1)
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends[::-1]
