"""Reading the contract's CSV files: validated at the edge, every problem named by file, line
and column, nothing half-read. Pure: the store passes in what it already holds."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

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
    StaffMember,
    SupervisionSession,
)
from models.policy.intervals import Interval

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# One RFC 5322 addr-spec in its common dot-atom form: no display name, no comments, no list.
_LOCAL_PART = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_MAILBOX = re.compile(f"{_LOCAL_PART}@{_DOMAIN}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_FIELD = 10_000  # characters in any field, read or ignored: far above any real value
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _date(text: str) -> date:
    if not _ISO_DATE.match(text):
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None


def _bool(text: str) -> bool:
    if text.lower() in _TRUE:
        return True
    if text.lower() in _FALSE:
        return False
    raise ValueError(f"{text!r} is not true or false")


def _fte(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise ValueError(f"{text} is not more than 0 and at most 1")
    return value


def _frequency(text: str) -> str:
    Interval.parse(text)
    return text.strip().lower()


def _enum(kind: type[StrEnum]) -> Callable[[str], StrEnum]:
    def parse(text: str) -> StrEnum:
        try:
            return kind(text.strip())
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise ValueError(f"{text!r} is not one of: {allowed}") from None

    return parse


def _identifier(text: str) -> str:
    """Ids name files, message keys and URLs further on: letters, digits and `. _ : -` only."""
    if not _ID.fullmatch(text):
        raise ValueError(
            f"{_shown(text)} is not an id: 1 to 64 letters, digits, '.', '_', ':' or '-', "
            "starting with a letter or digit"
        )
    return text


def _mailbox(text: str) -> str:
    """One plain address (`name@council.gov.uk`): never a list, a display name or a header."""
    if not text.isascii():
        raise ValueError(
            f"{_shown(text)} is not supported: internationalised (non-ASCII) addresses cannot be sent to"
        )
    if len(text) > 254 or not _MAILBOX.fullmatch(text):
        raise ValueError(f"{_shown(text)} is not one email address (name@domain, nothing else)")
    return text


def _teams_tag(text: str) -> str:
    """A channel tag that the operator's Apprise configuration defines; never an address, so
    the data cannot choose where a message goes."""
    if "://" in text or "@" in text:
        raise ValueError(
            "an address here would let the data choose where messages go: give the tag of a Teams "
            "channel configured in OVERSIGHT_APPRISE_CONFIG"
        )
    if not _TAG.fullmatch(text):
        raise ValueError(f"{_shown(text)} is not a tag: 1 to 64 letters, digits, '.', '_' or '-'")
    return text


def _text(limit: int) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if _CONTROL.search(text):
            raise ValueError("contains a control character (a line break, tab or NUL)")
        if len(text) > limit:
            raise ValueError(f"is {len(text)} characters long; at most {limit}")
        return text

    return parse


def _shown(text: str) -> str:
    """A value quoted in a message, cut short: an error must not reprint a whole bad field."""
    return repr(text if len(text) <= 80 else text[:77] + "...")


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = _identifier
    optional: bool = False


@dataclass(frozen=True)
class Table:
    """One contract file: its columns, the fact each line becomes, and its upsert key."""

    file: str
    fact: type
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.file.removesuffix(".csv")


TABLES: tuple[Table, ...] = (
    Table("closures.csv", Closure, (Column("date", _date), Column("reason", _text(200))), ("date",)),
    Table(
        "staff.csv",
        StaffMember,
        (
            Column("staff_id"),
            Column("name", _text(200)),
            Column("email", _mailbox),
            Column("teams", _teams_tag, optional=True),
            Column("role", _enum(Role)),
            Column("team", _text(200)),
            Column("line_manager_id", optional=True),
            Column("start_date", _date),
            Column("end_date", _date, optional=True),
            Column("fte", _fte, optional=True),
            Column("asye_start", _date, optional=True),
            Column("probation_end", _date, optional=True),
            Column("case_holding", _bool, optional=True),
        ),
        ("staff_id",),
    ),
    Table(
        "agreements.csv",
        Agreement,
        (
            Column("staff_id"),
            Column("supervisor_id"),
            Column("signed_on", _date, optional=True),
            Column("frequency", _frequency, optional=True),
            Column("review_due", _date, optional=True),
        ),
        ("staff_id", "supervisor_id"),
    ),
    Table(
        "absences.csv",
        Absence,
        (
            Column("absence_id"),
            Column("staff_id"),
            Column("kind", _enum(AbsenceKind)),
            Column("start_date", _date),
            Column("end_date", _date, optional=True),
            Column("expected_return", _date, optional=True),
        ),
        ("absence_id",),
    ),
    Table(
        "sessions.csv",
        SupervisionSession,
        (
            Column("session_id"),
            Column("supervisee_id"),
            Column("supervisor_id"),
            Column("kind", _enum(SessionKind)),
            Column("scheduled_for", _date, optional=True),
            Column("status", _enum(SessionStatus)),
            Column("held_on", _date, optional=True),
            Column("cancelled_on", _date, optional=True),
            Column("cancel_reason", _enum(CancelReason), optional=True),
            Column("record_written_on", _date, optional=True),
            Column("record_circulated_on", _date, optional=True),
            Column("supervisee_signed_on", _date, optional=True),
            Column("supervisor_signed_on", _date, optional=True),
            Column("record_disputed", _bool, optional=True),
        ),
        ("session_id",),
    ),
    Table(
        "cases.csv",
        Case,
        (
            Column("case_id"),
            Column("category", _enum(CaseCategory)),
            Column("worker_id"),
            Column("allocated_on", _date),
            Column("closed_on", _date, optional=True),
        ),
        ("case_id",),
    ),
    Table(
        "discussions.csv",
        Discussion,
        (Column("case_id"), Column("discussed_on", _date), Column("session_id", optional=True)),
        ("case_id", "discussed_on"),
    ),
)
TABLE_BY_FILE = {table.file: table for table in TABLES}


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
    """What the database already holds that an import may refer to."""

    line_managers: Mapping[str, str | None] = field(default_factory=dict)
    case_ids: frozenset[str] = frozenset()
    session_ids: frozenset[str] = frozenset()


def collect_files(paths: Iterable[Path], parsed: ParsedImport) -> list[Path]:
    """The contract files named, or found in the folders named. A CSV that is not one of the
    contract's is an error when named, and skipped with a warning when found in a folder."""
    files: list[Path] = []
    problems = parsed.problems
    for path in paths:
        if path.is_dir():
            for found in sorted(f for f in path.iterdir() if f.suffix.lower() == ".csv"):
                if found.name in TABLE_BY_FILE:
                    files.append(found)
                elif found.name.lower() in TABLE_BY_FILE:
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
        elif path.is_file() and path.name in TABLE_BY_FILE:
            files.append(path)
        elif path.is_file():
            known = ", ".join(TABLE_BY_FILE)
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
        table = TABLE_BY_FILE[path.name]
        if table.name in seen:
            parsed.problems.append(
                Problem(str(path), 0, "-", f"a second {table.file} (first: {seen[table.name]})")
            )
            continue
        seen[table.name] = path
        _parse_file(path, table, parsed)
    _check_references(parsed, stored)
    return parsed


