"""Case discussions: every open case is discussed in supervision at its category's interval.

A newly allocated case is first discussed within the policy's working days of allocation (where
the policy has that rule), then at its category's interval after the last discussion. Only
discussions since the present allocation count: a new worker owes a first discussion.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

from models.policy.context import Context
from models.policy.facts import Case
from models.policy.findings import As, Finding, Kind, Recipient, Stage
from models.policy.policy import Frequency


class DiscussionDue(NamedTuple):
    on: date
    rule: str
    last_discussed: date | None


def case_findings(ctx: Context) -> Iterator[Finding]:
    for case in ctx.snapshot.cases:
        worker = ctx.active(case.worker_id)
        if worker is None or not case.is_open(ctx.as_of):
            continue
        due = next_discussion_due(ctx, case)
        timing = ctx.timing(due.on)
        if timing is None:
            continue
        since = (
            f"last discussed {due.last_discussed}"
            if due.last_discussed
            else f"not discussed since allocation on {case.allocated_on}"
        )
        yield ctx.finding(
            kind=(
                Kind.CASE_DISCUSSION_UPCOMING
                if timing.stage is Stage.UPCOMING
                else Kind.CASE_DISCUSSION_OVERDUE
            ),
            staff_id=worker.staff_id,
            case_id=case.case_id,
            due=due.on,
            timing=timing,
            notify=ctx.notify_responsible(
                ctx.supervisor_of(worker),
                As.SUPERVISOR,
                timing.stage,
                Recipient(worker.staff_id, As.WORKER),
            ),
            detail=f"case {case.case_id} ({case.category.replace('_', ' ')}) is due for "
            f"discussion in supervision by {due.on} ({since})",
            rule=due.rule,
        )


def next_discussion_due(ctx: Context, case: Case) -> DiscussionDue:
    rules = ctx.policy.cases
    frequency = rules.category_frequency(case.category)
    discussed = [
        d.discussed_on
        for d in ctx.snapshot.discussions_by_case.get(case.case_id, ())
        if case.allocated_on <= d.discussed_on <= ctx.as_of
    ]
    if discussed:
        last = max(discussed)
        return DiscussionDue(frequency.every.after(last), _category_rule(case, frequency), last)
    if rules.first is not None:
        first = ctx.calendar.add_working_days(case.allocated_on, rules.first.within_working_days)
        return DiscussionDue(first, f"cases.first: {rules.first.source}", None)
    return DiscussionDue(frequency.every.after(case.allocated_on), _category_rule(case, frequency), None)


def _category_rule(case: Case, frequency: Frequency) -> str:
    return f"cases.categories.{case.category}: {frequency.source}"
