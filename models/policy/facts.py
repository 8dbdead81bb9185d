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
from functools import cached_property
from typing import Annotated, Any, NamedTuple, TypeVar, get_type_hints

from models.policy.values import (
    BOOL,
    COUNT,
    DATE,
    FREQUENCY,
    FTE,
    ID,
    MAILBOX,
    STAFF_ID,
    TEAMS_TAG,
    Value,
    id_of,
    one_of,
    text,
)

T = TypeVar("T")


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    ASYE = "asye"
    STUDENT = "student"
    TEAM_MANAGER = "team_manager"
    HEAD_OF_SERVICE = "head_of_service"
    SERVICE_MANAGER = "service_manager"
    ASSISTANT_DIRECTOR = "assistant_director"
    DIRECTOR = "director"
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


class AuditOutcome(StrEnum):
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"


class ObservationKind(StrEnum):
    PRACTICE = "practice"  # a supervisor observes the supervisee's practice
    SUPERVISION = "supervision"  # a manager observes a supervisor holding supervision


CATEGORY = one_of(CaseCategory, width=40)


class StaffMember(NamedTuple):
    """Everyone the policy covers, leavers included (their records count until the retention
    period ends): one row per person, upserted by `staff_id`."""

    staff_id: Annotated[str, ID]
    name: Annotated[str, text(200)]
    email: Annotated[str, MAILBOX]
    role: Annotated[Role, one_of(Role, width=40)]
    team: Annotated[str, text(200), "the team the person sits in, as the report names it"]
    start_date: Annotated[date, DATE]
    teams: Annotated[
        str | None, TEAMS_TAG, "sends this person's digest to that Teams channel, not by email"
    ] = None
    line_manager_id: Annotated[str | None, STAFF_ID, "their line manager; blank for the top of the tree"] = (
        None
    )
    end_date: Annotated[date | None, DATE, "their last day in post; blank while in post"] = None
    fte: Annotated[
        float, FTE, "full-time equivalent (default 1): part-time intervals where the policy scales them"
    ] = 1.0
    asye_start: Annotated[
        date | None, DATE, "the start of their assessed and supported year in employment"
    ] = None
    probation_end: Annotated[
        date | None, DATE, "the end of their probation, while it steps supervision up"
    ] = None
    case_holding: Annotated[
        bool | None, BOOL, "whether they hold cases (blank: as their role usually does)"
    ] = None

    def is_active(self, as_of: date) -> bool:
        """In post on `as_of`: started, and not left before it."""
        return self.start_date <= as_of and (self.end_date is None or self.end_date >= as_of)


class Agreement(NamedTuple):
    """A supervision agreement: who supervises whom, and how often when it is stricter than the
    policy. The latest agreement names the supervisor, before the line manager."""

    staff_id: Annotated[str, STAFF_ID]
    supervisor_id: Annotated[str, STAFF_ID]
    signed_on: Annotated[date | None, DATE] = None
    frequency: Annotated[
        str | None, FREQUENCY, "how often 1:1s are agreed, when more often than the policy asks"
    ] = None
    review_due: Annotated[date | None, DATE, "when the agreement is next reviewed"] = None


class SupervisionSession(NamedTuple):
    """A supervision session, booked, held or cancelled, and its record: when written, shared
    with the supervisee and signed. Never its content."""

    session_id: Annotated[str, ID]
    supervisee_id: Annotated[str, STAFF_ID]
    supervisor_id: Annotated[str, STAFF_ID]
    kind: Annotated[SessionKind, one_of(SessionKind)]
    status: Annotated[SessionStatus, one_of(SessionStatus)]
    scheduled_for: Annotated[date | None, DATE] = None
    held_on: Annotated[date | None, DATE] = None
    cancelled_on: Annotated[date | None, DATE] = None
    cancel_reason: Annotated[CancelReason | None, one_of(CancelReason)] = None
    record_written_on: Annotated[date | None, DATE] = None
    record_circulated_on: Annotated[
        date | None, DATE, "when the record was shared with the supervisee for signature"
    ] = None
    supervisee_signed_on: Annotated[date | None, DATE] = None
    supervisor_signed_on: Annotated[date | None, DATE] = None
    record_disputed: Annotated[
        bool, BOOL, "the supervisee disputes the record (an exception, not counted late)"
    ] = False

    @property
    def is_one_to_one(self) -> bool:
        """Group supervision supplements but never replaces a 1:1 (all five policies)."""
        return self.kind is not SessionKind.GROUP


