"""Small builders for the facts the rules read, with defaults that keep test tables short.

The council in every rule test: H (head of service) manages M (team manager), who manages the
member of staff under test, S.
"""

from __future__ import annotations

from datetime import date

from models.policy.facts import (
    INPUTS,
    Absence,
    AbsenceKind,
    Agreement,
    Appraisal,
    Audit,
    CancelReason,
    Case,
    CaseCategory,
    Closure,
    Cover,
    Discussion,
    Observation,
    ObservationKind,
    Role,
    SessionKind,
    SessionStatus,
    Snapshot,
    StaffMember,
    SupervisionSession,
)

LONG_AGO = date(2020, 1, 6)


def staff(
    staff_id: str = "S", role: str = "social_worker", manager: str | None = "M", **extra: object
) -> StaffMember:
    values: dict = {
        "staff_id": staff_id,
        "name": f"Worker {staff_id}",
        "email": f"{staff_id.lower()}@council.example",
        "role": Role(role),
        "team": "Team 1",
        "line_manager_id": manager,
        "start_date": LONG_AGO,
    }
    values.update(extra)
    return StaffMember(**values)


MANAGERS = (staff("H", "head_of_service", None), staff("M", "team_manager", "H"))


def held(on: date, session_id: str = "X1", kind: str = "personal", **extra: object) -> SupervisionSession:
    """A held session whose record was written, circulated and signed the same day, unless told."""
    values: dict = {
        "session_id": session_id,
        "supervisee_id": "S",
        "supervisor_id": "M",
        "kind": SessionKind(kind),
        "status": SessionStatus.HELD,
        "scheduled_for": on,
        "held_on": on,
        "record_written_on": on,
        "record_circulated_on": on,
        "supervisee_signed_on": on,
        "supervisor_signed_on": on,
    }
    values.update(extra)
    return SupervisionSession(**values)


def cancelled(on: date, reason: str = "other", session_id: str = "X9") -> SupervisionSession:
    return SupervisionSession(
        session_id=session_id,
        supervisee_id="S",
        supervisor_id="M",
        kind=SessionKind.PERSONAL,
        status=SessionStatus.CANCELLED,
        scheduled_for=on,
        cancelled_on=on,
        cancel_reason=CancelReason(reason),
    )


def absence(
    staff_id: str, kind: str, start: date, end: date | None = None, absence_id: str = "A1"
) -> Absence:
    return Absence(
        absence_id=absence_id, staff_id=staff_id, kind=AbsenceKind(kind), start_date=start, end_date=end
    )


def case(category: str, allocated_on: date, case_id: str = "C-1", **extra: object) -> Case:
    values: dict = {"worker_id": "S", **extra}
    return Case(case_id=case_id, category=CaseCategory(category), allocated_on=allocated_on, **values)


def covered(who: str, by: str, start: date, end: date | None = None, cover_id: str = "V1") -> Cover:
    """`by` acts for `who` from `start` to `end` (open when None)."""
    return Cover(cover_id, who, by, start, end)


def discussed(on: date, case_id: str = "C-1") -> Discussion:
    return Discussion(case_id=case_id, discussed_on=on)


def agreement(signed_on: date | None, supervisor: str = "M", **extra: object) -> Agreement:
    return Agreement(staff_id="S", supervisor_id=supervisor, signed_on=signed_on, **extra)  # type: ignore[arg-type]


def closure(on: date) -> Closure:
    return Closure(date=on, reason="closure")


def observed(
    on: date, kind: str = "practice", staff_id: str = "S", by: str = "M", obs_id: str = "O1"
) -> Observation:
    return Observation(obs_id, staff_id, by, ObservationKind(kind), on)


def appraised(on: date, staff_id: str = "S", by: str = "M", appraisal_id: str = "P1") -> Appraisal:
    return Appraisal(appraisal_id, staff_id, by, on)


def audited(on: date, auditor: str, subject: str = "S", audit_id: str = "U1") -> Audit:
    return Audit(audit_id, auditor, subject, on)


def council(
    member: StaffMember | None = None, *facts: object, managers: tuple[StaffMember, ...] = MANAGERS
) -> Snapshot:
    """A snapshot of H, M and the member under test, with the facts sorted into their inputs."""
    tables: dict[str, list[object]] = {table.name: [] for table in INPUTS}
    tables["staff"] = [*managers, *([member] if member else [])]
    input_of = {table.fact: table.name for table in INPUTS}
    for fact in facts:
        tables[input_of[type(fact)]].append(fact)
    return Snapshot(**tables)  # type: ignore[arg-type]
