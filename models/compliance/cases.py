"""Case discussions: the share of open cases discussed within their category's interval."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from models.policy.cases import next_discussion_due
from models.policy.context import Context
from models.policy.facts import Case, StaffMember


@dataclass(frozen=True)
class CaseStatus:
    case: Case
    worker: StaffMember
    due: date
    within: bool
    working_days_late: int
    rule: str


def cases_on(ctx: Context) -> list[CaseStatus]:
    """Every case open on the day with a worker in post: those the case-discussion rule reads."""
    statuses = []
    for case in ctx.snapshot.cases:
        worker = ctx.active(case.worker_id)
        if worker is None or not case.is_open(ctx.as_of):
            continue
        due = next_discussion_due(ctx, case)
        late = ctx.calendar.working_days_between(due.on, ctx.as_of)
        statuses.append(CaseStatus(case, worker, due.on, ctx.as_of <= due.on, late, due.rule))
    return statuses
