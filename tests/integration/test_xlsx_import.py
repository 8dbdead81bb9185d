"""The contract's inputs from an XLSX workbook, as HR and case systems export them: one sheet per
input, read through the same checks as CSV, problems named by file, sheet and row."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from models.store import ImportRejected, import_paths, load_snapshot
from tests.csvdata import GOOD, write_folder


def workbook(path: Path, files: dict[str, str], typed: bool = True) -> Path:
    """The CSV files as one workbook, a sheet each named after its input; with `typed`, dates as
    date cells and numbers as numbers, as a spreadsheet holds them."""
    book = Workbook()
    book.remove(book.active)
    for name, text in files.items():
        sheet = book.create_sheet(name.removesuffix(".csv"))
        for row in csv.reader(io.StringIO(text)):
            sheet.append([_typed(cell) if typed else cell for cell in row])
    book.create_sheet("Notes").append(["exported by the HR system"])
    book.save(path)
    return path


def _typed(cell: str) -> object:
    if len(cell) == 10 and cell[4] == "-" and cell[7] == "-":
        return datetime.combine(date.fromisoformat(cell), datetime.min.time())
    try:
        return float(cell) if "." in cell else cell
    except ValueError:
        return cell


def test_a_workbook_imports_as_its_csv_files_do(engine, tmp_path):
    report = import_paths(engine, [workbook(tmp_path / "export.xlsx", GOOD)])
    from_xlsx = load_snapshot(engine)
    assert report.counts["staff"] == 4 and [w.message for w in report.warnings] == [
        "not a sheet of the contract's; skipped"
    ]
    import_paths(engine, [write_folder(tmp_path / "csv", GOOD)])
    assert load_snapshot(engine).staff == from_xlsx.staff  # the same facts: nothing changed
    assert from_xlsx.staff_by_id["S1"].fte == 0.8 and from_xlsx.sessions == load_snapshot(engine).sessions


def test_a_workbook_named_after_an_input_holds_it_on_its_only_sheet(engine, tmp_path):
    book = Workbook()
    for row in csv.reader(io.StringIO(GOOD["closures.csv"])):
        book.active.append(row)
    book.save(tmp_path / "closures.xlsx")
    assert import_paths(engine, [tmp_path / "closures.xlsx"]).counts == {"closures": 1}


@pytest.mark.parametrize(
    ("cell", "value", "said"),
    [
        ("role", "wizard", ":staff:3: role: 'wizard' is not one of:"),
        (
            "start_date",
            "31/02/2026",
            ":staff:3: start_date: '31/02/2026' is not a date in the form YYYY-MM-DD",
        ),
    ],
)
def test_a_bad_cell_is_named_by_file_sheet_row_and_column_and_nothing_is_stored(
    engine, tmp_path, cell, value, said
):
    path = workbook(tmp_path / "export.xlsx", GOOD, typed=False)
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["staff"]
    column = [c.value for c in sheet[1]].index(cell) + 1
    sheet.cell(row=3, column=column, value=value)
    book.save(path)
    with pytest.raises(ImportRejected) as rejected:
        import_paths(engine, [path])
    assert any(str(problem).startswith(f"{path}{said}") for problem in rejected.value.problems)
    assert load_snapshot(engine).staff == []


def test_a_formula_is_read_as_the_value_excel_saved_never_as_its_text(engine, tmp_path):
    """As Excel saves a workbook: each formula with its last result. The result is the data;
    the formula is neither kept nor evaluated."""
    from xlsxwriter import Workbook as Writer

    path = tmp_path / "staff.xlsx"
    book = Writer(path)
    sheet = book.add_worksheet("staff")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    rows = list(csv.reader(io.StringIO(GOOD["staff.csv"])))
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            sheet.write_string(r, c, cell)
    header = rows[0]
    sheet.write_formula(3, header.index("name"), '=PROPER("priya shah")', None, "Priya Shah")
    sheet.write_formula(3, header.index("fte"), "=0.4*2", None, 0.8)
    sheet.write_datetime(3, header.index("start_date"), datetime(2021, 9, 6), day)
    book.close()
    import_paths(engine, [path])
    priya = load_snapshot(engine).staff_by_id["S1"]
    assert (priya.name, priya.fte, priya.start_date) == ("Priya Shah", 0.8, date(2021, 9, 6))


def test_a_formulas_error_is_refused_by_row_and_column_never_read_as_blank(engine, tmp_path):
    """A broken lookup's `#N/A` in an end date: were it read as an empty cell (as calamine reads
    errors), the leaver would stay in post."""
    path = workbook(tmp_path / "export.xlsx", GOOD)
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book["staff"]
    column = [c.value for c in sheet[1]].index("end_date") + 1
    sheet.cell(row=4, column=column, value="#N/A")  # openpyxl stores it as an error cell
    assert sheet.cell(row=4, column=column).data_type == "e"
    book.save(path)
    with pytest.raises(ImportRejected) as rejected:
        import_paths(engine, [path])
    said = f"{path}:staff:4: end_date: '#N/A' is not a date in the form YYYY-MM-DD"
    assert str(rejected.value.problems[0]) == said
    assert load_snapshot(engine).staff == []


def test_a_sheets_rows_and_columns_are_the_sheets_own_whatever_is_blank_before_them(tmp_path):
    """Cells read where the sheet holds them: blank rows and columns before the first used cell
    are kept, so that a problem names the row and column the council sees."""
    from models.xlsxfiles import sheet_records

    book = Workbook()
    book.active["C3"], book.active["E5"] = "c", "e"
    book.save(tmp_path / "staff.xlsx")
    assert list(sheet_records(tmp_path / "staff.xlsx", book.active.title)) == [
        (1, []),
        (2, []),
        (3, ["", "", "c"]),
        (4, []),
        (5, ["", "", "", "", "e"]),
    ]


def test_a_file_that_is_not_a_workbook_is_one_clear_problem(engine, tmp_path):
    (tmp_path / "export.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportRejected) as rejected:
        import_paths(engine, [tmp_path / "export.xlsx"])
    assert [str(p) for p in rejected.value.problems] == [
        f"{tmp_path / 'export.xlsx'}:0: -: not a readable XLSX workbook (ZipError)"
    ]


def dump(engine) -> dict[str, list[tuple]]:
    """Every input table's rows, sorted: what two imports must agree on."""
    from sqlalchemy import select

    from models.tables import INPUT_TABLES

    with engine.connect() as connection:
        return {
            name: sorted(tuple(row) for row in connection.execute(select(table)))
            for name, table in INPUT_TABLES.items()
        }


def test_the_demo_council_exported_as_workbooks_imports_to_the_same_database_as_its_csvs(engine, tmp_path):
    """Every file as a workbook of its own (`staff.xlsx` ...), dates as date cells, numbers as
    numbers, as a spreadsheet export has them; compared with the CSVs imported into SQLite."""
    from demo.council import DEMO_AS_OF, SCALES, generate, write_csvs
    from models.db import open_database

    csvs = write_csvs(generate(SCALES["demo"], DEMO_AS_OF), tmp_path / "csv")
    books = tmp_path / "xlsx"
    books.mkdir()
    for path in csvs:
        book = Workbook()
        for row in csv.reader(path.open(encoding="utf-8", newline="")):
            book.active.append([_typed(cell) for cell in row])
        book.save(books / f"{path.stem}.xlsx")
    import_paths(engine, [books])
    from_csv = open_database(f"sqlite:///{tmp_path / 'from-csv.db'}")
    import_paths(from_csv, [tmp_path / "csv"])
    expected = dump(from_csv)
    assert sum(map(len, expected.values())) > 1000
    assert dump(engine) == expected
