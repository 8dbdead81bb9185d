"""Working days: Monday to Friday, less England's bank holidays and a council's closure days.

One class owns every "N working days after" question so that the boundary rules are written
once: the start day is never counted, and counts run over half-open intervals `(after, upto]`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
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
        self._years: dict[int, _WorkingYear] = {}

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
        if n == 0:
            return start
        year = self._year(start.year)
        wanted = year.through(start) + n  # the wanted day's place among its year's working days
        while wanted > len(year.days):
            wanted -= len(year.days)
            year = self._year(year.number + 1)
        return year.days[wanted - 1]

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

    def _year(self, number: int) -> _WorkingYear:
        """The year's working days, worked out once: the rules ask "N working days after" some
        hundred thousand times a night, and walking day by day was most of their time."""
        found = self._years.get(number)
        if found is None:
            found = self._years[number] = _WorkingYear.of(number, self.is_working_day)
        return found


@dataclass(frozen=True)
class _WorkingYear:
    """One year's working days in order, and how many of them fall on or before each day."""

    number: int
    first: int  # 1 January's ordinal
    days: list[date]
    on_or_before: list[int]  # by the day's place in the year, 1 January at 0

    @classmethod
    def of(cls, number: int, is_working_day: Callable[[date], bool]) -> _WorkingYear:
        first, last = date(number, 1, 1).toordinal(), date(number, 12, 31).toordinal()
        days: list[date] = []
        on_or_before = []
        for ordinal in range(first, last + 1):
            day = date.fromordinal(ordinal)
            if is_working_day(day):
                days.append(day)
            on_or_before.append(len(days))
        return cls(number, first, days, on_or_before)

    def through(self, day: date) -> int:
        """How many of the year's working days fall on or before `day` (a day of this year)."""
        return self.on_or_before[day.toordinal() - self.first]


def _weekdays_through(day: date) -> int:
    """Weekdays from 1 Jan of year 1 (a Monday) up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)
