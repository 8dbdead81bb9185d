"""The plain facts the rules read: one immutable record per contract row, and the snapshot.

These mirror the contract's CSV columns so that a snapshot can come from the database, from
CSV files, or from a test table without translation. They are `NamedTuple`s: immutable like
frozen dataclasses, and built straight from a database row, which is most of the cost of
loading a large council.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import NamedTuple, TypeVar

T = TypeVar("T")


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    ASYE = "asye"
    STUDENT = "student"
    TEAM_MANAGER = "team_manager"
    HEAD_OF_SERVICE = "head_of_service"
    SERVICE_MANAGER = "service_manager"
    ASSISTANT_DIRECTOR = "assistant_director"
    FAMILY_SUPPORT_WORKER = "family_support_worker"
    RESIDENTIAL_WORKER = "residential_worker"
    YOUTH_WORKER = "youth_worker"
    EARLY_HELP_WORKER = "early_help_worker"
    FAMILY_HELP_WORKER = "family_help_worker"
    YOUTH_JUSTICE_WORKER = "youth_justice_worker"
    INDEPENDENT_REVIEWING_OFFICER = "independent_reviewing_officer"
    SUPPORT_STAFF = "support_staff"


class CaseCategory(StrEnum):
    CP = "cp"
    CIN = "cin"
    CIC = "cic"
    CIC_PLACED_WITH_PARENTS = "cic_placed_with_parents"
    CIC_LONG_TERM_MATCHED = "cic_long_term_matched"
    CIC_STABILITY_CONCERN = "cic_stability_concern"
    CARE_PROCEEDINGS = "care_proceedings"
    PLO = "plo"
    CARE_LEAVER = "care_leaver"
    CARE_LEAVER_HIGH_NEED = "care_leaver_high_need"
    ASSESSMENT = "assessment"
    EARLY_HELP = "early_help"
    FAMILY_HELP = "family_help"
    YOUTH_JUSTICE = "youth_justice"
    FOSTERING = "fostering"
    ADOPTION = "adoption"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The category as a manager says it."""
        return _CATEGORY_LABELS.get(self, self.value.replace("_", " "))


_CATEGORY_LABELS = {
    CaseCategory.CP: "child protection",
    CaseCategory.CIN: "child in need",
    CaseCategory.CIC: "child in care",
    CaseCategory.CIC_PLACED_WITH_PARENTS: "child in care placed with parents",
    CaseCategory.CIC_LONG_TERM_MATCHED: "child in care, long-term matched",
    CaseCategory.CIC_STABILITY_CONCERN: "child in care, placement stability concern",
    CaseCategory.PLO: "public law outline (PLO)",
}


class SessionKind(StrEnum):
    PERSONAL = "personal"
    CASE = "case"
    GROUP = "group"


class SessionStatus(StrEnum):
    BOOKED = "booked"
    HELD = "held"
    CANCELLED = "cancelled"


class CancelReason(StrEnum):
    SICKNESS = "sickness"
    LEAVE = "leave"
    OTHER = "other"


class AbsenceKind(StrEnum):
    SICKNESS = "sickness"
    UNPLANNED = "unplanned"
    ANNUAL_LEAVE = "annual_leave"
    PLANNED = "planned"


class StaffMember(NamedTuple):
    staff_id: str
    name: str
    email: str
    role: Role
    team: str
    start_date: date
    teams: str | None = None
    line_manager_id: str | None = None
    end_date: date | None = None
    fte: float = 1.0
    asye_start: date | None = None
    probation_end: date | None = None
    case_holding: bool | None = None

    def is_active(self, as_of: date) -> bool:
        """In post on `as_of`: started, and not left before it."""
        return self.start_date <= as_of and (self.end_date is None or self.end_date >= as_of)


class Agreement(NamedTuple):
    staff_id: str
    supervisor_id: str
    signed_on: date | None = None
    frequency: str | None = None
    review_due: date | None = None


class SupervisionSession(NamedTuple):
    session_id: str
    supervisee_id: str
    supervisor_id: str
    kind: SessionKind
    status: SessionStatus
    scheduled_for: date | None = None
    held_on: date | None = None
    cancelled_on: date | None = None
    cancel_reason: CancelReason | None = None
    record_written_on: date | None = None
    record_circulated_on: date | None = None
    supervisee_signed_on: date | None = None
    supervisor_signed_on: date | None = None
    record_disputed: bool = False

    @property
    def is_one_to_one(self) -> bool:
        """Group supervision supplements but never replaces a 1:1 (all five policies)."""
        return self.kind is not SessionKind.GROUP


class Absence(NamedTuple):
    absence_id: str
    staff_id: str
    kind: AbsenceKind
    start_date: date
    end_date: date | None = None
    expected_return: date | None = None

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Case(NamedTuple):
    case_id: str
    category: CaseCategory
    worker_id: str
    allocated_on: date
    closed_on: date | None = None

    def is_open(self, as_of: date) -> bool:
        return self.allocated_on <= as_of and (self.closed_on is None or self.closed_on > as_of)


class Discussion(NamedTuple):
    case_id: str
    discussed_on: date
    session_id: str | None = None


class Closure(NamedTuple):
    date: date
    reason: str


@dataclass
class Snapshot:
    """Everything one council holds, as plain values, with the lookups the rules need."""

    staff: list[StaffMember] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    sessions: list[SupervisionSession] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    discussions: list[Discussion] = field(default_factory=list)
    closures: list[Closure] = field(default_factory=list)
    staff_by_id: dict[str, StaffMember] = field(init=False, repr=False)
    sessions_by_supervisee: dict[str, list[SupervisionSession]] = field(init=False, repr=False)
    absences_by_staff: dict[str, list[Absence]] = field(init=False, repr=False)
    discussions_by_case: dict[str, list[Discussion]] = field(init=False, repr=False)
    agreements_by_staff: dict[str, list[Agreement]] = field(init=False, repr=False)
    reports_by_manager: dict[str, list[StaffMember]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.staff_by_id = {member.staff_id: member for member in self.staff}
        self.sessions_by_supervisee = _group(self.sessions, lambda s: s.supervisee_id)
        self.absences_by_staff = _group(self.absences, lambda a: a.staff_id)
        self.discussions_by_case = _group(self.discussions, lambda d: d.case_id)
        self.agreements_by_staff = _group(self.agreements, lambda a: a.staff_id)
        self.reports_by_manager = _group(
            (member for member in self.staff if member.line_manager_id),
            lambda m: m.line_manager_id,
        )


def _group(items: Iterable[T], key: Callable[[T], str | None]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in items:
        grouped[key(item) or ""].append(item)
    return dict(grouped)
