"""Reading the contract's inputs from XLSX workbooks, as HR and case systems export them as often
as CSV: each sheet named after an input (`staff`, or `staff.csv`) is read as that input's file,
row 1 its header, through the same checks as a CSV file; a problem is named
`file:sheet:row: column: message`. A workbook named after an input (`staff.xlsx`) may hold that
input on its only sheet, whatever the sheet is called.

Cells are read as values, never as formulas (the workbook's cached results; no formula is ever
evaluated or kept): a date cell is its day, a whole number its digits, true/false their words.
Read with python-calamine (Rust's calamine): a large council's export of 400,000 rows in 2 to 3.5 s,
where openpyxl's read-only mode took 126 s. But calamine reads a formula's error (`#N/A`,
`#REF!`) as an empty cell (python-calamine issue 105), which would pass for "none": an end date
lost to a broken lookup would keep a leaver in post. A workbook holding any error cell is read by
openpyxl instead, which gives the error's text for the checks to refuse, by row and column.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook

from models.policy.facts import INPUTS, Input

INPUT_BY_SHEET = {name: table for table in INPUTS for name in (table.name, table.file)}


class UnreadableWorkbook(Exception):
    """Not an XLSX workbook that can be read (damaged, encrypted, or another format)."""


def _unreadable(error: Exception, what: str = "workbook") -> UnreadableWorkbook:
    return UnreadableWorkbook(f"not a readable XLSX {what} ({type(error).__name__})")


def contract_sheets(path: Path) -> tuple[list[tuple[str, Input]], list[str]]:
    """The sheets of the workbook that hold inputs, each with its input, and the titles of those
    that do not (skipped, with a warning)."""
    with _opened(path) as book:
        titles = list(book.sheet_names)
    found = [
        (title, INPUT_BY_SHEET[title.strip().lower()])
        for title in titles
        if title.strip().lower() in INPUT_BY_SHEET
    ]
    named = INPUT_BY_SHEET.get(path.stem.lower())
    if not found and named is not None and len(titles) == 1:
        return [(titles[0], named)], []
    return found, [title for title in titles if title.strip().lower() not in INPUT_BY_SHEET]


def sheet_records(path: Path, title: str) -> Iterator[tuple[int, list[str]]]:
    """Each row of the sheet with its row number, its cells as the text a CSV file would hold:
    as wide as the header (a spreadsheet leaves trailing cells out, or formats cells past the
    last column), a row wider only when it holds something past the header, and a blank row
    empty, to be skipped as a blank line is."""
    width = None
    rows = _careful_rows(path, title) if _holds_errors(path) else _rows(path, title)
    for number, row in enumerate(rows, start=1):
        cells = [cell_text(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if width is None:
            width = len(cells)
        elif cells and len(cells) < width:
            cells += [""] * (width - len(cells))
        yield number, cells


def _rows(path: Path, title: str) -> Iterator[Sequence[Any]]:
    """The sheet's rows of values from A1, read by calamine a row at a time."""
    with _opened(path) as book:
        try:
            sheet = book.get_sheet_by_name(title)
        except CalamineError as error:  # a damaged sheet in a workbook whose list of sheets reads
            raise _unreadable(error, "worksheet") from None
        # from the sheet's first row but its first used column: put back the blank columns
        # before it, so that a cell is named by the sheet's own row and column
        before = [""] * (sheet.start[1] if sheet.start else 0)
        for row in sheet.iter_rows():
            yield before + row


def _careful_rows(path: Path, title: str) -> Iterator[Sequence[Any]]:
    """The sheet's rows of values from A1, read by openpyxl: an error cell is its text."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise _unreadable(error) from None
    try:
        yield from book[title].iter_rows(values_only=True)
    finally:
        book.close()


# An error cell's type in the sheet's XML (`<c r="B3" t="e">`), as XML may write the attribute.
# A match in text that merely looks like it costs only the slower reading.
_ERROR_CELL = re.compile(rb"""\bt\s*=\s*["']e["']""")
_CHUNK = 1 << 20


def _holds_errors(path: Path) -> bool:
    """Whether any part of the workbook marks a cell as a formula's error."""
    status = path.stat()
    return _scanned_for_errors(path, status.st_size, status.st_mtime_ns)


@lru_cache(maxsize=8)  # asked for each sheet of a workbook
def _scanned_for_errors(path: Path, size: int, modified: int) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    with archive.open(name) as part:
                        tail = b""
                        while chunk := part.read(_CHUNK):
                            text = tail + chunk
                            # the quoted `e` looked for first: a plain search is many times faster
                            if (b'"e"' in text or b"'e'" in text) and _ERROR_CELL.search(text):
                                return True
                            tail = chunk[-64:]  # a match across two chunks
    except (zipfile.BadZipFile, OSError) as error:
        raise _unreadable(error) from None
    return False


def cell_text(value: Any) -> str:
    """A cell's value as CSV text: `2026-11-24` for a date (a date-time at midnight included),
    `12` for a whole number, `true`/`false`, and text as it is (an empty cell is empty text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _opened:
    """A workbook opened for its values (the cached results of any formula), closed on the way
    out; an unreadable file is `UnreadableWorkbook`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> CalamineWorkbook:
        try:
            self.book = CalamineWorkbook.from_path(str(self.path))
        except (CalamineError, OSError) as error:
            raise _unreadable(error) from None
        return self.book

    def __exit__(self, *_: object) -> None:
        self.book.close()