def _parse_file(path: Path, table: Table, parsed: ParsedImport) -> None:
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
                keys: dict[tuple[Any, ...], int] = {}
                rows = parsed.rows.setdefault(table.name, [])
                continue
            _parse_line(name, line, table, header, cells, keys, rows, parsed)
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


def _read_header(name: str, table: Table, cells: list[str], parsed: ParsedImport) -> bool:
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


def _parse_line(
    name: str,
    line: int,
    table: Table,
    header: list[str],
    cells: list[str],
    keys: dict[tuple[Any, ...], int],
    rows: list[Row],
    parsed: ParsedImport,
) -> None:
    if not any(cell.strip() for cell in cells):
        return
    if len(cells) != len(header):
        parsed.problems.append(
            Problem(name, line, "-", f"{len(cells)} fields where the header has {len(header)}")
        )
        return
    values = _parse_cells(name, line, table, dict(zip(header, cells, strict=True)), parsed.problems)
    if values is None:
        return
    key = tuple(values[k] for k in table.key)
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
    fact = table.fact(**values)
    for column, message in _check_row(fact):
        parsed.problems.append(Problem(name, line, column, message))
    rows.append(Row(name, line, fact))


def _parse_cells(
    file: str, line: int, table: Table, cells: dict[str, str], problems: list[Problem]
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column in table.columns:
        raw = cells.get(column.name, "").strip()
        if not raw:
            if not column.optional:
                problems.append(Problem(file, line, column.name, "a value is required"))
                ok = False
            continue
        try:
            values[column.name] = column.parse(raw)
        except ValueError as error:
            problems.append(Problem(file, line, column.name, str(error)))
            ok = False
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
    return found


_REFERENCES: tuple[tuple[str, str, str], ...] = (
    ("staff", "line_manager_id", "staff"),
    ("agreements", "staff_id", "staff"),
    ("agreements", "supervisor_id", "staff"),
    ("absences", "staff_id", "staff"),
    ("sessions", "supervisee_id", "staff"),
    ("sessions", "supervisor_id", "staff"),
    ("cases", "worker_id", "staff"),
    ("discussions", "case_id", "cases"),
    ("discussions", "session_id", "sessions"),
)


def _check_references(parsed: ParsedImport, stored: Stored) -> None:
    """Every id referred to exists once the whole import is applied; no line-management loop."""
    line_managers = dict(stored.line_managers)
    line_managers.update({s.staff_id: s.line_manager_id for s in parsed.facts("staff")})
    known = {
        "staff": set(line_managers),
        "cases": set(stored.case_ids) | {c.case_id for c in parsed.facts("cases")},
        "sessions": set(stored.session_ids) | {s.session_id for s in parsed.facts("sessions")},
    }
    for table, column, target in _REFERENCES:
        for row in parsed.rows.get(table, []):
            ref = getattr(row.fact, column)
            if ref is not None and ref not in known[target]:
                noun = "member of staff" if target == "staff" else target.removesuffix("s")
                parsed.problems.append(Problem(row.file, row.line, column, f"no {noun} {ref!r} exists"))
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
