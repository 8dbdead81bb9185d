"""The evidence pack's escalation log: each escalation, and whether and when it was resolved."""

from __future__ import annotations

from datetime import date

import pytest

from models.compliance.escalations import Sent, escalation_log
from models.policy.calendar import WorkingCalendar

D = date
LATE = "supervision_overdue|S1||"
# the nights kept, with the findings each raised (Fri 25 Dec 2026 and Mon 28 Dec are bank holidays)
NIGHTS = {
    D(2026, 12, 21): frozenset({LATE}),
    D(2026, 12, 22): frozenset({LATE}),
    D(2026, 12, 23): frozenset({LATE}),
    D(2026, 12, 24): frozenset({LATE}),
    D(2026, 12, 29): frozenset(),
    D(2026, 12, 30): frozenset({LATE}),  # raised again: a new episode if escalated again
    D(2026, 12, 31): frozenset({LATE}),
}


@pytest.mark.parametrize(
    "sent, expected",
    [
        # escalated on the 21st, reminded on the 24th, gone on the 29th: 4 working days (22, 23, 24, 29)
        (
            [D(2026, 12, 21), D(2026, 12, 24)],
            [(D(2026, 12, 21), 2, D(2026, 12, 29), 4, "resolved")],
        ),
        # still raised on the last night kept: open
        ([D(2026, 12, 30)], [(D(2026, 12, 30), 1, None, None, "open")]),
        # resolved, raised again and escalated again: two episodes
        (
            [D(2026, 12, 22), D(2026, 12, 31)],
            [(D(2026, 12, 22), 1, D(2026, 12, 29), 3, "resolved"), (D(2026, 12, 31), 1, None, None, "open")],
        ),
        # escalated before the oldest night whose findings are kept: its outcome is not known
        (
            [D(2026, 11, 2), D(2026, 11, 5)],
            [(D(2026, 11, 2), 2, None, None, "not known")],
        ),
    ],
)
def test_each_escalation_is_logged_with_whether_and_when_it_was_resolved(sent, expected):
    log = escalation_log([Sent(LATE, "M1", night) for night in sent], NIGHTS, WorkingCalendar())
    assert [(e.escalated_on, e.times, e.resolved_on, e.working_days, e.outcome) for e in log] == expected
    assert all((e.kind.value, e.staff_id, e.case_id) == ("supervision_overdue", "S1", None) for e in log)


def test_each_recipient_of_an_escalation_has_a_line_of_their_own():
    log = escalation_log(
        [Sent(LATE, "M1", D(2026, 12, 21)), Sent(LATE, "H1", D(2026, 12, 23))], NIGHTS, WorkingCalendar()
    )
    assert [(e.recipient_id, e.working_days) for e in log] == [("M1", 4), ("H1", 2)]
