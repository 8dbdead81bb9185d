"""Supervision and discussion intervals, as the contract spells them.

Months are calendar months by `relativedelta`, so 31 Jan + 1 month is 28 Feb (29 in a leap
year), never 3 March; `rrule` is not used because a monthly `rrule` from the 31st skips February.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

_NAMED = {
    "weekly": (7, 0),
    "fortnightly": (14, 0),
    "monthly": (0, 1),
    "quarterly": (0, 3),
    "yearly": (0, 12),
}
_COUNTED = re.compile(r"^(?P<n>[1-9][0-9]?)-(?P<unit>weekly|monthly)$")
_SPAN = re.compile(r"^(?P<n>[0-9]{1,3}) ?(?P<unit>day|week|month|year)s?$")
_SPAN_UNITS = {"day": (1, 0), "week": (7, 0), "month": (0, 1), "year": (0, 12)}


@dataclass(frozen=True, order=True)
class Interval:
    """A whole number of days or of calendar months (never both)."""

    days: int = 0
    months: int = 0

    @classmethod
    def parse(cls, text: str) -> Interval:
        """Read a frequency (`weekly`, `fortnightly`, `monthly`, `quarterly`, `yearly`, `N-weekly`,
        `N-monthly`) or, in policy files, a span (`14 days`, `6 weeks`, `1 month`, `1 year`)."""
        spelled = text.strip().lower()
        if spelled in _NAMED:
            days, months = _NAMED[spelled]
            return cls(days=days, months=months)
        if match := _COUNTED.match(spelled):
            n = int(match["n"])
            return cls(days=7 * n) if match["unit"] == "weekly" else cls(months=n)
        if match := _SPAN.match(spelled):
            days, months = _SPAN_UNITS[match["unit"]]
            return cls(days=days * int(match["n"]), months=months * int(match["n"]))
        raise ValueError(
            f"{text!r} is not an interval: use weekly, fortnightly, monthly, quarterly, yearly, "
            "N-weekly, N-monthly, or a span such as '14 days', '6 weeks' or '1 month'"
        )

    def after(self, day: date) -> date:
        """The day one interval after `day` (31 Jan + 1 month = 28 Feb)."""
        if self.months:
            return _add_months(day, self.months)
        return day + timedelta(days=self.days)

    def as_span(self) -> str:
        """The interval written as a length of time: `14 days`, `6 weeks`, `1 month`."""
        if self.months:
            return f"{self.months} month{'s' if self.months != 1 else ''}"
        if self.days % 7 == 0 and self.days:
            weeks = self.days // 7
            return f"{weeks} week{'s' if weeks != 1 else ''}"
        return f"{self.days} day{'s' if self.days != 1 else ''}"

    def __str__(self) -> str:
        for name, spec in _NAMED.items():
            if spec == (self.days, self.months):
                return name
        return f"{self.days // 7}-weekly" if self.days else f"{self.months}-monthly"


@lru_cache(maxsize=1 << 16)
def _add_months(day: date, months: int) -> date:
    """Cached: a large council asks the same few thousand dates over and over."""
    return day + relativedelta(months=months)


def end_of_next_calendar_month(day: date) -> date:
    """ "Once a calendar month": the last day of the month after the month of `day`."""
    first_of_month_after_next = day.replace(day=1) + relativedelta(months=2)
    return first_of_month_after_next - timedelta(days=1)
