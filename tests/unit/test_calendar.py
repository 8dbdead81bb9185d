"""Working days: Monday to Friday, less England's bank holidays and council closure days."""

from datetime import date

import pytest

from models.policy.calendar import WorkingCalendar

CLOSED_29_DEC = WorkingCalendar([date(2026, 12, 29)])
ENGLAND = WorkingCalendar()


@pytest.mark.parametrize(
    "calendar, start, n, expected",
    [
        # contract example: circulated Mon 16 Nov, 5 working days -> Mon 23 Nov
        (ENGLAND, date(2026, 11, 16), 5, date(2026, 11, 23)),
        # Christmas Fri 25 Dec and Boxing Day observed Mon 28 Dec are not working days
        (ENGLAND, date(2026, 12, 24), 1, date(2026, 12, 29)),
        # across Christmas and New Year's Day (Fri 1 Jan 2027)
        (ENGLAND, date(2026, 12, 23), 5, date(2027, 1, 4)),
        # a council closure day is skipped too
        (CLOSED_29_DEC, date(2026, 12, 24), 1, date(2026, 12, 30)),
        # summer bank holiday Mon 31 Aug 2026
        (ENGLAND, date(2026, 8, 28), 1, date(2026, 9, 1)),
        # Good Friday 26 Mar and Easter Monday 29 Mar 2027
        (ENGLAND, date(2027, 3, 25), 1, date(2027, 3, 30)),
        # the start day is never counted, even when it is a working day
        (ENGLAND, date(2026, 11, 20), 2, date(2026, 11, 24)),
        # nor when it falls at a weekend
        (ENGLAND, date(2026, 11, 21), 1, date(2026, 11, 23)),
        (ENGLAND, date(2026, 11, 21), 0, date(2026, 11, 21)),
        # from the year's last day, and more than a year of working days ahead
        (ENGLAND, date(2026, 12, 31), 1, date(2027, 1, 4)),
        (ENGLAND, date(2026, 12, 31), 253, date(2027, 12, 31)),
        (ENGLAND, date(2026, 12, 31), 254, date(2028, 1, 4)),
        # the calendar's last day is reached, not run past
        (ENGLAND, date(9999, 12, 30), 1, date(9999, 12, 31)),
    ],
)
def test_nth_working_day_after(calendar, start, n, expected):
    assert calendar.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "calendar, due, as_of, expected",
    [
        (ENGLAND, date(2026, 11, 23), date(2026, 11, 24), 1),  # contract example
        (ENGLAND, date(2026, 11, 23), date(2026, 11, 23), 0),  # on the due day: not late
        (ENGLAND, date(2026, 11, 20), date(2026, 11, 22), 0),  # a weekend adds nothing
        (ENGLAND, date(2026, 12, 24), date(2027, 1, 4), 4),  # 29, 30, 31 Dec and 4 Jan
        (CLOSED_29_DEC, date(2026, 12, 24), date(2027, 1, 4), 3),
        (ENGLAND, date(2026, 1, 1), date(2026, 12, 31), 253),  # 260 weekdays after Thu 1 Jan, 7 bank holidays
    ],
)
def test_working_days_between_counts_after_the_due_day_up_to_as_of(calendar, due, as_of, expected):
    assert calendar.working_days_between(due, as_of) == expected


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2026, 12, 28), False),  # Boxing Day substitute
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 5, 25), False),  # spring bank holiday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 23), True),
    ],
)
def test_is_working_day(day, working):
    assert ENGLAND.is_working_day(day) is working


def _walked(calendar: WorkingCalendar, start: date, n: int) -> date:
    """The Nth working day after `start` found as the contract says it: day by day."""
    day = start
    while n:
        day = date.fromordinal(day.toordinal() + 1)
        n -= calendar.is_working_day(day)
    return day


@pytest.mark.parametrize("calendar", [ENGLAND, CLOSED_29_DEC])
def test_nth_working_day_after_agrees_with_a_walk_day_by_day(calendar):
    """Every start day of 2025 to 2027 and every count up to 30 working days: the lookup by
    year gives what a walk gives."""
    first = date(2025, 1, 1).toordinal()
    for ordinal in range(first, first + 3 * 365):
        start = date.fromordinal(ordinal)
        for n in range(31):
            assert calendar.add_working_days(start, n) == _walked(calendar, start, n), (start, n)


@pytest.mark.parametrize("calendar", [ENGLAND, CLOSED_29_DEC])
def test_working_days_between_agrees_with_a_count_day_by_day(calendar):
    """Due days across 2025 to 2027 against as-of days up to two years on, and a gap of decades:
    the count by arithmetic and each year's closed weekdays gives what counting each day gives."""
    first = date(2025, 1, 1).toordinal()
    spans = [
        (first + due, first + due + gap) for due in range(0, 3 * 365, 5) for gap in (0, 1, 3, 40, 400, 800)
    ]
    for after, upto in [*spans, (date(1990, 6, 1).toordinal(), date(2026, 12, 29).toordinal())]:
        counted = sum(calendar.is_working_day(date.fromordinal(day)) for day in range(after + 1, upto + 1))
        assert calendar.working_days_between(date.fromordinal(after), date.fromordinal(upto)) == counted
