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
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Select, delete, or_, select

from models.csvfiles import Problem, Stored, read_import
from models.db import batches, upsert_insert
from models.policy.facts import INPUTS, Input, Snapshot
from models.policy.findings import Finding
from models.tables import INPUT_TABLES, ErasedStaffRow, FindingRow

_REFERRED_TO = {column.value.refers_to for table in INPUTS for column in table.columns}


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
        parsed = read_import(paths, _stored(connection))
        if parsed.problems:
            raise ImportRejected(parsed.problems)
        counts = {}
        for table in INPUTS:  # dependency order
            if table.name not in parsed.rows:
                continue
            facts = parsed.facts(table.name)
            if facts:
                statement = _upsert(connection, table)
                for batch in batches(facts):
                    connection.execute(statement, [_values(f) for f in batch])
            counts[table.name] = len(facts)
        return ImportReport(counts, parsed.warnings)


def _stored(connection: Connection) -> Stored:
    """What an import may refer to: staff and their line managers, the single-key ids of the
    other inputs, and the leavers whose records were destroyed."""
    staff = INPUT_TABLES["staff"]
    return Stored(
        line_managers=dict(connection.execute(select(staff.c.staff_id, staff.c.line_manager_id)).all()),
        ids={
            table.name: frozenset(connection.scalars(select(INPUT_TABLES[table.name].c[table.key[0]])))
            for table in INPUTS
            if table.name in _REFERRED_TO and table.name != "staff"
        },
        erased=frozenset(connection.scalars(select(ErasedStaffRow.staff_id))),
    )


def _values(fact: Any) -> dict[str, Any]:
    return fact._asdict()


def _upsert(connection: Connection, table: Input) -> Any:
    """One insert-or-update statement per table, compiled once and executed over many rows."""
    stored = INPUT_TABLES[table.name]
    statement = upsert_insert(connection.dialect.name, stored)
    updates = {c.name: statement.excluded[c.name] for c in stored.columns if c.name not in table.key}
    return statement.on_conflict_do_update(index_elements=list(table.key), set_=updates)


def snapshot_queries(as_of: date | None = None) -> dict[str, Select[Any]]:
    """The query for each input's rows, in the order of its fact's fields.

    With `as_of`, cases closed by then and their discussions are left out: a closed case raises
    no finding (contract), and in a council with years of history they are most of the rows.
    """
    queries: dict[str, Select[Any]] = {
        table.name: select(*(INPUT_TABLES[table.name].c[column.name] for column in table.columns))
        for table in INPUTS
    }
    if as_of is not None:
        cases = INPUT_TABLES["cases"]
        still_open = or_(cases.c.closed_on.is_(None), cases.c.closed_on > as_of)
        queries["cases"] = queries["cases"].where(still_open)
        queries["discussions"] = queries["discussions"].where(
            INPUT_TABLES["discussions"].c.case_id.in_(select(cases.c.case_id).where(still_open))
        )
    return queries


def load_snapshot(engine: Engine, as_of: date | None = None) -> Snapshot:
    """The council as plain facts (all of it, or what can matter on `as_of`): one query per
    input, rows built positionally and enums looked up by value."""
    queries = snapshot_queries(as_of)
    with engine.connect() as connection, _collector_paused():
        return Snapshot(
            **{table.name: _facts(table, connection.execute(queries[table.name]).all()) for table in INPUTS}
        )


def _facts(table: Input, rows: Sequence[Any]) -> list[Any]:
    """Rows as the input's facts, enum columns turned back into their members."""
    fact = table.fact
    lookups = [
        (index, {member.value: member for member in column.value.enum})
        for index, column in enumerate(table.columns)
        if column.value.enum is not None
    ]
    if not lookups:
        return [fact(*row) for row in rows]
    built = []
    for row in rows:
        values = list(row)
        for index, lookup in lookups:
            if values[index] is not None:
                values[index] = lookup[values[index]]
        built.append(fact(*values))
    return built


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
