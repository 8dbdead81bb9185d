"""Case discussions: the share of open cases discussed within their category's interval, and
the open cases with no worker in post (counted all the same, and listed)."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from models.policy.cases import holding_team, next_discussion_due, unallocated_since
from models.policy.context import Context
from models.policy.facts import Case, StaffMember


class CaseStatus(NamedTuple):
    """One open case on the day: a tuple, as a national service has 150,000 of them."""

    case: Case
    worker: StaffMember | None  # None while the case has no worker in post
    team: str  # the team holding it
    due: date
    within: bool
    working_days_late: int
    rule: str
    unallocated_since: date | None = None
    days_unallocated: int = 0  # calendar days, the first day without a worker included


def cases_on(ctx: Context) -> list[CaseStatus]:
    """Every case open on the day, allocated or not: those the case-discussion rule reads."""
    statuses = []
    for case in ctx.snapshot.cases:
        if not case.is_open(ctx.as_of):
            continue
        due = next_discussion_due(ctx, case)
        late = ctx.calendar.working_days_between(due.on, ctx.as_of)
        since = unallocated_since(ctx, case)
        statuses.append(
            CaseStatus(
                case,
                ctx.active(case.worker_id),
                holding_team(ctx, case),
                due.on,
                ctx.as_of <= due.on,
                late,
                due.rule,
                since,
                (ctx.as_of - since).days + 1 if since else 0,
            )
        )
    return statuses
