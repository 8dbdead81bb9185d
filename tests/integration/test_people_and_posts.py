"""People and posts through the command line, on SQLite and PostgreSQL: a manager who leaves,
cases with no worker and cover records, imported as a council exports them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs
from models.compliance.report import build_report
from models.db import open_database
from models.policy.evaluate import evaluate
from models.policy.policy import load_policy
from models.store import load_snapshot

AS_OF = DEMO_AS_OF.isoformat()


@pytest.fixture
def oversight(database_url, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def _figures(database_url: str) -> tuple[int, int, int]:
    """The service's 1:1 figure's count, its case figure's count, and the staff in post whom
    anyone supervises and the open cases, recounted from the snapshot."""
    snapshot = load_snapshot(open_database(database_url))
    policy = load_policy(str(DEMO_POLICY))
    report = build_report(snapshot, policy, evaluate(snapshot, policy, DEMO_AS_OF), DEMO_AS_OF)
    cases = sum(share.of for share in report.cases_by_team.values())
    return report.service.today.of, cases, len(report.unsupervised)


def test_a_figure_never_improves_when_a_manager_leaves(oversight, database_url, tmp_path):
    folder = tmp_path / "export"
    rows = generate(SCALES["demo"])
    write_csvs(rows, folder)
    assert oversight("import", str(folder)).exit_code == 0
    in_post_before, cases_before, unsupervised_before = _figures(database_url)

    manager = next(r for r in rows["staff"] if r["role"] == "team_manager" and r["team"] == "Team 1")
    manager["end_date"] = DEMO_AS_OF.replace(month=10, day=31)
    write_csvs(rows, folder)
    result = oversight("import", str(folder))
    assert result.exit_code == 0, result.output

    in_post, cases, unsupervised = _figures(database_url)
    assert in_post == in_post_before - 1  # everyone still in post is counted; the leaver is not
    assert cases == cases_before  # every open case, the leaver's own included
    reports = [r for r in rows["staff"] if r["line_manager_id"] == manager["staff_id"]]
    assert unsupervised >= unsupervised_before + len(reports) - 1  # (one has an agreement elsewhere)

    found = json.loads(oversight("findings", "--as-of", AS_OF, "--policy", str(DEMO_POLICY)).output)
    missing = {f["staff_id"] for f in found["findings"] if f["kind"] == "supervisor_missing"}
    assert {r["staff_id"] for r in reports} <= missing | {
        r["staff_id"] for r in rows["agreements"] if r["supervisor_id"] != manager["staff_id"]
    }
    head = manager["line_manager_id"]
    told = {
        n["staff_id"] for f in found["findings"] if f["kind"] == "supervisor_missing" for n in f["notify"]
    }
    assert head in told  # the leaver's line manager, as the contract says


def _write(path: Path, header: list[str], *rows: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_cover_and_a_case_with_no_worker_import_and_route_as_the_contract_says(oversight, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    header = ["staff_id", "name", "email", "role", "team", "line_manager_id", "start_date"]
    _write(
        folder / "staff.csv",
        header,
        ["H", "Hana Head", "h@council.example", "head_of_service", "Service", "", "2020-01-06"],
        ["M", "Mo Manager", "m@council.example", "team_manager", "Team 1", "H", "2020-01-06"],
        ["G", "Gus Manager", "g@council.example", "team_manager", "Team 2", "H", "2020-01-06"],
        ["S", "Sam Worker", "s@council.example", "social_worker", "Team 1", "M", "2020-01-06"],
    )
    _write(
        folder / "absences.csv",
        ["absence_id", "staff_id", "kind", "start_date"],
        ["A1", "M", "sickness", "2026-11-16"],
    )
    _write(
        folder / "cover.csv",
        ["cover_id", "staff_id", "cover_staff_id", "from", "to"],
        ["V1", "M", "G", "2026-11-16", ""],
    )
    _write(
        folder / "cases.csv",
        ["case_id", "category", "worker_id", "allocated_on", "closed_on", "team"],
        ["C-1", "cp", "", "2026-11-20", "", "Team 1"],
    )
    result = oversight("import", str(folder))
    assert result.exit_code == 0, result.output
    found = json.loads(oversight("findings", "--as-of", AS_OF).output)["findings"]
    by_kind = {(f["kind"], f["staff_id"]): f for f in found}
    unallocated = by_kind[("case_unallocated", None)]
    assert unallocated["case_id"] == "C-1" and unallocated["notify"] == [{"staff_id": "G", "as": "cover"}]
    assert ("supervisor_absent", "M") not in by_kind  # cover is arranged

    _write(
        folder / "cover.csv",
        ["cover_id", "staff_id", "cover_staff_id", "from", "to"],
        ["V1", "M", "M", "2026-11-20", "2026-11-16"],
    )
    _write(
        folder / "cases.csv",
        ["case_id", "category", "worker_id", "allocated_on"],
        ["C-2", "cp", "", "2026-11-20"],
    )
    result = oversight("import", str(folder))
    assert result.exit_code == 2
    assert "cases.csv:2: team: a case with no worker needs the team holding it" in result.output
    assert "cover.csv:2: cover_staff_id: M cannot cover for themself" in result.output
    assert "cover.csv:2: to: 2026-11-16 is before from 2026-11-20" in result.output
