"""A large council's workbook is written by a process of its own while the pages are rendered:
the same files as when everything is written in one process, and a failure there is the
report's failure here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from models.compliance.views import views
from reports import publish
from reports.publish import write_report


def _cells(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_a_workbook_written_beside_the_pages_is_the_one_written_here(demo, tmp_path, monkeypatch):
    *_, whole = demo
    cut = views(whole)
    here = write_report(whole, tmp_path / "here", ("html", "xlsx", "csv"), views=cut)
    monkeypatch.setattr(publish, "WORKBOOK_PROCESS_CELLS", 0)
    there = write_report(whole, tmp_path / "beside", ("html", "xlsx", "csv"), views=cut)
    assert [path.relative_to(tmp_path / "beside") for path in there] == [
        path.relative_to(tmp_path / "here") for path in here
    ]
    page, workbook, tables = there[:3]
    assert (page.suffix, workbook.suffix, tables.is_dir()) == (".html", ".xlsx", True)
    assert workbook.stat().st_mode & 0o777 == 0o600
    assert _cells(workbook) == _cells(here[1]) and len(_cells(workbook)["people"]) > 1
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(here[3:], there[3:], strict=True))


def test_a_workbook_that_cannot_be_written_fails_the_report(demo, tmp_path, monkeypatch):
    *_, whole = demo
    monkeypatch.setattr(publish, "WORKBOOK_PROCESS_CELLS", 0)
    (tmp_path / f"compliance-{whole.as_of}.xlsx").mkdir()  # a folder where the file should go
    with pytest.raises(IsADirectoryError) as failed:
        write_report(whole, tmp_path)
    assert "raised in the workbook's process" in failed.value.__notes__[0]


def test_a_workbook_process_that_ends_without_answering_fails_the_report(demo, tmp_path, monkeypatch):
    *_, whole = demo
    monkeypatch.setattr(publish, "WORKBOOK_PROCESS_CELLS", 0)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # ends at once, its input unread
    with pytest.raises(ChildProcessError, match="ended with code 1 and wrote no workbook"):
        write_report(whole, tmp_path)
    assert not list(tmp_path.glob("*.xlsx"))


def test_the_workbook_process_starts_without_the_models_or_prefect():
    """It imports the workbook's writer alone, so it begins writing at once."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, reports.workbook_process; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    heavy = ("models.compliance", "models.policy", "sqlalchemy", "prefect", "jinja2")
    assert [name for name in loaded if name.startswith(heavy)] == []
