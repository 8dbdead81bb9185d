"""Case discussions: every open case is discussed in supervision at its category's interval.

A newly allocated case is first discussed within the policy's working days of allocation (where
the policy has that rule), then at its category's interval after the last discussion. Only
discussions since the present allocation count: a new worker owes a first discussion.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

from models.policy.context import Context, Timing
from models.policy.facts import Case, Role, StaffMember
from models.policy.findings import As, Finding, Kind, Recipient, Stage
from models.policy.policy import Frequency


class DiscussionDue(NamedTuple):
    on: date
    rule: str
    last_discussed: date | None


def case_findings(ctx: Context) -> Iterator[Finding]:
    """`case_discussion_upcoming` and `..._overdue` for every open case, allocated or not: an
    unallocated case's discussions stay due, and go to the managers holding it."""
    for case in ctx.snapshot.cases:
        if not case.is_open(ctx.as_of):
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
        worker = ctx.active(case.worker_id)
        if worker is not None:
            notify = ctx.tell(ctx.supervising(worker), timing, Recipient(worker.staff_id, As.WORKER))
        else:
            notify = _tell_holders(ctx, case, timing)
        yield ctx.finding(
            kind=(
                Kind.CASE_DISCUSSION_UPCOMING
                if timing.stage is Stage.UPCOMING
                else Kind.CASE_DISCUSSION_OVERDUE
            ),
            staff_id=case.worker_id,
            case_id=case.case_id,
            due=due.on,
            timing=timing,
            notify=notify,
            detail=f"case {case.case_id} ({case.category.replace('_', ' ')}) is due for "
            f"discussion in supervision by {due.on} ({since})",
            rule=due.rule,
        )


def unallocated_findings(ctx: Context) -> Iterator[Finding]:
    """`case_unallocated`: an open case whose worker has left, or that has none, told to the
    managers of the team holding it."""
    for case in ctx.snapshot.cases:
        if not case.is_open(ctx.as_of):
            continue
        since = unallocated_since(ctx, case)
        if since is None:
            continue
        timing = ctx.timing(since)
        if timing is None:
            continue
        yield ctx.finding(
            kind=Kind.CASE_UNALLOCATED,
            staff_id=case.worker_id,
            case_id=case.case_id,
            due=since,
            timing=timing,
            notify=_tell_holders(ctx, case, timing),
            detail=f"case {case.case_id} ({case.category.replace('_', ' ')}) has had no worker "
            f"since {since}: allocate it",
            rule=f"cases.categories: every open case is discussed in supervision ({ctx.policy.title})",
        )


def unallocated_since(ctx: Context, case: Case) -> date | None:
    """Since when an open case has had no worker in post: the day after its worker left, or its
    allocation when no worker is named; None while its worker is in post."""
    if case.worker_id is None:
        return case.allocated_on
    worker = ctx.snapshot.staff_by_id.get(case.worker_id)
    if worker is None:
        return case.allocated_on  # a leaver whose records were destroyed under retention
    if worker.is_active(ctx.as_of):
        return None
    if worker.end_date is not None and worker.end_date < ctx.as_of:
        return max(worker.end_date + timedelta(days=1), case.allocated_on)
    return case.allocated_on  # a worker not yet started


def holding_team(ctx: Context, case: Case) -> str:
    """The team holding a case: its own `team`, else its worker's."""
    worker = ctx.snapshot.staff_by_id.get(case.worker_id or "")
    return case.team or (worker.team if worker else "")


def case_holders(ctx: Context, case: Case) -> list[StaffMember]:
    """Who manages the team holding an unallocated case: the leaver's manager; for a case with
    no worker, each team manager in post of its team, else that team's head of service."""
    worker = ctx.snapshot.staff_by_id.get(case.worker_id or "")
    if worker is not None:
        manager = ctx.manager_of(worker)
        return [manager] if manager else []
    team = holding_team(ctx, case)
    managers = [m for m in ctx.in_post_by_team.get(team, []) if m.role is Role.TEAM_MANAGER]
    if managers:
        return managers
    heads = {
        head.staff_id: head
        for member in ctx.snapshot.staff
        if member.team == team and (head := _head_above(ctx, member)) is not None
    }
    return list(heads.values()) or [
        m for m in ctx.in_post_by_team.get(team, []) if m.role is Role.HEAD_OF_SERVICE
    ]


def _head_above(ctx: Context, member: StaffMember) -> StaffMember | None:
    """The first head of service in post up the member's line."""
    manager = ctx.manager_of(member)
    seen = set()
    while manager is not None and manager.staff_id not in seen:
        if manager.role is Role.HEAD_OF_SERVICE:
            return manager
        seen.add(manager.staff_id)
        manager = ctx.manager_of(manager)
    return None


def _tell_holders(ctx: Context, case: Case, timing: Timing) -> tuple[Recipient, ...]:
    told: list[Recipient] = []
    for holder in case_holders(ctx, case):
        told.extend(ctx.notify_responsible(holder, As.LINE_MANAGER, timing, reason="the case has no worker"))
    return tuple(dict.fromkeys(told))


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
