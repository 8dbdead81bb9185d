"""Cancelled sessions (digest §2) and writing and signing the record (digest §3), default policy."""

from datetime import date

import pytest

from tests.builders import absence, cancelled, council, held, staff
from tests.unit.rules import findings, notified, row

D = date
REBOOK = ("rebook_overdue",)
RECORDS = ("record_not_written", "record_unsigned", "record_deemed_agreed")


@pytest.mark.parametrize(
    "why, facts, as_of, expected",
    [
        (
            "rebooked within 5 working days of the cancellation: the 5th day is still in time (central_beds)",
            [cancelled(D(2026, 11, 16))],
            D(2026, 11, 23),
            [],
        ),
        (
            "not held by the 5th working day: overdue the day after",
            [cancelled(D(2026, 11, 16))],
            D(2026, 11, 24),
            [("rebook_overdue", D(2026, 11, 23), 1, "chase")],
        ),
        (
            "a 1:1 held after the cancellation settles it",
            [cancelled(D(2026, 11, 16)), held(D(2026, 11, 20))],
            D(2026, 11, 30),
            [],
        ),
        (
            "a 1:1 held before the cancellation does not",
            [held(D(2026, 11, 2)), cancelled(D(2026, 11, 16))],
            D(2026, 11, 24),
            [("rebook_overdue", D(2026, 11, 23), 1, "chase")],
        ),
        (
            "over Christmas: cancelled Wed 23 Dec, 5 working days is Mon 4 Jan",
            [cancelled(D(2026, 12, 23))],
            D(2027, 1, 4),
            [],
        ),
        (
            "over Christmas: late on Tue 5 Jan",
            [cancelled(D(2026, 12, 23))],
            D(2027, 1, 5),
            [("rebook_overdue", D(2027, 1, 4), 1, "chase")],
        ),
        (
            "cancelled for sickness: 5 working days from the return to work (havering §5, central_beds)",
            [
                cancelled(D(2026, 11, 16), "sickness"),
                absence("S", "sickness", D(2026, 11, 16), D(2026, 11, 20)),
            ],
            D(2026, 11, 30),
            [],
        ),
        (
            "cancelled for sickness: back Mon 23 Nov, so due Mon 30 Nov, late Tue 1 Dec",
            [
                cancelled(D(2026, 11, 16), "sickness"),
                absence("S", "sickness", D(2026, 11, 16), D(2026, 11, 20)),
            ],
            D(2026, 12, 1),
            [("rebook_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "the supervisor's sickness counts the same way",
            [
                cancelled(D(2026, 11, 16), "sickness"),
                absence("M", "sickness", D(2026, 11, 13), D(2026, 11, 20)),
            ],
            D(2026, 12, 1),
            [("rebook_overdue", D(2026, 11, 30), 1, "chase")],
        ),
        (
            "while the sickness goes on, no deadline runs",
            [cancelled(D(2026, 11, 2), "sickness"), absence("S", "sickness", D(2026, 11, 2))],
            D(2026, 11, 30),
            [],
        ),
        (
            "cancelled for sickness with no absence recorded: from the cancellation",
            [cancelled(D(2026, 11, 16), "sickness")],
            D(2026, 11, 24),
            [("rebook_overdue", D(2026, 11, 23), 1, "chase")],
        ),
    ],
)
def test_rebooking_a_cancelled_session(why, facts, as_of, expected):
    got = [row(f) for f in findings(council(staff(), *facts), as_of, kinds=REBOOK)]
    assert got == expected, why


def test_rebooking_is_the_supervisors_to_do():
    [finding] = findings(council(staff(), cancelled(D(2026, 11, 16))), D(2026, 11, 24), kinds=REBOOK)
    assert (finding.session_id, notified(finding)) == ("X9", [("M", "supervisor")])


UNWRITTEN = {"record_written_on": None, "record_circulated_on": None, "supervisee_signed_on": None}
UNSIGNED = {"supervisee_signed_on": None}


@pytest.mark.parametrize(
    "why, session, as_of, expected",
    [
        (
            "record written within 2 working days: Thu 24 Dec -> Wed 30 Dec over Christmas (nelincs, havering §9)",
            held(D(2026, 12, 24), **UNWRITTEN),
            D(2026, 12, 30),
            [],
        ),
        (
            "not written by then: late on Thu 31 Dec",
            held(D(2026, 12, 24), **UNWRITTEN),
            D(2026, 12, 31),
            [("record_not_written", D(2026, 12, 30), 1, "chase")],
        ),
        (
            "unsigned 5 working days after circulation: the contract's own example",
            held(
                D(2026, 11, 12),
                record_written_on=D(2026, 11, 16),
                record_circulated_on=D(2026, 11, 16),
                **UNSIGNED,
            ),
            D(2026, 11, 24),
            [("record_unsigned", D(2026, 11, 23), 1, "chase")],
        ),
        (
            "on the 5th working day the supervisee still has time (stoke §13, central_beds)",
            held(
                D(2026, 11, 12),
                record_written_on=D(2026, 11, 16),
                record_circulated_on=D(2026, 11, 16),
                **UNSIGNED,
            ),
            D(2026, 11, 23),
            [],
        ),
        (
            "without a circulation date the record counts as shared when written",
            held(D(2026, 11, 12), record_written_on=D(2026, 11, 16), record_circulated_on=None, **UNSIGNED),
            D(2026, 11, 24),
            [("record_unsigned", D(2026, 11, 23), 1, "chase")],
        ),
        (
            "a disputed record is not chased for a signature",
            held(D(2026, 11, 12), record_disputed=True, **UNSIGNED),
            D(2026, 11, 30),
            [],
        ),
        ("a signed record needs nothing", held(D(2026, 11, 12)), D(2026, 11, 30), []),
        (
            "group supervision records are not chased as 1:1 records",
            held(D(2026, 11, 12), kind="group", **UNWRITTEN),
            D(2026, 11, 30),
            [],
        ),
        (
            "escalated after 5 working days of chasing",
            held(D(2026, 11, 2), **UNSIGNED),
            D(2026, 11, 17),
            [("record_unsigned", D(2026, 11, 9), 6, "escalate")],
        ),
    ],
)
def test_writing_and_signing_the_record(why, session, as_of, expected):
    got = [row(f) for f in findings(council(staff(), session), as_of, kinds=RECORDS)]
    assert got == expected, why


@pytest.mark.parametrize(
    "session, as_of, recipients",
    [
        (held(D(2026, 12, 24), **UNWRITTEN), D(2026, 12, 31), [("M", "supervisor")]),
        (held(D(2026, 11, 16), **UNSIGNED), D(2026, 11, 24), [("S", "supervisee")]),
        (held(D(2026, 11, 2), **UNSIGNED), D(2026, 11, 17), [("S", "supervisee"), ("M", "line_manager")]),
    ],
)
def test_the_supervisor_writes_the_supervisee_signs_and_escalation_goes_up_the_line(
    session, as_of, recipients
):
    [finding] = findings(council(staff(), session), as_of, kinds=RECORDS)
    assert notified(finding) == recipients


def test_a_circulated_record_counts_as_written_even_without_a_written_date():
    session = held(D(2026, 11, 16), record_written_on=None, record_circulated_on=D(2026, 11, 16), **UNSIGNED)
    got = [row(f) for f in findings(council(staff(), session), D(2026, 11, 24), kinds=RECORDS)]
    assert got == [("record_unsigned", D(2026, 11, 23), 1, "chase")]


def test_a_record_left_unwritten_by_a_supervisor_who_has_gone_goes_to_the_present_one():
    gone = staff("G", "team_manager", "H", end_date=D(2026, 11, 18))
    session = held(D(2026, 11, 16), supervisor_id="G", **UNWRITTEN)
    [finding] = findings(council(staff(), session, gone), D(2026, 11, 20), kinds=RECORDS)
    assert notified(finding) == [("M", "supervisor")]
