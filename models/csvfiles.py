"""Reading the contract's CSV files: validated at the edge, every problem named by file, line
and column, nothing half-read. Pure: the store passes in what it already holds."""

from __future__ import annotations

import codecs
import csv
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from models.policy.facts import (
    INPUTS,
    REFERRED_TO,
    Absence,
    Agreement,
    Appraisal,
    Audit,
    Case,
    Cover,
    Input,
    Observation,
    SessionStatus,
    StaffMember,
    SupervisionSession,
)
from models.xlsxfiles import UnreadableWorkbook, contract_sheets, sheet_records

MAX_FIELD = 10_000  # characters in any field, read or ignored: far above any real value
CHUNK = 20_000  # lines read at a time: enough to repeat values, few enough to stay lean
INPUT_BY_FILE = {table.file: table for table in INPUTS}
_ORDER = {table.file: place for place, table in enumerate(INPUTS)}  # dependency order


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


@dataclass
class ParsedFile:
    """One file's facts in the order read, each with the line it came from, so that later
    checks can point back at it (the lines as machine integers: no object per line beyond the
    fact)."""

    file: str
    facts: list[Any] = field(default_factory=list)
    lines: array[int] = field(default_factory=lambda: array("L"))


@dataclass
class ParsedImport:
    files: dict[str, ParsedFile] = field(default_factory=dict)  # by input name
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def facts(self, table: str) -> list[Any]:
        read = self.files.get(table)
        return read.facts if read else []


@dataclass(frozen=True)
class Stored:
    """What the database already holds that an import may refer to: every member of staff's
    line manager, the ids of the other inputs that are referred to (`cases`, `sessions`), and
    the leavers whose records were destroyed under the retention rule (their rows are skipped;
    a reference to one of them is not an error)."""

    line_managers: Mapping[str, str | None] = field(default_factory=dict)
    ids: Mapping[str, frozenset[str]] = field(default_factory=dict)
    erased: frozenset[str] = frozenset()


PROBLEMS_SHOWN = 100  # per file: one bad column repeats on every line, and a screen holds no more


def shown_problems(problems: Iterable[Problem], limit: int = PROBLEMS_SHOWN) -> Iterator[str]:
    """Each problem as `file:line: column: message`, at most `limit` a file, then how many more."""
    by_file: dict[str, list[Problem]] = {}
    for problem in problems:
        by_file.setdefault(problem.file, []).append(problem)
    for file, found in by_file.items():
        yield from map(str, found[:limit])
        if len(found) > limit:
            yield f"{file}: and {len(found) - limit} more problem(s) in this file"


def collect_files(paths: Iterable[Path], parsed: ParsedImport) -> list[Path]:
    """The contract files named, or found in the folders named, and any XLSX workbooks (whose
    sheets name their inputs). A CSV that is not one of the contract's is an error when named,
    and skipped with a warning when found in a folder."""
    files: list[Path] = []
    problems = parsed.problems
    for path in paths:
        if path.is_dir():
            for found in sorted(f for f in path.iterdir() if f.suffix.lower() in (".csv", ".xlsx")):
                if found.suffix.lower() == ".xlsx":
                    files.append(found)
                elif found.name in INPUT_BY_FILE:
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
        elif path.is_file() and (path.name in INPUT_BY_FILE or path.suffix.lower() == ".xlsx"):
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
    for table, read in read_files(paths, stored, parsed):
        parsed.files[table.name] = read
    return parsed


def read_files(
    paths: Iterable[Path], stored: Stored, parsed: ParsedImport
) -> Iterator[tuple[Input, ParsedFile]]:
    """Each file parsed and checked in turn, in the inputs' dependency order, and handed over as
    soon as it is: its references are checked against what is stored and the files before it
    (no input refers to a later one), so the caller may write its facts and let them go. Held
    all at once, `national`'s files came to 1 GB. Problems gather in `parsed` as they are found."""
    sources = sorted(
        _sources(collect_files(paths, parsed), parsed), key=lambda source: _ORDER[source[1].file]
    )
    known = _Known(stored)
    seen: dict[str, str] = {}
    for name, table, parse in sources:
        if table.name in seen:
            parsed.problems.append(
                Problem(name, 0, "-", f"a second {table.file} (first: {seen[table.name]})")
            )
            continue
        seen[table.name] = name
        parse()
        read = parsed.files.pop(table.name, None)
        if read is not None:
            read = _skip_erased(table, read, stored, parsed)
            known.check(table, read, parsed)
            yield table, read


