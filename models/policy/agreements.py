"""Supervision agreements: signed early in a supervisory relationship, reviewed every year.

An agreement belongs to a supervisee and one supervisor: when the supervisor changes, the
agreement with the old one no longer counts and a new one is missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from models.policy.context import Context
from models.policy.findings import As, Finding, Kind
from models.policy.supervision import current_agreement


def agreement_findings(ctx: Context) -> Iterator[Finding]:
    rules = ctx.policy.agreements
    for member in ctx.snapshot.staff:
        if not member.is_active(ctx.as_of):
            continue
        supervisor = ctx.supervisor_of(member)
        if supervisor is None:
            continue  # no supervisor in post: `supervisor_missing` says so; cover signs nothing
        agreement = current_agreement(ctx, member, supervisor.staff_id)
        signed_on = agreement.signed_on if agreement else None
        if signed_on is None or signed_on > ctx.as_of:
            due = rules.signed.within.after(member.start_date)
            timing = ctx.timing(due)
            if ctx.as_of <= due or timing is None:
                continue
            yield ctx.finding(
                kind=Kind.AGREEMENT_MISSING,
                staff_id=member.staff_id,
                due=due,
                timing=timing,
                notify=ctx.notify_responsible(supervisor, As.SUPERVISOR, timing),
                detail=f"no signed supervision agreement with supervisor {supervisor.staff_id}",
                rule=f"agreements.signed: {rules.signed.source}",
            )
            continue
        due = (agreement.review_due if agreement and agreement.review_due else None) or (
            rules.review.every.after(signed_on)
        )
        timing = ctx.timing(due)
        if timing is None:
            continue
        yield ctx.finding(
            kind=Kind.AGREEMENT_REVIEW_DUE,
            staff_id=member.staff_id,
            due=due,
            timing=timing,
            notify=ctx.notify_responsible(supervisor, As.SUPERVISOR, timing),
            detail=f"supervision agreement signed {signed_on} is due for review by {due}",
            rule=f"agreements.review: {rules.review.source}",
        )
