"""Hardened against hostile data (the security review's issue): each attack a council's export
could carry, run through the command line on SQLite and PostgreSQL, and what must come of it.

So far: spreadsheet formula injection through names and teams, in the report's XLSX workbook,
its CSV files and the evidence pack.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from tests.csvdata import GOOD, write_folder

DAY = "2026-11-24"
HOSTILE = {
    "S1": '=HYPERLINK("http://evil.example","x")',
    "S2": "@SUM(1+1)",
    "M1": "-2+3",
}
HOSTILE_TEAM = "+cmd|' /C calc'!A0"


def _hostile_export(folder: Path) -> Path:
    """The test council with hostile names and a hostile team, quoted as any CSV writer would."""
    rows = list(csv.reader(GOOD["staff.csv"].splitlines()))
    name, team = rows[0].index("name"), rows[0].index("team")
    for row in rows[1:]:
        row[name] = HOSTILE.get(row[0], row[name])
        row[team] = HOSTILE_TEAM if row[team] == "Team 1" else row[team]
    staff = io.StringIO()
    csv.writer(staff, lineterminator="\n").writerows(rows)
    return write_folder(folder, {**GOOD, "staff.csv": staff.getvalue()})


@pytest.fixture
def oversight(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(_hostile_export(tmp_path / "export"))]).exit_code == 0
    return lambda *args: runner.invoke(app, list(args))


def _is_neutral(text: str) -> bool:
    return not text.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_a_name_or_team_is_never_a_formula_in_the_workbook_or_the_csv_files(oversight, tmp_path):
    out = tmp_path / "out"
    result = oversight("report", "--as-of", DAY, "--format", "xlsx", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(out / f"compliance-{DAY}.xlsx")
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'" + HOSTILE["S1"] in texts and "'" + HOSTILE_TEAM in texts
    assert all(_is_neutral(text) for text in texts)
    cells = []
    for path in (out / f"compliance-{DAY}-csv").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            cells += [cell for row in csv.reader(handle) for cell in row]
    assert "'" + HOSTILE_TEAM in cells
    assert all(_is_neutral(cell) for cell in cells if not cell.lstrip("-").replace(".", "").isdigit())


def test_the_evidence_pack_is_data_too(oversight, tmp_path):
    result = oversight("report", "--as-of", DAY, "--evidence", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    workbook = load_workbook(tmp_path / f"evidence-{DAY}" / f"evidence-{DAY}.xlsx")
    formulas = [
        c.coordinate for s in workbook.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"
    ]
    assert formulas == []
    assert any(
        c.value == "'" + HOSTILE["S2"] for s in workbook.worksheets for row in s.iter_rows() for c in row
    )