class Absence(NamedTuple):
    """A period away. Its kind decides only when cover is due; no message or report ever says it."""

    absence_id: Annotated[str, ID]
    staff_id: Annotated[str, STAFF_ID]
    kind: Annotated[AbsenceKind, one_of(AbsenceKind)]
    start_date: Annotated[date, DATE]
    end_date: Annotated[date | None, DATE, "the last day away; blank while away"] = None
    expected_return: Annotated[date | None, DATE] = None

    def covers(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Case(NamedTuple):
    """A child's case by its reference. `worker_id` is blank while the case waits for a worker;
    `team` then says which team holds it (contract, "When people and posts change")."""

    case_id: Annotated[str, ID]
    category: Annotated[CaseCategory, CATEGORY]
    allocated_on: Annotated[date, DATE]
    worker_id: Annotated[str | None, STAFF_ID] = None
    closed_on: Annotated[date | None, DATE, "blank while open"] = None
    team: Annotated[
        str | None, text(200), "the team holding the case; required when `worker_id` is blank"
    ] = None

    def is_open(self, as_of: date) -> bool:
        return self.allocated_on <= as_of and (self.closed_on is None or self.closed_on > as_of)


class Discussion(NamedTuple):
    """A case discussed in supervision (by its reference): what the case discussion rule counts."""

    case_id: Annotated[str, id_of("cases")]
    discussed_on: Annotated[date, DATE]
    session_id: Annotated[str | None, id_of("sessions")] = None


class Closure(NamedTuple):
    """A day the council is closed beyond England's bank holidays: not a working day."""

    date: Annotated[date, DATE]
    reason: Annotated[str, text(200)]


class Observation(NamedTuple):
    """`staff_id` was observed by `observer_id`: at work with families (`practice`), or holding
    supervision with one of their supervisees (`supervision`)."""

    observation_id: Annotated[str, ID]
    staff_id: Annotated[str, STAFF_ID]
    observer_id: Annotated[str, STAFF_ID]
    kind: Annotated[ObservationKind, one_of(ObservationKind)]
    observed_on: Annotated[date, DATE]


class Appraisal(NamedTuple):
    """A performance and development review of `staff_id`."""

    appraisal_id: Annotated[str, ID]
    staff_id: Annotated[str, STAFF_ID]
    appraiser_id: Annotated[str, STAFF_ID]
    held_on: Annotated[date, DATE]


class Audit(NamedTuple):
    """`auditor_id` audited the supervision file of `subject_id`, with its grade and the number
    of actions it agreed where the council records them: what the evidence pack shows of quality."""

    audit_id: Annotated[str, ID]
    auditor_id: Annotated[str, STAFF_ID]
    subject_id: Annotated[str, STAFF_ID, "whose supervision file was audited"]
    audited_on: Annotated[date, DATE]
    outcome: Annotated[AuditOutcome | None, one_of(AuditOutcome, width=30), "the audit's grade"] = None
    actions: Annotated[int | None, COUNT, "how many actions the audit agreed"] = None


class Cover(NamedTuple):
    """`cover_staff_id` acts for `staff_id` from `from` to `to` (open while blank), as a case
    management system's "act for" setting records it. Both are SQL keywords, so the fields (and
    stored columns) end in an underscore; the file's header does not."""

    cover_id: Annotated[str, ID]
    staff_id: Annotated[str, STAFF_ID]
    cover_staff_id: Annotated[str, STAFF_ID]
    from_: Annotated[date, DATE]
    to_: Annotated[date | None, DATE] = None

    def in_force(self, day: date) -> bool:
        return self.from_ <= day and (self.to_ is None or day <= self.to_)


@dataclass(frozen=True)
class Column:
    """One column of an input, read off its fact's field: optional when the field has a default.
    `name` is the field's (and the stored column's); `header` is the file's, the same but for a
    Python keyword, which a field spells with a trailing underscore (`from_` for `from`)."""

    name: str
    value: Value
    optional: bool
    default: Any
    note: str = ""  # what the column means, when its name does not say it all

    @property
    def header(self) -> str:
        return self.name.removesuffix("_")


@dataclass(frozen=True)
class Input:
    """One of the contract's input files, declared once: its fact (whose annotated fields are
    the columns), its upsert key, the columns worth an index, and the column naming the member
    of staff whose record a row is (`owner`: what the retention rule destroys with a leaver).
    The CSV reader, the stored table, the loader and the retention rule all derive from it."""

    name: str
    fact: type
    key: tuple[str, ...]
    owner: str | None = None
    indexed: tuple[str, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        hints = get_type_hints(self.fact, include_extras=True)
        defaults: dict[str, Any] = self.fact._field_defaults  # type: ignore[attr-defined]
        return tuple(
            Column(name, meta[0], name in defaults, defaults.get(name), meta[1] if len(meta) > 1 else "")
            for name in self.fact._fields  # type: ignore[attr-defined]
            for meta in [hints[name].__metadata__]
        )


# The contract's files in dependency order: a file's references point to files before it.
INPUTS: tuple[Input, ...] = (
    Input("closures", Closure, ("date",)),
    Input("staff", StaffMember, ("staff_id",), owner="staff_id"),
    Input("agreements", Agreement, ("staff_id", "supervisor_id"), owner="staff_id"),
    Input("absences", Absence, ("absence_id",), owner="staff_id"),
    Input("sessions", SupervisionSession, ("session_id",), owner="supervisee_id", indexed=("supervisee_id",)),
    Input("cases", Case, ("case_id",)),
    Input("discussions", Discussion, ("case_id", "discussed_on")),
    Input("observations", Observation, ("observation_id",), owner="staff_id"),
    Input("appraisals", Appraisal, ("appraisal_id",), owner="staff_id"),
    Input("audits", Audit, ("audit_id",), owner="subject_id"),
    Input("cover", Cover, ("cover_id",), owner="staff_id"),
)
# The inputs others refer to by their single key (a session's staff, a discussion's case).
REFERRED_TO = frozenset(column.value.refers_to for table in INPUTS for column in table.columns) - {None}


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
    observations: list[Observation] = field(default_factory=list)
    appraisals: list[Appraisal] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)
    cover: list[Cover] = field(default_factory=list)
    staff_by_id: dict[str, StaffMember] = field(init=False, repr=False)
    sessions_by_supervisee: dict[str, list[SupervisionSession]] = field(init=False, repr=False)
    absences_by_staff: dict[str, list[Absence]] = field(init=False, repr=False)
    discussions_by_case: dict[str, list[Discussion]] = field(init=False, repr=False)
    agreements_by_staff: dict[str, list[Agreement]] = field(init=False, repr=False)
    reports_by_manager: dict[str, list[StaffMember]] = field(init=False, repr=False)
    observations_by_staff: dict[str, list[Observation]] = field(init=False, repr=False)
    appraisals_by_staff: dict[str, list[Appraisal]] = field(init=False, repr=False)
    audits_by_auditor: dict[str, list[Audit]] = field(init=False, repr=False)
    cover_by_staff: dict[str, list[Cover]] = field(init=False, repr=False)

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
        self.observations_by_staff = _group(self.observations, lambda o: o.staff_id)
        self.appraisals_by_staff = _group(self.appraisals, lambda a: a.staff_id)
        self.audits_by_auditor = _group(self.audits, lambda a: a.auditor_id)
        self.cover_by_staff = _group(self.cover, lambda c: c.staff_id)

    @cached_property
    def latest_agreement_with(self) -> dict[tuple[str, str], Agreement]:
        """Each supervisee's latest agreement with each supervisor, by (supervisee, supervisor):
        the agreement in force between them, asked of everyone at the report's thirteen days.
        Of two signed the same day, the first in the export."""
        pairs: dict[tuple[str, str], list[Agreement]] = defaultdict(list)
        for agreement in self.agreements:
            pairs[(agreement.staff_id, agreement.supervisor_id)].append(agreement)
        return {pair: max(agreements, key=_signed) for pair, agreements in pairs.items()}

    @cached_property
    def latest_agreement(self) -> dict[str, Agreement]:
        """Each supervisee's latest agreement by its signing date: whom the records name as
        supervisor, asked of everyone at each of the report's thirteen days."""
        return {
            staff_id: max(agreements, key=_signed)
            for staff_id, agreements in self.agreements_by_staff.items()
        }

    @cached_property
    def one_to_ones_held(self) -> dict[str, tuple[list[date], list[SupervisionSession]]]:
        """Each supervisee's held 1:1s, oldest first, with their dates beside them: the rules ask
        for those held by a day, and the report asks it at thirteen days for everyone, so a
        day's are a prefix found by bisection rather than a scan of every session."""
        held: dict[str, tuple[list[date], list[SupervisionSession]]] = {}
        for staff_id, sessions in self.sessions_by_supervisee.items():
            ordered = sorted(
                (
                    s
                    for s in sessions
                    if s.status is SessionStatus.HELD and s.is_one_to_one and s.held_on is not None
                ),
                key=lambda s: s.held_on,  # type: ignore[arg-type,return-value]
            )
            held[staff_id] = ([s.held_on for s in ordered], ordered)  # type: ignore[misc]
        return held


def _signed(agreement: Agreement) -> date:
    """An agreement's signing date, for the latest of several (one not signed is the oldest)."""
    return agreement.signed_on or date.min


def _group(items: Iterable[T], key: Callable[[T], str | None]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in items:
        grouped[key(item) or ""].append(item)
    return dict(grouped)
