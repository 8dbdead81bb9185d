"""The escalation log of an evidence pack: each escalation sent, to whom and when, and whether
the item escalated was then resolved, and in how many working days.

Read from what the nights already keep: the messages sent (each names the findings it told of,
and at which stage) and each night's findings. An item is resolved on the first night after
its escalation that no longer raises it; one that every later night still raises is open. The
nights' findings are kept for a while only (`OVERSIGHT_KEEP_FINDINGS_DAYS`), so an escalation
older than the oldest night kept is logged with its outcome not known, never guessed.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models.policy.calendar import WorkingCalendar
from models.policy.findings import Finding, Kind


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
    sent: list[Sent], standing: dict[date, frozenset[str]], calendar: WorkingCalendar
) -> list[Escalation]:
    """Each escalation episode, oldest first. `standing`: each night kept, with the keys of the
    findings it raised (a night that raised none is kept with none)."""
    nights = sorted(standing)
    by_item: dict[tuple[str, str], list[date]] = defaultdict(list)
    for escalation in sent:
        by_item[(escalation.finding_key, escalation.recipient_id)].append(escalation.night)
    log = []
    for (key, recipient), days in by_item.items():
        days.sort()
        while days:
            first = days[0]
            if not nights or first < nights[0]:  # its nights' findings are no longer kept
                within = [day for day in days if not nights or day < nights[0]]
                entry = Escalation(key, recipient, first, len(within), None, None, "not known")
            else:
                resolved = _resolved(key, first, nights, standing)
                within = [day for day in days if resolved is None or day < resolved]
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


def _resolved(key: str, since: date, nights: list[date], standing: dict[date, frozenset[str]]) -> date | None:
    """The first night after `since` that did not raise `key`."""
    for night in nights[bisect_right(nights, since) :]:
        if key not in standing[night]:
            return night
    return None
