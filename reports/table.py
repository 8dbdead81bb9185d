"""A table of typed columns: the one shape the page, the workbook and the CSV files are all
written from (`reports.tables` makes the report's). It imports nothing of the models, so the
process that writes a large workbook (`reports.workbook_process`) starts without them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

Value = str | int | float | date | None


class Format(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"
    RATING = "rating"
    CHANGE = "change"  # percentage points, signed


@dataclass(frozen=True)
class Column:
    name: str
    format: Format = Format.TEXT


@dataclass(frozen=True)
class Table:
    key: str  # the sheet and CSV file name
    title: str
    method: str
    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]]
    on_page: bool = True  # False: in the workbook and the CSV files only (a row per person)
