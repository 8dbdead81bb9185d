"""A share of a population that meets a rule, and its red/amber/green rating."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models.policy.policy import Compliance


@dataclass(frozen=True)
class Share:
    """`met` out of `of`: kept as counts so that a table can show both and a reader can check."""

    met: int
    of: int

    @classmethod
    def of_flags(cls, flags: Iterable[bool]) -> Share:
        met = of = 0
        for flag in flags:
            of += 1
            met += flag
        return cls(met, of)

    @classmethod
    def total(cls, shares: Iterable[Share]) -> Share:
        """The shares of several groups as one."""
        met = of = 0
        for share in shares:
            met, of = met + share.met, of + share.of
        return cls(met, of)

    @property
    def percent(self) -> float | None:
        """None for an empty population: no figure, rather than a misleading 0% or 100%."""
        return 100 * self.met / self.of if self.of else None

    def label(self) -> str:
        """`92% (46 of 50)`, or `no one to count`."""
        percent = self.percent
        return "no one to count" if percent is None else f"{percent:.0f}% ({self.met} of {self.of})"

    def rating(self, bands: Compliance) -> str:
        """`green`, `amber` or `red` by the policy's bands; `none` when there is no one to count."""
        percent = self.percent
        return "none" if percent is None else bands.rating(percent)
