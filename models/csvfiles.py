"""Reading the contract's CSV files: validated at the edge, every problem named by file, line
and column, nothing half-read. Pure: the store passes in what it already holds."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.policy.facts import (
    INPUTS,
    Absence,
    Agreement,
    Appraisal,
    Audit,
    Case,
    Input,
    Observation,
    SessionStatus,
    StaffMember,
    SupervisionSession,
)

MAX_FIELD = 10_000  # characters in any field, read or ignored: far above any real value
INPUT_BY_FILE = {table.file: table for table in INPUTS}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class Row:
    """A parsed line, kept with where it came from so later checks can point back at it."""

    file: str
    line: int
    fact: Any


@dataclass
class ParsedImport:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def facts(self, table: str) -> list[Any]:
        return [row.fact for row in self.rows.get(table, [])]


@dataclass(frozen=True)
class Stored:
    """What the database already holds that an import may refer to: every member of staff's
    line manager, the ids of the other inputs that are referred to (`cases`, `sessions`), and
    the leavers whose records were destroyed under the retention rule (their rows are skipped;
    a reference to one of them is not an error)."""

    line_managers: Mapping[str, str | None] = field(default_factory=dict)
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    erased: frozenset[str] = frozenset()


def collect_files(paths: Iterable[Path], parsed: ParsedImport) -> list[Path]:
    """The contract files named, or found in the folders named. A CSV that is not one of the
    contract's is an error when named, and skipped with a warning when found in a folder."""
    files: list[Path] = []
    problems = parsed.problems
    for path in paths:
        if path.is_dir():
            for found in sorted(f for f in path.iterdir() if f.suffix.lower() == ".csv"):
                if found.name in INPUT_BY_FILE:
                    files.append(found)
                elif found.name.lower() in INPUT_BY_FILE:
                    problems.append(
                        Problem(
                            str(found),
                            0,
                            "-",
                            f"named {found.name}: the contract's name is {found.name.lower()}",
                        )
                    )
                else:
                    parsed.warnings.append(Problem(str(found), 1, "-", "not a contract file; skipped"))
        elif path.is_file() and path.name in INPUT_BY_FILE:
            files.append(path)
        elif path.is_file():
            known = ", ".join(INPUT_BY_FILE)
            problems.append(Problem(str(path), 0, "-", f"not a contract file (expected one of {known})"))
        else:
            problems.append(Problem(str(path), 0, "-", "no such file or folder"))
    return files


def read_import(paths: Iterable[Path], stored: Stored = Stored()) -> ParsedImport:
    """Parse and check every file together: a reference may point into another file of the
    same import, and a problem anywhere means none of it is applied."""
    parsed = ParsedImport()
    files = collect_files(paths, parsed)
    seen: dict[str, Path] = {}
    for path in files:
        table = INPUT_BY_FILE[path.name]
        if table.name in seen:
            parsed.problems.append(
                Problem(str(path), 0, "-", f"a second {table.file} (first: {seen[table.name]})")
            )
            continue
        seen[table.name] = path
        _parse_file(path, table, parsed)
    _skip_erased(parsed, stored)
    _check_references(parsed, stored)
    return parsed


def _parse_file(path: Path, table: Input, parsed: ParsedImport) -> None:
    name = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        parsed.problems.append(
            Problem(name, line, "-", f"not UTF-8 text ({error.reason} at byte {error.start})")
        )
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for line, cells in _records(reader):
            if line == 1:
                if not _read_header(name, table, cells, parsed):
                    return
                header = [h.strip() for h in cells]
                layout = _Layout.of(table, header)
                keys: dict[tuple[Any, ...], int] = {}
                rows = parsed.rows.setdefault(table.name, [])
                continue
            _parse_line(name, line, table, layout, cells, keys, rows, parsed)
    except csv.Error as error:
        parsed.problems.append(Problem(name, reader.line_num, "-", f"not valid CSV: {error}"))
        return
    if reader.line_num == 0:
        parsed.problems.append(Problem(name, 1, "-", "empty file: a header row is required"))


