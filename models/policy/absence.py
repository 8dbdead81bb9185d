"""Supervisor absence: past the policy's threshold, the line manager arranges cover.

Contract: absence length counts calendar days from `start_date` to as-of, both included;
"more than two weeks" is more than 14 days. The finding stands while the absence does, unless
the council has recorded who covers (cover is then arranged). It says only since when the
supervisor is away: the threshold crossed differs by kind of absence, and sickness is health data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from models.policy.context import Context
from models.policy.facts import StaffMember
from models.policy.findings import As, Finding, Kind, Recipient
from models.policy.supervision import current_agreement, next_supervision_due

# What a finding cites for an absent supervisor: the policy's rule, never which threshold.
ABSENCE_RULE = "absence.thresholds: away longer than the policy allows before cover is arranged"


def absence_findings(ctx: Context) -> Iterator[Finding]:
    """One `supervisor_absent` per absent supervisor in post with supervisees in post and no
    cover recorded: due the last day the absence could run before cover was needed."""
    for supervisor_id, supervisees in ctx.supervisees.items():
        supervisor = ctx.active(supervisor_id)
        if supervisor is None or ctx.recorded_cover(supervisor_id) is not None:
            continue
        away = ctx.past_threshold(supervisor_id)
        if away is None:
            continue
        timing = ctx.timing(away.last_allowed)
        assert timing is not None  # as-of is past the last allowed day
        next_dues = ", ".join(
            f"{m.staff_id} next due {_next_due(ctx, m, supervisor_id)}" for m in supervisees
        )
        manager = ctx.manager_of(supervisor)
        yield ctx.finding(
            kind=Kind.SUPERVISOR_ABSENT,
            staff_id=supervisor_id,
            due=away.last_allowed,
            timing=timing,
            notify=ctx.notify_responsible(
                manager,
                As.LINE_MANAGER,
                timing,
                *(Recipient(m.staff_id, As.SUPERVISEE) for m in supervisees),
                reason=f"{supervisor.name} is away",
            ),
            detail=f"away since {away.since}: arrange supervision for {next_dues}",
            rule=ABSENCE_RULE,
        )


def _next_due(ctx: Context, member: StaffMember, supervisor_id: str) -> date:
    agreement = current_agreement(ctx, member, supervisor_id)
    return next_supervision_due(
        member, ctx.last_held_on(member.staff_id), agreement, ctx.policy.supervision
    ).on
