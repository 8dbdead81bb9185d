"""The cadence of reminders: first notice, a reminder every N working days, a new stage at once."""

from datetime import date

import pytest

from models.policy.calendar import WorkingCalendar
from models.policy.findings import As, Finding, Kind, Recipient, Stage
from notifications.cadence import due_notices

SUPERVISEE = Recipient("S", As.SUPERVISEE)


def unsigned(stage: Stage = Stage.CHASE) -> Finding:
    return Finding(
        kind=Kind.RECORD_UNSIGNED,
        staff_id="S",
        session_id="X1",
        due=date(2026, 11, 23),
        stage=stage,
        detail="",
        rule="",
        notify=(SUPERVISEE,),
    )


@pytest.mark.parametrize(
    "why, last_sent, stage, as_of, told",
    [
        ("never told: a first notice", None, Stage.CHASE, date(2026, 11, 24), True),
        ("told tonight already: not again", date(2026, 11, 24), Stage.CHASE, date(2026, 11, 24), False),
        ("told 2 working days ago: not yet", date(2026, 11, 24), Stage.CHASE, date(2026, 11, 26), False),
        ("told 3 working days ago: a reminder", date(2026, 11, 24), Stage.CHASE, date(2026, 11, 27), True),
        (
            "a weekend does not count towards the cadence",
            date(2026, 11, 26),
            Stage.CHASE,
            date(2026, 11, 30),
            False,
        ),
        (
            "over Christmas: 24 Dec, then 29, 30, 31 Dec",
            date(2026, 12, 24),
            Stage.CHASE,
            date(2026, 12, 31),
            True,
        ),
        (
            "escalated: told at once whatever the last chase",
            date(2026, 11, 26),
            Stage.ESCALATE,
            date(2026, 11, 27),
            True,
        ),
    ],
)
def test_reminder_cadence(why, last_sent, stage, as_of, told):
    finding = unsigned(stage)
    history = {("S", finding.key, "chase"): last_sent} if last_sent else {}
    due = due_notices([finding], history, as_of, WorkingCalendar(), every_working_days=3)
    assert (due == [(finding, SUPERVISEE)]) is told, why
