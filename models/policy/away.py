"""When someone is away, and when an absence has run past what the policy allows before cover
is arranged. Plain functions over a person's absences, shared by the absence rule (which tells
the line manager to arrange cover) and by cover itself (the line manager stands in from then).

Contract: absence length counts calendar days from `start_date` to as-of, both included;
"more than two weeks" is more than 14 days. What comes out of here is dates only: which
threshold was crossed, and so which kind of absence it was, never leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from models.policy.facts import Absence, AbsenceKind
from models.policy.policy import AbsenceThreshold


class PastThreshold(NamedTuple):
    """An absence past the policy's threshold on as-of: since when, and the last day it could
    run before cover was needed (a finding's due date is that day)."""

    since: date
    last_allowed: date


def continuous_absence_start(absences: list[Absence], kinds: list[AbsenceKind], as_of: date) -> date | None:
    """When the absence of these kinds that covers as-of began, following back through absences
    that run on one from another (a renewed fit note is one absence); None if not absent."""
    spans = sorted((a.start_date, a.end_date or date.max) for a in absences if a.kind in kinds)
    start = None
    for begin, end in reversed(spans):
        if start is None:
            if begin <= as_of <= end:
                start = begin
        elif end >= start - timedelta(days=1):
            start = min(start, begin)
    return start


def past_threshold(
    absences: list[Absence], thresholds: list[AbsenceThreshold], as_of: date
) -> PastThreshold | None:
    """The absence in progress past the first of the policy's thresholds it crossed, if any."""
    crossed = [
        PastThreshold(start, threshold.more_than.after(start) - timedelta(days=1))
        for threshold in thresholds
        if (start := continuous_absence_start(absences, threshold.kinds, as_of)) is not None
    ]
    crossed = [c for c in crossed if as_of > c.last_allowed]
    return min(crossed, key=lambda c: c.last_allowed, default=None)


def away_since(absences: list[Absence], as_of: date) -> date | None:
    """Since when someone is away on as-of, whatever the kind (None if they are not)."""
    return continuous_absence_start(absences, list(AbsenceKind), as_of)


def away_on(absences: Iterable[Absence], as_of: date) -> frozenset[str]:
    """Who has an absence in progress on as-of: nobody is chased while away."""
    return frozenset(a.staff_id for a in absences if a.covers(as_of))