def _records(reader: Any) -> Iterable[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may hold line breaks)."""
    start = 1
    csv.field_size_limit(MAX_FIELD)
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _read_header(name: str, table: Input, cells: list[str], parsed: ParsedImport) -> bool:
    header = [h.strip() for h in cells]
    known = {c.name for c in table.columns}
    duplicates = sorted({h for h in header if header.count(h) > 1})
    for column in duplicates:
        parsed.problems.append(Problem(name, 1, column, "column appears more than once"))
    for column in header:
        if column not in known:
            parsed.warnings.append(Problem(name, 1, column, "unknown column ignored"))
    missing = [c.name for c in table.columns if not c.optional and c.name not in header]
    for column in missing:
        parsed.problems.append(Problem(name, 1, column, "required column is missing"))
    return not missing and not duplicates


@dataclass(frozen=True)
class _Layout:
    """Where each of the input's columns is in a file (None: not there) and how wide its lines
    are, worked out once from the header rather than once per line."""

    width: int
    positions: tuple[int | None, ...]
    key: tuple[int, ...]  # the upsert key's columns, as indexes into the input's columns

    @classmethod
    def of(cls, table: Input, header: list[str]) -> _Layout:
        names = [column.name for column in table.columns]
        return cls(
            len(header),
            tuple(header.index(name) if name in header else None for name in names),
            tuple(names.index(name) for name in table.key),
        )


def _parse_line(
    name: str,
    line: int,
    table: Input,
    layout: _Layout,
    cells: list[str],
    keys: dict[tuple[Any, ...], int],
    rows: list[Row],
    parsed: ParsedImport,
) -> None:
    if not "".join(cells).strip():
        return
    if len(cells) != layout.width:
        parsed.problems.append(
            Problem(name, line, "-", f"{len(cells)} fields where the header has {layout.width}")
        )
        return
    values = _parse_cells(name, line, table, layout, cells, parsed.problems)
    if values is None:
        return
    key = tuple(values[index] for index in layout.key)
    if key in keys:
        parsed.problems.append(
            Problem(
                name,
                line,
                ",".join(table.key),
                f"duplicate {'/'.join(map(str, key))} (first on line {keys[key]})",
            )
        )
        return
    keys[key] = line
    fact = table.fact(*values)
    for column, message in _check_row(fact):
        parsed.problems.append(Problem(name, line, column, message))
    rows.append(Row(name, line, fact))


def _parse_cells(
    file: str, line: int, table: Input, layout: _Layout, cells: list[str], problems: list[Problem]
) -> list[Any] | None:
    """The line's values in the order of the input's columns (a fact's fields), or None when a
    cell is missing or malformed (each one a problem)."""
    values: list[Any] = []
    ok = True
    for column, position in zip(table.columns, layout.positions, strict=True):
        raw = cells[position].strip() if position is not None else ""
        if not raw:
            if not column.optional:
                problems.append(Problem(file, line, column.name, "a value is required"))
                ok = False
            values.append(column.default)
            continue
        try:
            values.append(column.value.parse(raw))
        except ValueError as error:
            problems.append(Problem(file, line, column.name, str(error)))
            ok = False
            values.append(None)
    return values if ok else None


def _check_row(fact: Any) -> list[tuple[str, str]]:
    """Checks within one line: ends before starts, self-management, a held session's date."""
    found: list[tuple[str, str]] = []
    if isinstance(fact, StaffMember):
        if fact.line_manager_id == fact.staff_id:
            found.append(("line_manager_id", f"{fact.staff_id} cannot manage themself"))
        if fact.end_date and fact.end_date < fact.start_date:
            found.append(("end_date", f"{fact.end_date} is before start_date {fact.start_date}"))
    elif isinstance(fact, Absence):
        if fact.end_date and fact.end_date < fact.start_date:
            found.append(("end_date", f"{fact.end_date} is before start_date {fact.start_date}"))
    elif isinstance(fact, Case):
        if fact.closed_on and fact.closed_on < fact.allocated_on:
            found.append(("closed_on", f"{fact.closed_on} is before allocated_on {fact.allocated_on}"))
    elif isinstance(fact, Agreement):
        if fact.staff_id == fact.supervisor_id:
            found.append(("supervisor_id", f"{fact.staff_id} cannot supervise themself"))
    elif isinstance(fact, SupervisionSession):
        if fact.status is SessionStatus.HELD and fact.held_on is None:
            found.append(("held_on", "a held session needs the date it was held"))
        if fact.supervisee_id == fact.supervisor_id:
            found.append(("supervisor_id", f"{fact.supervisee_id} cannot supervise themself"))
    elif isinstance(fact, Observation) and fact.observer_id == fact.staff_id:
        found.append(("observer_id", f"{fact.staff_id} cannot observe themself"))
    elif isinstance(fact, Appraisal) and fact.appraiser_id == fact.staff_id:
        found.append(("appraiser_id", f"{fact.staff_id} cannot appraise themself"))
    elif isinstance(fact, Audit) and fact.auditor_id == fact.subject_id:
        found.append(("subject_id", f"{fact.auditor_id} cannot audit their own supervision file"))
    return found


def _skip_erased(parsed: ParsedImport, stored: Stored) -> None:
    """Leave out the rows of leavers whose records were destroyed, so that a full re-export
    does not bring them back; one warning per file says how many."""
    if not stored.erased:
        return
    for table in INPUTS:
        rows = parsed.rows.get(table.name)
        if table.owner is None or not rows:
            continue
        kept = [row for row in rows if getattr(row.fact, table.owner) not in stored.erased]
        if len(kept) < len(rows):
            skipped = len(rows) - len(kept)
            parsed.warnings.append(
                Problem(
                    rows[0].file,
                    1,
                    table.owner,
                    f"{skipped} row(s) skipped: they belong to leavers whose records were destroyed "
                    "under the retention rule",
                )
            )
            parsed.rows[table.name] = kept


def _check_references(parsed: ParsedImport, stored: Stored) -> None:
    """Every id referred to exists once the whole import is applied (or belonged to a leaver
    whose records were destroyed); no line-management loop."""
    line_managers = dict(stored.line_managers)
    line_managers.update({s.staff_id: s.line_manager_id for s in parsed.facts("staff")})
    known: dict[str, set[str]] = {"staff": set(line_managers) | stored.erased}
    for table in INPUTS:
        if table.name != "staff" and len(table.key) == 1:
            known[table.name] = set(stored.ids.get(table.name, ())) | {
                getattr(fact, table.key[0]) for fact in parsed.facts(table.name)
            }
    for table in INPUTS:
        for column in table.columns:
            target = column.value.refers_to
            if target is None:
                continue
            noun = "member of staff" if target == "staff" else target.removesuffix("s")
            for row in parsed.rows.get(table.name, []):
                ref = getattr(row.fact, column.name)
                if ref is not None and ref not in known[target]:
                    parsed.problems.append(
                        Problem(row.file, row.line, column.name, f"no {noun} {ref!r} exists")
                    )
    for row in parsed.rows.get("staff", []):
        loop = _management_loop(row.fact.staff_id, line_managers)
        if loop:
            parsed.problems.append(
                Problem(row.file, row.line, "line_manager_id", "line-management loop: " + " -> ".join(loop))
            )


def _management_loop(start: str, line_managers: Mapping[str, str | None]) -> list[str] | None:
    """The chain from `start` back to itself through line managers, if there is one."""
    chain = [start]
    current = line_managers.get(start)
    if current == start:
        return None  # managing oneself is reported as such
    while current is not None and current in line_managers:
        if current == start:
            return chain + [start]
        if current in chain:
            return None  # a loop further up, reported on its own members' lines
        chain.append(current)
        current = line_managers.get(current)
    return None