def _sources(files: list[Path], parsed: ParsedImport) -> Iterator[tuple[str, Input, Callable[[], None]]]:
    """Each input to read: (its name in messages, its input, how to parse it into `parsed`). A
    CSV file is one input; a workbook, one per sheet named after an input."""
    for path in files:
        if path.suffix.lower() != ".xlsx":
            table = INPUT_BY_FILE[path.name]
            yield str(path), table, partial(_parse_file, path, table, parsed)
            continue
        try:
            sheets, others = contract_sheets(path)
        except UnreadableWorkbook as error:
            parsed.problems.append(Problem(str(path), 0, "-", str(error)))
            continue
        for title in others:
            parsed.warnings.append(
                Problem(f"{path}:{title}", 1, "-", "not a sheet of the contract's; skipped")
            )
        for title, table in sheets:
            name = f"{path}:{title}"
            yield name, table, partial(_parse_records, name, table, sheet_records(path, title), parsed)


def _parse_records(
    name: str, table: Input, records: Iterator[tuple[int, list[str]]], parsed: ParsedImport
) -> None:
    """An input's rows read from a sheet: the header first, as from a CSV file."""
    try:
        for _, header in islice(records, 1):
            if _read_header(name, table, header, parsed):
                _FileReader(name, table, header, parsed).read(records)
            return
    except UnreadableWorkbook as error:
        parsed.problems.append(Problem(name, 0, "-", str(error)))
        return
    parsed.problems.append(Problem(name, 1, "-", "empty sheet: a header row is required"))


