"""Working days: Monday to Friday, less England's bank holidays and a council's closure days.

One class owns every "N working days after" question so that the boundary rules are written
once: the start day is never counted, and counts run over half-open intervals `(after, upto]`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays

ONE_DAY = timedelta(days=1)


@cache
def _england_bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays for one year, substitute days included (Boxing Day 2026 is 28 Dec)."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


class WorkingCalendar:
    """Answers working-day questions for one council (its closure days added to England's)."""

    def __init__(self, closures: Iterable[date] = ()) -> None:
        self._closures = frozenset(closures)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._closures and day not in _england_bank_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day` (where a chase falls due after a deadline)."""
        return self.add_working_days(day, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The Nth working day after `start`; `start` itself is not counted, even if it is one.

        "Within 5 working days of Monday 16 Nov 2026" is Monday 23 Nov 2026; `n=0` gives `start`.
        """
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        day = start
        remaining = n
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, after: date, upto: date) -> int:
        """How many working days lie in `(after, upto]`: 0 when `upto` is not after `after`.

        This is "working days overdue" when `after` is the due date and `upto` is as-of. It counts
        weekdays by arithmetic and subtracts the closed weekdays, so a long gap costs no more
        than a short one.
        """
        if upto <= after:
            return 0
        closed = set(self._closures)
        for year in range(after.year, upto.year + 1):
            closed |= _england_bank_holidays(year)
        closed_weekdays = sum(1 for day in closed if after < day <= upto and day.weekday() < 5)
        return _weekdays_through(upto) - _weekdays_through(after) - closed_weekdays


def _weekdays_through(day: date) -> int:
    """Weekdays from 1 Jan of year 1 (a Monday) up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)
