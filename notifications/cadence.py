"""Which findings each person is told of tonight: a first notice, then a reminder every N
working days while the finding stands, and at once when it moves to a new stage. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from models.policy.calendar import WorkingCalendar
from models.policy.findings import Finding, Recipient

NoticeKey = tuple[str, str, str]  # recipient, finding key, stage


def due_notices(
    findings: Iterable[Finding],
    last_sent: Mapping[NoticeKey, date],
    as_of: date,
    calendar: WorkingCalendar,
    every_working_days: int,
) -> list[tuple[Finding, Recipient]]:
    """The (finding, recipient) pairs to put in tonight's digests."""
    due = []
    for finding in findings:
        for recipient in finding.notify:
            last = last_sent.get((recipient.staff_id, finding.key, finding.stage.value))
            if last is None or calendar.working_days_between(last, as_of) >= every_working_days:
                due.append((finding, recipient))
    return due
