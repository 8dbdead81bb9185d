"""The store: applying an import in one transaction, and loading a council as plain facts.

Loading is set-based, one query per table, so its cost grows with the data, not with the
number of people or cases.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Select, delete, or_, select
from sqlalchemy.orm import DeclarativeBase

from models.csvfiles import TABLES, Problem, Stored, read_import
from models.db import batches, upsert_insert
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
T = TypeVar("T")


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
            if facts:
                statement = _upsert(connection, table.name, table.key)
                for batch in batches(facts):
                    connection.execute(statement, [_values(f) for f in batch])
            counts[table.name] = len(facts)
        return ImportReport(counts, parsed.warnings)


def _values(fact: Any) -> dict[str, Any]:
    return fact._asdict()


def _upsert(connection: Connection, table: str, key: Sequence[str]) -> Any:
    """One insert-or-update statement per table, compiled once and executed over many rows."""
    columns = ROW_CLASS[table].__table__.columns
    statement = upsert_insert(connection, ROW_CLASS[table].__table__)
    updates = {c.name: statement.excluded[c.name] for c in columns if c.name not in key}
    return statement.on_conflict_do_update(index_elements=list(key), set_=updates)


def snapshot_queries(as_of: date | None = None) -> dict[str, Select[Any]]:
    """The query for each table's rows, in the order of its fact's fields.

    With `as_of`, cases closed by then and their discussions are left out: a closed case raises
    no finding (contract), and in a council with years of history they are most of the rows.
    """
    queries: dict[str, Select[Any]] = {}
    for name, fact in _FACTS.items():
        table = ROW_CLASS[name].__table__
        queries[name] = select(*(table.c[field] for field in fact._fields))  # type: ignore[attr-defined]
    if as_of is not None:
        still_open = or_(CaseRow.closed_on.is_(None), CaseRow.closed_on > as_of)
        queries["cases"] = queries["cases"].where(still_open)
        queries["discussions"] = queries["discussions"].where(
            DiscussionRow.case_id.in_(select(CaseRow.case_id).where(still_open))
        )
    return queries


def load_snapshot(engine: Engine, as_of: date | None = None) -> Snapshot:
    """The council as plain facts (all of it, or what can matter on `as_of`): one query per
    table, rows built positionally and enums looked up by value."""
    queries = snapshot_queries(as_of)
    with engine.connect() as connection, _collector_paused():

        def load(fact: type[T], row_class: type[DeclarativeBase], **enums: type[StrEnum]) -> list[T]:
            names = list(fact._fields)  # type: ignore[attr-defined]
            rows = connection.execute(queries[row_class.__tablename__]).all()
            if not enums:
                return [fact(*row) for row in rows]
            lookups = [(names.index(column), _by_value(kind)) for column, kind in enums.items()]
            built = []
            for row in rows:
                values = list(row)
                for index, lookup in lookups:
                    if values[index] is not None:
                        values[index] = lookup[values[index]]
                built.append(fact(*values))
            return built

        return Snapshot(
            staff=load(StaffMember, StaffRow, role=Role),
            agreements=load(Agreement, AgreementRow),
            sessions=load(
                SupervisionSession,
                SessionRow,
                kind=SessionKind,
                status=SessionStatus,
                cancel_reason=CancelReason,
            ),
            absences=load(Absence, AbsenceRow, kind=AbsenceKind),
            cases=load(Case, CaseRow, category=CaseCategory),
            discussions=load(Discussion, DiscussionRow),
            closures=load(Closure, ClosureRow),
        )


_FACTS: dict[str, type] = {
    "staff": StaffMember,
    "agreements": Agreement,
    "sessions": SupervisionSession,
    "absences": Absence,
    "cases": Case,
    "discussions": Discussion,
    "closures": Closure,
}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building hundreds of thousands of small immutable facts sets off the cyclic garbage
    collector again and again for nothing (facts hold no cycles); pause it while loading."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _by_value(kind: type[StrEnum]) -> dict[str, StrEnum]:
    return {member.value: member for member in kind}


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
        for batch in batches(values):
            connection.execute(FindingRow.__table__.insert(), batch)
