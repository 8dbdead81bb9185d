"""The store: applying an import in one transaction, and loading a council as plain facts.

Loading is set-based, one query per table, so its cost grows with the data, not with the
number of people or cases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from models.csvfiles import TABLES, Problem, Stored, read_import
from models.policy.facts import (
    Absence,
    AbsenceKind,
    Agreement,
    CancelReason,
    Case,
    CaseCategory,
    Closure,
    Discussion,
    Role,
    SessionKind,
    SessionStatus,
    Snapshot,
    StaffMember,
    SupervisionSession,
)
from models.policy.findings import Finding
from models.tables import (
    AbsenceRow,
    AgreementRow,
    CaseRow,
    ClosureRow,
    DiscussionRow,
    FindingRow,
    SessionRow,
    StaffRow,
)

ROW_CLASS: dict[str, type[DeclarativeBase]] = {
    "closures": ClosureRow,
    "staff": StaffRow,
    "agreements": AgreementRow,
    "absences": AbsenceRow,
    "sessions": SessionRow,
    "cases": CaseRow,
    "discussions": DiscussionRow,
}
_BATCH = 500


class ImportRejected(Exception):
    """An import with problems: nothing of it was applied."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was imported")
        self.problems = list(problems)


@dataclass(frozen=True)
class ImportReport:
    counts: dict[str, int]
    warnings: list[Problem]


def import_paths(engine: Engine, paths: Iterable[Path]) -> ImportReport:
    """Read, check and apply CSV files or folders of them, all in one transaction."""
    with engine.begin() as connection:
        stored = Stored(
            line_managers=dict(connection.execute(select(StaffRow.staff_id, StaffRow.line_manager_id)).all()),
            case_ids=frozenset(connection.scalars(select(CaseRow.case_id))),
            session_ids=frozenset(connection.scalars(select(SessionRow.session_id))),
        )
        parsed = read_import(paths, stored)
        if parsed.problems:
            raise ImportRejected(parsed.problems)
        counts = {}
        for table in TABLES:  # dependency order
            if table.name not in parsed.rows:
                continue
            facts = parsed.facts(table.name)
            for start in range(0, len(facts), _BATCH):
                batch = [_values(fact) for fact in facts[start : start + _BATCH]]
                connection.execute(_upsert(connection.dialect.name, table.name, table.key, batch))
            counts[table.name] = len(facts)
        return ImportReport(counts, parsed.warnings)


def _values(fact: Any) -> dict[str, Any]:
    return {f.name: getattr(fact, f.name) for f in fields(fact)}


def _upsert(dialect: str, table: str, key: Sequence[str], batch: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    statement = insert(ROW_CLASS[table]).values(batch)
    updates = {
        column: statement.excluded[column] for column in batch[0] if column not in key
    }
    return statement.on_conflict_do_update(index_elements=list(key), set_=updates)


def load_snapshot(engine: Engine) -> Snapshot:
    """The whole council as plain facts: one query per table."""
    with engine.connect() as connection:

        def rows(table: type[DeclarativeBase]) -> list[Any]:
            return list(connection.execute(select(*table.__table__.columns)).mappings())

        return Snapshot(
            staff=[
                StaffMember(**{**r, "role": Role(r["role"])}) for r in rows(StaffRow)
            ],
            agreements=[Agreement(**r) for r in rows(AgreementRow)],
            sessions=[
                SupervisionSession(
                    **{
                        **r,
                        "kind": SessionKind(r["kind"]),
                        "status": SessionStatus(r["status"]),
                        "cancel_reason": CancelReason(r["cancel_reason"]) if r["cancel_reason"] else None,
                        "record_disputed": bool(r["record_disputed"]),
                    }
                )
                for r in rows(SessionRow)
            ],
            absences=[Absence(**{**r, "kind": AbsenceKind(r["kind"])}) for r in rows(AbsenceRow)],
            cases=[Case(**{**r, "category": CaseCategory(r["category"])}) for r in rows(CaseRow)],
            discussions=[Discussion(**r) for r in rows(DiscussionRow)],
            closures=[Closure(**r) for r in rows(ClosureRow)],
        )


def save_findings(engine: Engine, as_of: date, policy: str, findings: list[Finding]) -> None:
    """Keep the night's findings; a rerun for the same day replaces them."""
    with engine.begin() as connection:
        connection.execute(delete(FindingRow).where(FindingRow.as_of == as_of))
        values = [
            {
                "as_of": as_of,
                "policy": policy,
                "finding_key": f.key,
                "kind": f.kind.value,
                "staff_id": f.staff_id,
                "case_id": f.case_id,
                "session_id": f.session_id,
                "due": f.due,
                "stage": f.stage.value,
                "working_days_overdue": f.working_days_overdue,
                "detail": f.detail,
                "rule": f.rule,
            }
            for f in findings
        ]
        for start in range(0, len(values), _BATCH):
            connection.execute(FindingRow.__table__.insert(), values[start : start + _BATCH])
