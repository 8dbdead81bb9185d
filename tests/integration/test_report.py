"""`oversight report` on the demo council, on SQLite and PostgreSQL: the files a head of service and
an inspector receive, and their figures checked against the night's findings."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cli.main import app
from demo.council import DEMO_AS_OF, SCALES, generate, write_csvs

DAY = DEMO_AS_OF.isoformat()


@pytest.fixture
def oversight(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    assert (
        invoke("import", str(write_csvs(generate(SCALES["demo"]), tmp_path / "csv")[0].parent)).exit_code == 0
    )
    return invoke


@pytest.fixture
def findings(oversight) -> list[dict]:
    return json.loads(oversight("findings", "--as-of", DAY).stdout)["findings"]


def sheet(path: Path, name: str) -> list[dict]:
    """A sheet's rows by header (a read-only workbook leaves trailing blanks out of a row)."""
    header, *rows = load_workbook(path, read_only=True)[name].iter_rows(values_only=True)
    return [dict(zip(header, (*row, *[None] * (len(header) - len(row))), strict=True)) for row in rows]


def test_the_report_files_agree_with_the_nights_findings(oversight, findings, tmp_path):
    result = oversight(
        "report", "--as-of", DAY, "--format", "xlsx", "--format", "csv", "--out", str(tmp_path / "out")
    )
    assert result.exit_code == 0, result.output
    workbook = tmp_path / "out" / f"compliance-{DAY}.xlsx"
    assert f"wrote {workbook}" in result.stdout
    kinds = Counter(f["kind"] for f in findings)
    [service] = [row for row in sheet(workbook, "supervision") if row["Scope"] == "Whole service"]
    assert service["Of"] - service["Within"] == kinds["supervision_overdue"] > 0
    assert len(sheet(workbook, "overdue_cases")) == kinds["case_discussion_overdue"] > 0
    late = [row for row in sheet(workbook, "unsigned") if row["Past the deadline"] == "yes"]
    assert len(late) == kinds["record_unsigned"] > 0
    by_case = ("case_discussion_overdue", "case_unallocated")  # listed by case, in tables of their own
    listed = [f for f in findings if f["stage"] != "upcoming" and f["kind"] not in by_case]
    assert len(sheet(workbook, "overdue")) == len(listed)
    assert {row["Case reference"] for row in sheet(workbook, "unallocated")} == {
        f["case_id"] for f in findings if f["kind"] == "case_unallocated"
    }
    assert {row["Staff id"] for row in sheet(workbook, "unsupervised")} == {
        f["staff_id"] for f in findings if f["kind"] == "supervisor_missing"
    }
    # everyone away on the day is listed (the demo: a manager past the threshold, one on leave with
    # cover); only the one past it with no cover recorded raises the finding
    assert (len(sheet(workbook, "absent_supervisors")), kinds["supervisor_absent"]) == (2, 1)
    # ASYEs, students and probationers: each with their last 1:1 and next due; overdue ones are
    # the night's supervision_overdue findings for them
    early = sheet(workbook, "early_career")
    overdue = {f["staff_id"] for f in findings if f["kind"] == "supervision_overdue"}
    assert early and all(row["Next due"] is not None for row in early)
    assert {row["Staff id"] for row in early if row["Overdue"] == "yes"} == overdue & {
        r["Staff id"] for r in early
    }
    # every team at a glance, worst first, the same 1:1 figures as the supervision table
    teams = {row["Scope"]: row for row in sheet(workbook, "supervision") if row["Kind"] == "team"}
    glance = sheet(workbook, "teams")
    assert [row["Team"] for row in glance] and {row["Team"] for row in glance} == set(teams)
    assert all(row["1:1s within"] == teams[row["Team"]]["Within"] for row in glance)
    # a row per person in post, with their caseload: the open cases of the night's figures
    people = sheet(workbook, "people")
    assert len({row["Staff id"] for row in people}) == len(people) > 0
    open_by_worker = sum(row["Open cases"] for row in people)
    cases = sheet(workbook, "cases_by_category")
    unallocated = len(sheet(workbook, "unallocated"))
    assert open_by_worker + unallocated == sum(row["Of"] for row in cases)
    by_category = [sum(v for k, v in row.items() if k.startswith("Open cases: ")) for row in people]
    assert by_category == [row["Open cases"] for row in people]
    assert sum(row["Open cases"] for row in sheet(workbook, "caseloads")) == open_by_worker
    # the trend a row per scope and day, for pivot tables: the same figures as the trend table
    long = sheet(workbook, "trend_long")
    assert len(long) == 13 * len(sheet(workbook, "trend"))
    whole = [row for row in long if row["Scope"] == "Whole service"]
    assert (whole[-1]["Within"], whole[-1]["Of"]) == (service["Within"], service["Of"])
    # the CSV files are the same tables
    with (tmp_path / "out" / f"compliance-{DAY}-csv" / "supervision.csv").open(encoding="utf-8") as handle:
        [csv_service] = [row for row in csv.DictReader(handle) if row["Scope"] == "Whole service"]
    assert (int(csv_service["Within"]), int(csv_service["Of"])) == (service["Within"], service["Of"])
    trend = sheet(workbook, "service_trend")
    assert [row["Day"].date().isoformat() for row in trend][-2:] == ["2026-10-31", DAY] and len(trend) == 13


