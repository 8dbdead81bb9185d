"""The evidence pack's escalation log: each escalation, and whether and when it was resolved."""

from __future__ import annotations

from datetime import date

import pytest

from models.compliance.escalations import Sent, escalation_log
from models.policy.calendar import WorkingCalendar

D = date
LATE = "supervision_overdue|S1||"
# how long the item stood: raised 21 Dec 2026 and gone on the night of the 29th (Fri 25 Dec and Mon
# 28 Dec are bank holidays), raised again on the 30th and standing since; and a year earlier, from
# Mon 1 Dec 2025 to Mon 8 Dec 2025, long after that December's findings were pruned
SPANS = {
    LATE: [(D(2025, 12, 1), D(2025, 12, 8)), (D(2026, 12, 21), D(2026, 12, 29)), (D(2026, 12, 30), None)]
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
        # escalated a year ago and resolved then: 3 working days (Thu 4, Fri 5, Mon 8 Dec 2025)
        ([D(2025, 12, 3)], [(D(2025, 12, 3), 1, D(2025, 12, 8), 3, "resolved")]),
        # escalated while no span says the item stood (before spans were kept): not known
        (
            [D(2025, 11, 3), D(2025, 11, 6), D(2025, 12, 2)],
            [
                (D(2025, 11, 3), 2, None, None, "not known"),
                (D(2025, 12, 2), 1, D(2025, 12, 8), 4, "resolved"),
            ],
        ),
    ],
)
def test_each_escalation_is_logged_with_whether_and_when_it_was_resolved(sent, expected):
    log = escalation_log([Sent(LATE, "M1", night) for night in sent], SPANS, WorkingCalendar())
    assert [(e.escalated_on, e.times, e.resolved_on, e.working_days, e.outcome) for e in log] == expected
    assert all((e.kind.value, e.staff_id, e.case_id) == ("supervision_overdue", "S1", None) for e in log)


def test_each_recipient_of_an_escalation_has_a_line_of_their_own():
    log = escalation_log(
        [Sent(LATE, "M1", D(2026, 12, 21)), Sent(LATE, "H1", D(2026, 12, 23))], SPANS, WorkingCalendar()
    )
    assert [(e.recipient_id, e.working_days) for e in log] == [("M1", 4), ("H1", 2)]
