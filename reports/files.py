"""The report's tables as files a council already uses: an XLSX workbook with one sheet per table
(and a contents sheet saying how each is computed), or one CSV file per table."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableColumn, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from reports.cells import as_data
from reports.private import private_folder, write_private
from reports.tables import Format, Table, Value

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def write_workbook(tables: Sequence[Table], path: Path, heading: str) -> Path:
    """One sheet per table, named by its key; percentages as spreadsheet percentages and dates
    as dates, so the council can sort, filter and chart them."""
    book = Workbook(write_only=True)
    contents = book.create_sheet("contents")
    contents.column_dimensions["A"].width = 22
    contents.column_dimensions["B"].width = 60
    contents.column_dimensions["C"].width = 110
    contents.append([_cell(contents, as_data(heading), font=_BOLD)])
    contents.append([])
    contents.append([_cell(contents, name, font=_BOLD) for name in ("Sheet", "Table", "How it is computed")])
    for table in tables:
        contents.append(
            [
                _text_cell(contents, table.key),
                _text_cell(contents, table.title),
                _cell(contents, as_data(table.method), alignment=_WRAP),
            ]
        )
    for table in tables:
        sheet = book.create_sheet(table.key)
        for index, column in enumerate(table.columns):
            sheet.column_dimensions[get_column_letter(index + 1)].width = _width(
                column.name, table.rows, index
            )
        sheet.freeze_panes = "A2"
        sheet.append([_cell(sheet, as_data(column.name), font=_BOLD) for column in table.columns])
        for row in table.rows:
            sheet.append(
                [
                    _value(sheet, value, column.format)
                    for value, column in zip(row, table.columns, strict=True)
                ]
            )
        if table.rows:
            with warnings.catch_warnings():  # said of every write-only table; its columns are given
                warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
                sheet.add_table(_excel_table(table))
    buffer = io.BytesIO()
    book.save(buffer)
    return write_private(path, buffer.getvalue())


def _excel_table(table: Table) -> ExcelTable:
    """The sheet's rows as an Excel table: filters on every column, and a name a pivot table
    or a formula can use (`teams`, `supervision`, ...)."""
    ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    excel = ExcelTable(displayName=table.key, ref=ref)
    excel.tableColumns = [
        TableColumn(id=index, name=as_data(column.name))
        for index, column in enumerate(table.columns, start=1)
    ]
    excel.autoFilter = AutoFilter(ref=ref)
    excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    return excel


def write_csvs(tables: Sequence[Table], folder: Path) -> list[Path]:
    """One UTF-8 CSV per table, header first; percentages to one decimal place, dates ISO."""
    private_folder(folder)
    written = []
    for table in tables:
        text = io.StringIO(newline="")
        writer = csv.writer(text)
        writer.writerow(as_data(column.name) for column in table.columns)
        for row in table.rows:
            writer.writerow(
                _text(value, column.format) for value, column in zip(row, table.columns, strict=True)
            )
        written.append(write_private(folder / f"{table.key}.csv", text.getvalue().encode("utf-8")))
    return written


def _value(sheet: Worksheet, value: Value, format: Format) -> object:
    if value is None:
        return None
    if format is Format.PERCENT:
        return _cell(sheet, value / 100, number_format="0%")  # type: ignore[operator]
    if format is Format.CHANGE:
        return _cell(sheet, value, number_format='+0" pts";-0" pts";"no change"')
    if isinstance(value, date):
        return _cell(sheet, value, number_format="yyyy-mm-dd")
    if isinstance(value, str):
        return _text_cell(sheet, value)
    return value


def _text(value: Value, format: Format) -> str:
    if value is None:
        return ""
    if format is Format.PERCENT:
        return f"{value:.1f}"
    if isinstance(value, date):
        return value.isoformat()
    return as_data(value) if isinstance(value, str) else str(value)


def _text_cell(sheet: Worksheet, text: str) -> WriteOnlyCell:
    """Text as text: neutralised, and typed as a string whatever it starts with."""
    return _cell(sheet, as_data(text))


def _cell(sheet: Worksheet, value: object, **style: object) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never "f": openpyxl takes any text starting with "=" for a formula
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _width(name: str, rows: list[tuple[Value, ...]], index: int) -> float:
    """Wide enough for the header and the first rows, within reason."""
    longest = max([len(name), *(len(str(row[index])) for row in rows[:50])])
    return min(60, max(8, longest + 2))
