"""The escalation log of an evidence pack: each escalation sent, to whom and when, and whether
the item escalated was then resolved, and in how many working days.

Read from what the nights already keep: the messages sent (each names the findings it told of,
and at which stage) and how long each item stood (`models.spans`). An item is resolved on the
first night after its escalation that no longer raises it; one that every later night still
raises is open. An escalation from before the spans were kept (an upgrade's first nights) is
logged with its outcome not known, never guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import takewhile

from models.policy.calendar import WorkingCalendar
from models.policy.findings import Finding, Kind

Span = tuple[date, date | None]  # an item stood from one night until another (None: it stands)


@dataclass(frozen=True)
class Sent:
    """One escalation as a message carried it: the finding's key, to whom, on which night."""

    finding_key: str
    recipient_id: str
    night: date


@dataclass(frozen=True)
class Escalation:
    """One item escalated to one person: from the first escalation until it was resolved."""

    finding_key: str
    recipient_id: str
    escalated_on: date
    times: int  # escalations sent before it was resolved (reminders included)
    resolved_on: date | None
    working_days: int | None  # from the first escalation to the night it was resolved
    outcome: str  # "resolved", "open" or "not known"

    @property
    def kind(self) -> Kind:
        return Kind(Finding.parts_of(self.finding_key)[0])

    @property
    def staff_id(self) -> str | None:
        return Finding.parts_of(self.finding_key)[1]

    @property
    def case_id(self) -> str | None:
        return Finding.parts_of(self.finding_key)[2]


def escalation_log(
    sent: list[Sent], spans: dict[str, list[Span]], calendar: WorkingCalendar
) -> list[Escalation]:
    """Each escalation episode, oldest first. `spans`: each item's spans (raised on, resolved on
    or None while it stands), oldest first."""
    by_item: dict[tuple[str, str], list[date]] = defaultdict(list)
    for escalation in sent:
        by_item[(escalation.finding_key, escalation.recipient_id)].append(escalation.night)
    log = []
    for (key, recipient), days in by_item.items():
        days.sort()
        stood = spans.get(key, [])
        while days:
            first = days[0]
            span = _standing_on(stood, first)
            within = _episode(days, span, stood)
            if span is None:  # no span says how long it stood then
                entry = Escalation(key, recipient, first, len(within), None, None, "not known")
            else:
                resolved = span[1]
                entry = Escalation(
                    key,
                    recipient,
                    first,
                    len(within),
                    resolved,
                    calendar.working_days_between(first, resolved) if resolved else None,
                    "open" if resolved is None else "resolved",
                )
            log.append(entry)
            days = days[len(within) :]
    return sorted(log, key=lambda e: (e.escalated_on, e.finding_key, e.recipient_id))


def _episode(days: list[date], span: Span | None, stood: list[Span]) -> list[date]:
    """The first of `days` (in order) and those after it in the same episode: sent while `span`
    stood, or with no span known, up to the first sent while one did."""
    if span is None:
        return list(takewhile(lambda day: _standing_on(stood, day) is None, days))
    return [day for day in days if span[1] is None or day < span[1]]


def _standing_on(spans: list[Span], day: date) -> Span | None:
    """The span during which the item stood on `day`, if any."""
    index = bisect_right([raised for raised, _ in spans], day)
    if index:
        span = spans[index - 1]
        if span[1] is None or day < span[1]:
            return span
    return None