def test_the_evidence_pack_is_one_folder_with_the_policy_and_the_exceptions(oversight, tmp_path):
    result = oversight("report", "--as-of", DAY, "--evidence", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pack = tmp_path / f"evidence-{DAY}"
    assert sorted(p.name for p in pack.iterdir()) == [f"evidence-{DAY}.html", f"evidence-{DAY}.xlsx"]
    workbook = load_workbook(pack / f"evidence-{DAY}.xlsx", read_only=True)
    assert {"contents", "policy", "absences", "deemed_agreed", "disputed", "overdue"} <= set(
        workbook.sheetnames
    )
    policy = sheet(pack / f"evidence-{DAY}.xlsx", "policy")
    assert any("48 hours" in row["Source"] for row in policy)
    # the quality of supervision files: the demo's audits of the last year, by month and grade
    audits = sheet(pack / f"evidence-{DAY}.xlsx", "audit_outcomes")
    graded = ("Good", "Requires improvement", "Inadequate", "No grade recorded")
    assert audits and all(row["Audits"] == sum(row[g] for g in graded) for row in audits)
    assert sum(row["Good"] for row in audits) > 0 and sum(row["Actions agreed"] for row in audits) > 0
    page = (pack / f"evidence-{DAY}.html").read_text(encoding="utf-8")
    assert "The policy in force" in page and "Absences in the last twelve months" in page
    # since the last inspection: the period the pack's evidence covers
    since = oversight(
        "report", "--as-of", DAY, "--evidence", "--since", "2026-09-01", "--out", str(tmp_path / "s")
    )
    assert since.exit_code == 0, since.output
    later = sheet(tmp_path / "s" / f"evidence-{DAY}" / f"evidence-{DAY}.xlsx", "audit_outcomes")
    assert [row["Month"] for row in later] == sorted(
        {row["Month"] for row in audits if row["Month"] >= "2026-09"}
    )
    assert (
        "Absences since 2026-09-01"
        in (tmp_path / "s" / f"evidence-{DAY}" / f"evidence-{DAY}.html").read_text()
    )
    assert "sickness" not in sheet(pack / f"evidence-{DAY}.xlsx", "absences").__repr__()
    # never why anyone is away: no threshold that differs by kind of absence (the rules that say
    # what a cancellation for sickness changes are general, and stay)
    said = re.findall(
        r"annual leave|unplanned|more than 2 weeks|more than 14 days|more than one month", page, re.I
    )
    assert said == []


def test_one_teams_report_counts_that_team_alone(oversight, findings, tmp_path):
    result = oversight(
        "report", "--as-of", DAY, "--team", "Team 2", "--format", "xlsx", "--out", str(tmp_path)
    )
    assert result.exit_code == 0, result.output
    workbook = tmp_path / f"compliance-{DAY}-team-2.xlsx"
    assert [row["Scope"] for row in sheet(workbook, "supervision")] == ["Team 2"]
    assert {row["Team"] for row in sheet(workbook, "overdue")} <= {"Team 2"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["--team", "Team 99"], "error: no team called 'Team 99' has anyone in post on 2026-11-24"),
        (["--format", "pdf"], "error: unknown format 'pdf': use one of html, xlsx, csv"),
    ],
)
def test_a_report_that_cannot_be_made_says_why(oversight, tmp_path, args, message):
    result = oversight("report", "--as-of", DAY, "--out", str(tmp_path), *args)
    assert (result.exit_code, result.stderr.strip()) == (2, message)
    assert "Traceback" not in result.output and not list(tmp_path.glob("compliance-*"))