def _parse_file(path: Path, table: Input, parsed: ParsedImport) -> None:
    """The file read as a stream of lines: a national council's largest file is 70 MB, and
    holding its bytes, their text and a copy to read lines from cost 400 MB at once."""
    name = str(path)
    problem = _not_utf8(path)
    if problem:
        parsed.problems.append(problem)
        return
    with path.open(encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        started = [1]  # the line the record being read starts on
        try:
            records = _records(reader, started)
            for _, header in islice(records, 1):
                if _read_header(name, table, header, parsed):
                    _FileReader(name, table, header, parsed).read(records)
        except csv.Error as error:
            # an unclosed quote is found only at the end of the file: name the line it opened on
            line = started[0] if "end of data" in str(error) else reader.line_num
            parsed.problems.append(Problem(name, line, "-", f"not valid CSV: {error}"))
            return
    if reader.line_num == 0:
        parsed.problems.append(Problem(name, 1, "-", "empty file: a header row is required"))


def _not_utf8(path: Path) -> Problem | None:
    """A file that is not UTF-8 throughout is one problem, at its bad byte, and none of its lines
    are read: checked a block at a time first, the whole file decoded only when one is bad."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as file:
            for block in iter(partial(file.read, 1 << 20), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
        return None
    except UnicodeDecodeError:
        raw = path.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return Problem(str(path), line, "-", f"not UTF-8 text ({error.reason} at byte {error.start})")
    return None


def _records(reader: Any, started: list[int]) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field may hold line breaks); `started`
    holds the start of the record being read, for an error in the middle of one."""
    csv.field_size_limit(MAX_FIELD)
    for cells in reader:
        yield started[0], cells
        started[0] = reader.line_num + 1


def _read_header(name: str, table: Input, cells: list[str], parsed: ParsedImport) -> bool:
    header = [h.strip() for h in cells]
    known = {c.header for c in table.columns}
    duplicates = sorted({h for h in header if header.count(h) > 1})
    for column in duplicates:
        parsed.problems.append(Problem(name, 1, column, "column appears more than once"))
    for column in header:
        if column not in known:
            parsed.warnings.append(Problem(name, 1, column, "unknown column ignored"))
    missing = [c.header for c in table.columns if not c.optional and c.header not in header]
    for column in missing:
        parsed.problems.append(Problem(name, 1, column, "required column is missing"))
    return not missing and not duplicates


class _Cell(NamedTuple):
    """How one of the input's columns is read from a file's lines: where it is (None: the file
    has no such column), how its text is parsed, and what a blank stands for."""

    name: str
    position: int | None
    parse: Callable[[str], Any]
    required: bool
    default: Any


class _FileReader:
    """Reads one file's lines into facts, a chunk of lines at a time and a column at a time.

    The layout is worked out once from the header (where each column is, the key's columns,
    the checks its facts need). Each column's distinct texts are parsed once per chunk, not
    once per line: a council's files repeat the same dates, ids and values many times over,
    and reading lines is most of an import's time. Problems come out in line order, each
    line's in the order of its columns, as a reader going line by line would find them."""

    def __init__(self, name: str, table: Input, header: list[str], parsed: ParsedImport) -> None:
        names = [h.strip() for h in header]
        self.name = name
        self.table = table
        self.width = len(names)
        self.cells = tuple(
            _Cell(
                column.header,
                names.index(column.header) if column.header in names else None,
                column.value.parse,
                not column.optional,
                column.default,
            )
            for column in table.columns
        )
        fields = [column.name for column in table.columns]
        self.key_of = itemgetter(*(fields.index(name) for name in table.key))
        self.check = _CHECKS.get(table.fact)
        self.keys: set[Any] = set()  # each key read so far
        self.first_lines: dict[Any, int] | None = None  # each key's first line, once one repeats
        self.read_so_far = parsed.files.setdefault(table.name, ParsedFile(name))
        self.problems = parsed.problems

    def read(self, records: Iterator[tuple[int, list[str]]]) -> None:
        while chunk := list(islice(records, CHUNK)):
            found: list[tuple[int, int, Problem]] = []  # (line, column's place, problem)
            self._read_chunk(chunk, found)
            found.sort(key=lambda item: item[:2])
            self.problems.extend(problem for _, _, problem in found)

    def _read_chunk(self, chunk: list[tuple[int, list[str]]], found: list[tuple[int, int, Problem]]) -> None:
        lines = [line for line, _ in chunk]
        rows = [cells for _, cells in chunk]
        if any(len(cells) != self.width for cells in rows):
            lines, rows = [], []
            for line, cells in chunk:
                if len(cells) == self.width:
                    lines.append(line)
                    rows.append(cells)
                elif "".join(cells).strip():  # a blank line is skipped, however many commas it has
                    message = f"{len(cells)} fields where the header has {self.width}"
                    found.append((line, -1, Problem(self.name, line, "-", message)))
        left_out: set[int] = set()  # rows with a problem, or blank
        columns = [
            self._column(place, cell, rows, lines, left_out, found) for place, cell in enumerate(self.cells)
        ]
        if left_out:
            kept = [index for index in range(len(rows)) if index not in left_out]
            columns = [[column[index] for index in kept] for column in columns]
            lines = [lines[index] for index in kept]
        # Built as the tuples they are, at C speed: every line has every field by now.
        facts = list(map(partial(tuple.__new__, self.table.fact), zip(*columns, strict=True)))
        duplicates = self._duplicates(list(map(self.key_of, facts)), lines, found)
        if duplicates:
            facts = [fact for index, fact in enumerate(facts) if index not in duplicates]
            lines = [line for index, line in enumerate(lines) if index not in duplicates]
        if self.check:
            for fact, line in zip(facts, lines, strict=True):
                for column, message in self.check(fact):
                    found.append((line, len(self.cells) + 1, Problem(self.name, line, column, message)))
        self.read_so_far.facts.extend(facts)
        self.read_so_far.lines.extend(lines)

    def _duplicates(
        self, keys: list[Any], lines: list[int], found: list[tuple[int, int, Problem]]
    ) -> set[int]:
        """The places of the lines whose key an earlier line holds, each a problem; found at the
        speed of a set when there are none. Only the keys are kept, not their lines (for
        `national`'s 2.8 million discussions, a dict of first lines came to 110 MB more): where
        a key repeats, the first lines are looked up in the lines read so far."""
        distinct = set(keys)
        if self.first_lines is None and len(distinct) == len(keys) and self.keys.isdisjoint(distinct):
            self.keys |= distinct
            return set()
        if self.first_lines is None:
            read = self.read_so_far
            self.first_lines = dict(zip(map(self.key_of, read.facts), read.lines, strict=True))
        self.keys |= distinct
        duplicates = set()
        for index, (key, line) in enumerate(zip(keys, lines, strict=True)):
            first = self.first_lines.setdefault(key, line)
            if first != line:
                shown = "/".join(map(str, key if isinstance(key, tuple) else (key,)))
                message = f"duplicate {shown} (first on line {first})"
                found.append(
                    (line, len(self.cells), Problem(self.name, line, ",".join(self.table.key), message))
                )
                duplicates.add(index)
        return duplicates

    def _column(
        self,
        place: int,
        cell: _Cell,
        rows: list[list[str]],
        lines: list[int],
        left_out: set[int],
        found: list[tuple[int, int, Problem]],
    ) -> list[Any]:
        """One column's values, each distinct text parsed once; a line whose cell is blank where
        a value is required, or malformed, is left out with a problem."""
        if cell.position is None:
            return [cell.default] * len(rows)
        texts = list(map(str.strip, map(itemgetter(cell.position), rows)))  # at C speed
        parsed: dict[str, Any] = {"": cell.default}
        failed: dict[str, str] = {}
        for text in set(texts):
            if text:
                try:
                    parsed[text] = cell.parse(text)
                except ValueError as error:
                    failed[text] = str(error)
        if failed or (cell.required and "" in texts):
            for index, text in enumerate(texts):
                if text in failed:
                    message = failed[text]
                elif cell.required and not text:
                    if not "".join(rows[index]).strip():
                        left_out.add(index)  # a blank line
                        continue
                    message = "a value is required"
                else:
                    continue
                left_out.add(index)
                found.append((lines[index], place, Problem(self.name, lines[index], cell.name, message)))
        return list(map(parsed.get, texts))


def _staff_checks(fact: StaffMember) -> list[tuple[str, str]]:
    found = []
    if fact.line_manager_id == fact.staff_id:
        found.append(("line_manager_id", f"{fact.staff_id} cannot manage themself"))
    if fact.end_date and fact.end_date < fact.start_date:
        found.append(("end_date", f"{fact.end_date} is before start_date {fact.start_date}"))
    return found


def _absence_checks(fact: Absence) -> list[tuple[str, str]]:
    if fact.end_date and fact.end_date < fact.start_date:
        return [("end_date", f"{fact.end_date} is before start_date {fact.start_date}")]
    return []


def _case_checks(fact: Case) -> list[tuple[str, str]]:
    found = []
    if fact.worker_id is None and fact.team is None:
        found.append(("team", "a case with no worker needs the team holding it"))
    if fact.closed_on and fact.closed_on < fact.allocated_on:
        found.append(("closed_on", f"{fact.closed_on} is before allocated_on {fact.allocated_on}"))
    return found


def _cover_checks(fact: Cover) -> list[tuple[str, str]]:
    found = []
    if fact.cover_staff_id == fact.staff_id:
        found.append(("cover_staff_id", f"{fact.staff_id} cannot cover for themself"))
    if fact.to_ and fact.to_ < fact.from_:
        found.append(("to", f"{fact.to_} is before from {fact.from_}"))
    return found


def _not_themself(column: str, person: str, says: str) -> Callable[[Any], list[tuple[str, str]]]:
    """The check that `column` names someone other than `person` (no one supervises, observes,
    appraises or audits themself), reported on `column`."""

    def check(fact: Any) -> list[tuple[str, str]]:
        if getattr(fact, column) == getattr(fact, person):
            return [(column, f"{getattr(fact, person)} {says}")]
        return []

    return check


def _session_checks(fact: SupervisionSession) -> list[tuple[str, str]]:
    found = []
    if fact.status is SessionStatus.HELD and fact.held_on is None:
        found.append(("held_on", "a held session needs the date it was held"))
    if fact.supervisee_id == fact.supervisor_id:
        found.append(("supervisor_id", f"{fact.supervisee_id} cannot supervise themself"))
    return found


# Checks within one line, by fact: ends before starts, self-management, a held session's date.
_CHECKS: dict[type, Callable[[Any], list[tuple[str, str]]]] = {
    StaffMember: _staff_checks,
    Absence: _absence_checks,
    Case: _case_checks,
    Agreement: _not_themself("supervisor_id", "staff_id", "cannot supervise themself"),
    SupervisionSession: _session_checks,
    Observation: _not_themself("observer_id", "staff_id", "cannot observe themself"),
    Appraisal: _not_themself("appraiser_id", "staff_id", "cannot appraise themself"),
    Audit: _not_themself("subject_id", "auditor_id", "cannot audit their own supervision file"),
    Cover: _cover_checks,
}


def _skip_erased(table: Input, read: ParsedFile, stored: Stored, parsed: ParsedImport) -> ParsedFile:
    """The file's rows less those of leavers whose records were destroyed, so that a full
    re-export does not bring them back; one warning says how many."""
    if not stored.erased or table.owner is None:
        return read
    owner = table.fact._fields.index(table.owner)  # type: ignore[attr-defined]
    kept = [index for index, fact in enumerate(read.facts) if fact[owner] not in stored.erased]
    if len(kept) == len(read.facts):
        return read
    skipped = len(read.facts) - len(kept)
    parsed.warnings.append(
        Problem(
            read.file,
            1,
            table.owner,
            f"{skipped} row(s) skipped: they belong to leavers whose records were destroyed "
            "under the retention rule",
        )
    )
    return ParsedFile(
        read.file, [read.facts[index] for index in kept], array("L", map(read.lines.__getitem__, kept))
    )


class _Known:
    """The ids an import's references may point to: those stored (or belonging to a leaver whose
    records were destroyed), and those of the import's files read so far. Only ids are kept of
    the files, not their facts; each check asks the file's own and the stored ids in turn rather
    than their union, which would copy every stored id once more."""

    def __init__(self, stored: Stored) -> None:
        self.stored = stored
        self.line_managers = dict(stored.line_managers)
        self.imported: dict[str, set[str]] = {}
        self.said_missing: set[str] = set()  # inputs already said to be missing altogether

    def check(self, table: Input, read: ParsedFile, parsed: ParsedImport) -> None:
        """Every id `read` refers to exists once the import is applied; no line-management loop."""
        if table.name == "staff":
            self.line_managers.update({s.staff_id: s.line_manager_id for s in read.facts})
        elif table.name in REFERRED_TO:
            key = table.fact._fields.index(table.key[0])  # type: ignore[attr-defined]
            self.imported[table.name] = {fact[key] for fact in read.facts}
        for index, column in enumerate(table.columns):
            target = column.value.refers_to
            if target is None or not self._missing(target, {fact[index] for fact in read.facts}):
                continue  # the common case, found at the speed of a set
            if self._none_at_all(target):  # one line for the file, not one per reference
                if target not in self.said_missing:
                    self.said_missing.add(target)
                    parsed.problems.append(
                        Problem(
                            read.file,
                            0,
                            column.header,
                            f"{target}.csv is missing: none is stored yet, and this import has none; "
                            f"import {target}.csv with the other files",
                        )
                    )
                continue
            noun = "member of staff" if target == "staff" else target.removesuffix("s")
            for fact, line in zip(read.facts, read.lines, strict=True):
                if self._missing(target, {fact[index]}):
                    parsed.problems.append(
                        Problem(read.file, line, column.header, f"no {noun} {fact[index]!r} exists")
                    )
        if table.name == "staff":
            for fact, line in zip(read.facts, read.lines, strict=True):
                loop = _management_loop(fact.staff_id, self.line_managers)
                if loop:
                    parsed.problems.append(
                        Problem(
                            read.file, line, "line_manager_id", "line-management loop: " + " -> ".join(loop)
                        )
                    )

    def _none_at_all(self, target: str) -> bool:
        """No row of `target` stored, and none in this import's files."""
        if target == "staff":
            return not self.line_managers and not self.stored.erased
        return target not in self.imported and not self.stored.ids.get(target)

    def _missing(self, target: str, ids: set[Any]) -> set[Any]:
        ids.discard(None)
        if target == "staff":
            return ids.difference(self.line_managers, self.stored.erased)
        missing = ids.difference(self.imported.get(target, ()))
        return missing.difference(self.stored.ids.get(target, ())) if missing else missing


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
