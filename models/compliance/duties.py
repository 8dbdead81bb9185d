"""The recurring duties' figures: for each duty the policy sets, how many of the people it
applies to are within it on the day, and how many personal records the supervisor signed in time.

Read from the same `duty_statuses` and `countersign_due` the findings come from, so a figure
and the night's findings cannot disagree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from models.compliance.shares import Share
from models.policy.context import Context
from models.policy.duties import DutyStatus, countersign_due, countersigned_on


@dataclass(frozen=True)
class DutyShare:
    """One duty's figure: `setting` and `source` say which rule it counts against."""

    duty: str
    setting: str
    source: str
    share: Share


def duty_shares(ctx: Context, people: frozenset[str], statuses: list[DutyStatus]) -> list[DutyShare]:
    """Every duty the policy sets, in the policy's order, for the people in scope (`statuses`:
    everyone's, from `duty_statuses`, read once for every scope)."""
    within: dict[str, list[bool]] = defaultdict(list)
    about: dict[str, tuple[str, str]] = {}
    for status in statuses:
        if status.member.staff_id in people:
            within[status.setting].append(status.within(ctx.as_of))
            about[status.setting] = (_name(status.setting), status.duty.source)
    shares = [
        DutyShare(about[key][0], key, about[key][1], Share.of_flags(flags)) for key, flags in within.items()
    ]
    rules = ctx.policy.countersigning
    if rules is not None:
        shares.append(
            DutyShare(
                "Personal records signed by the supervisor too (last 12 months)",
                "countersigning.within_working_days",
                rules.source,
                _countersigned_in_time(ctx, people, ctx.as_of - relativedelta(months=12)),
            )
        )
    return shares


def _countersigned_in_time(ctx: Context, people: frozenset[str], since: date) -> Share:
    """Records the supervisee signed after `since` whose supervisor has signed, or should have
    by now: signed by the deadline counts as in time."""
    flags = []
    for staff_id in people:
        for session in ctx.held_one_to_ones(staff_id):
            due = countersign_due(ctx, session)
            signed = session.supervisee_signed_on
            if due is None or signed is None or signed <= since:
                continue
            done = countersigned_on(session, ctx.as_of)
            if done is not None or ctx.as_of > due:
                flags.append(done is not None and done <= due)
    return Share.of_flags(flags)


def _name(setting: str) -> str:
    """The duty as a manager names it, from its policy setting."""
    if setting.startswith("audits.roles."):
        return f"Supervision files audited by each {setting.removeprefix('audits.roles.').replace('_', ' ')}"
    return {
        "observations.practice": "Practice observed",
        "observations.supervision": "Supervision observed",
        "appraisals": "Appraisal held",
    }[setting]