def test_a_pack_made_a_week_later_equals_the_nights_report_and_logs_its_escalations(
    oversight, tmp_path, monkeypatch, database_url
):
    """Nights run under the demo's policy; a week on, the pack for the last of them is made
    without --policy: it applies that night's policy and its figures are the night's report's.
    Its escalation log comes from the messages those nights sent and how long each item stood,
    kept after the nights' findings are gone (here kept two days only)."""
    from sqlalchemy import select

    from demo.council import DEMO_POLICY
    from models.db import open_database
    from models.tables import FindingRow

    monkeypatch.setenv("OVERSIGHT_KEEP_FINDINGS_DAYS", "2")
    for night in ("2026-11-19", "2026-11-20", "2026-11-23", DAY):
        ran = oversight("run", "--as-of", night, "--policy", str(DEMO_POLICY))
        assert ran.exit_code == 0, ran.output
    pack = oversight("report", "--as-of", DAY, "--evidence", "--out", str(tmp_path / "pack"))
    assert pack.exit_code == 0, pack.output
    assert pack.stdout.startswith(f"policy: {DEMO_POLICY}, as the night of {DAY} ran under it")
    night = tmp_path / "reports" / f"compliance-{DAY}.xlsx"
    evidence = tmp_path / "pack" / f"evidence-{DAY}" / f"evidence-{DAY}.xlsx"
    for name in ("teams", "supervision", "records", "cases_by_team", "overdue_cases", "duties", "overdue"):
        assert sheet(evidence, name) == sheet(night, name), name
    log = sheet(evidence, "escalations")
    with open_database(database_url).connect() as connection:
        assert {day.isoformat() for day in connection.scalars(select(FindingRow.as_of))} == {
            "2026-11-23",
            DAY,
        }
    assert log and {row["Outcome"] for row in log} <= {"resolved", "open"}  # every night followed
    assert min(row["Escalated on"].date().isoformat() for row in log) == "2026-11-19"
    assert {row["Outcome"] for row in log} >= {"open"}  # the demo's standing items, escalated nightly
    assert len(sheet(evidence, "cases_trend")) == 13 and sheet(evidence, "records_by_month")


def test_the_page_is_the_same_whatever_the_hash_seed(tmp_path):
    """A scope's people are a set, whose order changes with Python's hash seed: every list of
    the report must not (ties broken by staff id), or two runs of one night would differ."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, tempfile; from pathlib import Path\n"
        "from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs\n"
        "from models.compliance.report import build_report\n"
        "from models.compliance.views import views\n"
        "from models.csvfiles import read_import\n"
        "from models.policy.evaluate import evaluate\n"
        "from models.policy.facts import INPUTS, Snapshot\n"
        "from models.policy.policy import load_policy\n"
        "from reports.html import render_html\n"
        "from reports.tables import report_tables\n"
        "folder = Path(tempfile.mkdtemp()); write_csvs(generate(SCALES['demo']), folder)\n"
        "parsed = read_import([folder]); snapshot = Snapshot(**{t.name: parsed.facts(t.name) for t in INPUTS})\n"
        "policy = load_policy(str(DEMO_POLICY))\n"
        "report = build_report(snapshot, policy, evaluate(snapshot, policy, DEMO_AS_OF), DEMO_AS_OF, 'demo')\n"
        "pages = [render_html(r, report_tables(r, True), True) for r in (report, *views(report))]\n"
        "Path(sys.argv[1]).write_text(''.join(pages))\n"
    )
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}.html"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", script, str(out)], check=True, env=env, cwd=Path(__file__).parents[2]
        )
        pages.append(out.read_text(encoding="utf-8"))
    assert pages[0] == pages[1]
