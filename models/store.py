"""The store: applying an import in one transaction, and loading a council as plain facts.

Loading is set-based, one query per table, so its cost grows with the data, not with the
number of people or cases.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, Select, delete, or_, select
from sqlalchemy.engine import Dialect

from models.csvfiles import ParsedImport, Problem, Stored, read_files
from models.db import batches, upsert_insert
from models.policy.facts import INPUTS, REFERRED_TO, Column, Input, Snapshot
from models.policy.findings import Finding
from models.spans import follow_night
from models.tables import INPUT_TABLES, ErasedStaffRow, FindingRow

FETCH = 50_000  # rows turned into facts at a time


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
    """Read, check and apply CSV files or folders of them, all in one transaction: each file
    written as soon as it is read and checked, and let go (the next may refer to it, never the
    reverse). Once a problem is found nothing more is written, the rest is only read for its
    problems, and the transaction is rolled back."""
    write = _copy_and_merge if engine.dialect.name == "postgresql" else _insert_many
    parsed = ParsedImport()
    counts = {}
    with engine.begin() as connection, _collector_paused():
        for table, read in read_files(paths, _stored(connection), parsed):
            if read.facts and not parsed.problems:
                write(connection, table, read.facts)
            counts[table.name] = len(read.facts)
        if parsed.problems:
            raise ImportRejected(parsed.problems)
    return ImportReport(counts, parsed.warnings)


def _stored(connection: Connection) -> Stored:
    """What an import may refer to: staff and their line managers, the single-key ids of the
    other inputs (asked of the database only if the import's own files lack one), and the
    leavers whose records were destroyed."""
    staff = INPUT_TABLES["staff"]
    return Stored(
        line_managers=dict(connection.execute(select(staff.c.staff_id, staff.c.line_manager_id)).all()),
        ids=_StoredIds(connection),
        erased=frozenset(connection.scalars(select(ErasedStaffRow.staff_id))),
    )


class _StoredIds(Mapping[str, frozenset[str]]):
    """The stored ids of each input others refer to by its single key, fetched when first asked
    for: a full re-export's references all point into the export itself, and fetched up front
    `national`'s session and case ids came to 100 MB."""

    names = tuple(sorted(REFERRED_TO - {"staff"}))  # staff come with their line managers

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.fetched: dict[str, frozenset[str]] = {}

    def __getitem__(self, name: str) -> frozenset[str]:
        if name not in self.names:
            raise KeyError(name)
        if name not in self.fetched:
            key = next(table.key[0] for table in INPUTS if table.name == name)
            self.fetched[name] = frozenset(self.connection.scalars(select(INPUT_TABLES[name].c[key])))
        return self.fetched[name]

    def __contains__(self, name: object) -> bool:  # without fetching
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _insert_many(connection: Connection, table: Input, facts: list[Any]) -> None:
    """SQLite: the upsert compiled once and handed to the driver with each fact as a plain
    tuple (a fact's fields are its table's columns, in order). SQLAlchemy's own per-row
    parameter processing was three quarters of the time an import spent writing."""
    statement = _upsert(table, upsert_insert("sqlite", INPUT_TABLES[table.name]))
    compiled = statement.compile(dialect=connection.dialect)
    assert list(compiled.positiontup or ()) == [column.name for column in table.columns]
    dates = [index for index, column in enumerate(table.columns) if column.value.storage == "date"]
    enums = _enum_columns(table)
    for batch in batches(facts):
        connection.exec_driver_sql(compiled.string, [_plain(fact, dates, enums) for fact in batch])


def _copy_and_merge(connection: Connection, table: Input, facts: list[Any]) -> None:
    """PostgreSQL: the facts streamed with `COPY` into a temporary table, then merged with one
    `INSERT ... SELECT ... ON CONFLICT DO UPDATE` of the rows that are new or changed (found
    by a join: probing the key's index row by row for the unchanged majority of a nightly
    re-export cost three times as much). A failure rolls the temporary table back too.

    A council's first import has nothing to merge with: into a table still empty, the facts
    are copied straight in (staging and merging them took twice as long as the copy)."""
    stored = INPUT_TABLES[table.name]
    if _empty_and_held(connection, stored):
        _copy(connection, table, stored.name, facts)
        return
    names = [column.name for column in table.columns]
    staging = sa.table(f"staging_{table.name}", *(sa.column(name) for name in names))
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {staging.name} (LIKE {stored.name})")
    _copy(connection, table, staging.name, facts)
    connection.exec_driver_sql(f"ANALYZE {staging.name}")  # so that the planner joins by hash
    new, old = staging.c, stored.c
    changing = [name for name in names if name not in table.key]
    same_key = sa.and_(*(old[name] == new[name] for name in table.key))
    new_or_changed = sa.or_(
        old[table.key[0]].is_(None),
        sa.tuple_(*(old[name] for name in changing)).is_distinct_from(
            sa.tuple_(*(new[name] for name in changing))
        ),
    )
    rows = sa.select(*new).select_from(staging.outerjoin(stored, same_key)).where(new_or_changed)
    connection.execute(_upsert(table, upsert_insert("postgresql", stored).from_select(names, rows)))
    connection.exec_driver_sql(f"DROP TABLE {staging.name}")


def _empty_and_held(connection: Connection, stored: sa.Table) -> bool:
    """Whether `stored` is empty, and if so held so until this import commits: another
    import writing it meanwhile is waited for (`SHARE ROW EXCLUSIVE` blocks writers, not
    readers), then seen, so that what it stored is merged with rather than copied over. The
    lock is taken only for an empty table: the nightly re-imports do not queue behind it."""
    empty = select(~sa.exists(select(sa.literal(1)).select_from(stored)))
    if not connection.scalar(empty):
        return False
    connection.exec_driver_sql(f"LOCK TABLE {stored.name} IN SHARE ROW EXCLUSIVE MODE")
    return bool(connection.scalar(empty))  # read again: a statement sees what committed before it


def _copy(connection: Connection, table: Input, into: str, facts: list[Any]) -> None:
    names = ", ".join(column.name for column in table.columns)
    enums = _enum_columns(table)
    with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
        with cursor.copy(f"COPY {into} ({names}) FROM STDIN") as copy:
            for fact in facts:
                copy.write_row(_plain(fact, [], enums))


def _enum_columns(table: Input) -> list[int]:
    return [index for index, column in enumerate(table.columns) if column.value.enum is not None]


def _plain(fact: Any, dates: list[int], enums: list[int]) -> tuple[Any, ...]:
    """A fact as the driver takes it: the dates at `dates` as ISO text (as SQLAlchemy stores
    them in SQLite), the enums at `enums` by value."""
    if not dates and not enums:
        return fact
    values = list(fact)
    for index in dates:
        if values[index] is not None:
            values[index] = values[index].isoformat()
    for index in enums:
        if values[index] is not None:
            values[index] = values[index].value
    return tuple(values)


def _upsert(table: Input, statement: Any) -> Any:
    """`statement`, an INSERT into the input's table, made an insert-or-update on its key that
    leaves a row alone when nothing in it changed: each night's export is mostly last night's,
    and rewriting every row would cost most of the import (and bloat PostgreSQL's tables)."""
    stored = INPUT_TABLES[table.name]
    changing = [c.name for c in stored.columns if c.name not in table.key]
    return statement.on_conflict_do_update(
        index_elements=list(table.key),
        set_={name: statement.excluded[name] for name in changing},
        where=sa.tuple_(*(stored.c[name] for name in changing)).is_distinct_from(
            sa.tuple_(*(statement.excluded[name] for name in changing))
        ),
    )


def snapshot_queries(as_of: date | None = None) -> dict[str, Select[Any]]:
    """The query for each input's rows, in the order of its fact's fields.

    With `as_of`, cases closed by then are left out (a closed case raises no finding: contract),
    and of an open case's discussions only the one its next is due from: the latest since its
    present allocation, up to the day. A council's years of history are most of its rows, and
    the database picks that one from them faster than it could hand them all over (at
    `national`, 144 thousand discussions are loaded instead of 1.8 million).
    """
    queries: dict[str, Select[Any]] = {
        table.name: select(*(INPUT_TABLES[table.name].c[column.name] for column in table.columns))
        for table in INPUTS
    }
    if as_of is not None:
        cases, discussions = INPUT_TABLES["cases"], INPUT_TABLES["discussions"]
        still_open = or_(cases.c.closed_on.is_(None), cases.c.closed_on > as_of)
        queries["cases"] = queries["cases"].where(still_open)
        latest = (
            select(discussions.c.case_id, sa.func.max(discussions.c.discussed_on).label("discussed_on"))
            .join_from(discussions, cases, discussions.c.case_id == cases.c.case_id)
            .where(still_open, discussions.c.discussed_on.between(cases.c.allocated_on, as_of))
            .group_by(discussions.c.case_id)
            .subquery("latest")
        )
        queries["discussions"] = queries["discussions"].join_from(
            discussions,
            latest,
            sa.and_(
                discussions.c.case_id == latest.c.case_id,
                discussions.c.discussed_on == latest.c.discussed_on,
            ),
        )
    return queries


def load_snapshot(engine: Engine, as_of: date | None = None) -> Snapshot:
    """The council as plain facts (all of it, or what can matter on `as_of`): one query per
    input, its rows fetched from the driver as they are and turned into facts a column at a
    time, each distinct stored value converted once (a date, an enum, SQLite's 0 and 1)."""
    queries = snapshot_queries(as_of)
    with engine.connect() as connection, _collector_paused(kept=True):
        return Snapshot(**{table.name: _facts(connection, table, queries[table.name]) for table in INPUTS})


@contextmanager
def driver_rows(
    connection: Connection, query: Select[Any]
) -> Iterator[tuple[Iterator[list[Any]], list[Any]]]:
    """The query's rows as the driver gives them, `FETCH` at a time, and the driver's type code
    for each column. Not SQLAlchemy's `Row` around each: that cost two seconds at `national`
    (2.75 million rows), for nothing a fact needs. On PostgreSQL the rows are streamed in chunks:
    a plain cursor holds the whole result in the client first (sessions alone, 230 MB at
    `national`), and a server-side one forgoes parallel plans (the discussions' took half as
    long again). The only parameter is a date, written in as a literal."""
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    with ExitStack() as stack:
        driver = connection.connection.driver_connection
        cursor = stack.enter_context(closing(driver.cursor()))  # type: ignore[union-attr]
        if connection.dialect.name == "postgresql":  # closed, a stream left part-read frees the connection
            batches = _in_batches(stack.enter_context(closing(cursor.stream(sql, size=FETCH))))
        else:
            cursor.execute(sql)
            batches = iter(partial(cursor.fetchmany, FETCH), [])
        first = next(batches, None)  # PostgreSQL describes the columns with the first chunk
        description = cursor.description or [(None, None)] * len(query.selected_columns)
        yield (chain([first], batches) if first else iter(())), [column[1] for column in description]


def _in_batches(rows: Iterator[Any]) -> Iterator[list[Any]]:
    while batch := list(islice(rows, FETCH)):
        yield batch


def _facts(connection: Connection, table: Input, query: Select[Any]) -> list[Any]:
    """The query's rows as the input's facts, a batch of rows at a time: the driver's objects
    for a whole table at once (a date object per cell, a tuple per row) cost more than its
    facts do."""
    facts: list[Any] = []
    with driver_rows(connection, query) as (batches, types):
        converters = [
            _converter(connection.dialect, table, column, driver_type)
            for column, driver_type in zip(table.columns, types, strict=True)
        ]
        for rows in batches:
            columns = [
                convert(values) for convert, values in zip(converters, zip(*rows, strict=True), strict=True)
            ]
            del rows  # each row's tuple goes; its values stay in the columns
            # Built as the tuples they are, at C speed: every row has every field.
            facts.extend(map(partial(tuple.__new__, table.fact), zip(*columns, strict=True)))
    return facts


def _converter(
    dialect: Dialect, table: Input, column: Column, driver_type: Any
) -> Callable[[tuple[Any, ...]], Iterable[Any]]:
    """How a column's stored values become a fact's: converted the way SQLAlchemy would (the
    column type's result processor for this database, then the enum's member), each distinct
    value once. An id or a date that many rows repeat (a supervisee's sessions, the days they
    fall on) is kept once too, rather than once per row as the driver hands it over (with the
    batches, `national`'s load fell from 1.15 GB to 0.88 GB; sharing PostgreSQL's dates too,
    its sessions from 480 MB to 370 MB)."""
    process = (
        None  # PostgreSQL describes no column of an empty result: there is nothing to convert
        if driver_type is None and dialect.name == "postgresql"
        else INPUT_TABLES[table.name]
        .c[column.name]
        .type.dialect_impl(dialect)
        .result_processor(dialect, driver_type)
    )
    members = column.value.enum
    repeated = column.value.refers_to is not None or column.value.storage == "date"
    if process is None and members is None and not repeated:
        return tuple
    converted: dict[Any, Any] = {}

    def convert(values: tuple[Any, ...]) -> Iterable[Any]:
        for value in set(values).difference(converted):
            plain = process(value) if process else value
            converted[value] = members(plain) if members and plain is not None else plain
        return map(converted.__getitem__, values)

    return convert


@contextmanager
def _collector_paused(*, kept: bool = False) -> Iterator[None]:
    """Building hundreds of thousands of small immutable facts sets off the cyclic garbage
    collector again and again for nothing (facts hold no cycles); pause it while importing or
    loading them. Facts `kept` for the rest of the night (a loaded snapshot) are then moved out
    of its sight (`gc.freeze`): its next sweeps would otherwise walk every one of them again, a
    sixth of a second at `large` (counted at 74 ms and 78 ms). Reference counting still frees
    them when they go."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if kept:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def save_findings(engine: Engine, as_of: date, policy: str, findings: list[Finding]) -> None:
    """Keep the night's findings, and follow each item's span (`models.spans`); a rerun for the
    same day replaces them."""
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
        follow_night(connection, as_of, findings)
