"""The `oversight` command line, as a council's IT team and scripts use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.csvdata import GOOD, with_line, write_folder


@pytest.fixture
def oversight(database_url, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_import_then_findings_prints_the_contract_json(oversight, tmp_path):
    assert oversight("import", str(write_folder(tmp_path, GOOD))).exit_code == 0
    result = oversight("findings", "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["as_of"], document["policy"]) == ("2026-11-24", "default")
    unsigned = [f for f in document["findings"] if f["kind"] == "record_unsigned"]
    assert unsigned == [
        {
            "kind": "record_unsigned",
            "staff_id": "S1",
            "case_id": None,
            "session_id": "X1",
            "due": "2026-11-23",
            "working_days_overdue": 1,
            "stage": "chase",
            "notify": [{"staff_id": "S1", "as": "supervisee"}],
            "detail": "record circulated 2026-11-16 is not signed",
        }
    ]
    keys = [
        (f["kind"], f["staff_id"], f["case_id"] or "", f["session_id"] or "") for f in document["findings"]
    ]
    assert keys == sorted(keys)


def test_an_import_into_a_database_another_process_holds_locked_says_so_and_changes_nothing(
    oversight, database_url, tmp_path, monkeypatch
):
    from models.db import open_database
    from tests.faults import database_locked

    folder = str(write_folder(tmp_path, GOOD))
    open_database(database_url)  # the schema exists, as after any first run
    monkeypatch.setenv("OVERSIGHT_DATABASE_LOCK_WAIT", "0.5")
    with database_locked(database_url, tables="staff"):
        result = oversight("import", folder)
    assert result.exit_code == 1 and "Traceback" not in result.output  # unavailable for now, not a mistake
    assert result.stderr.startswith("error: the database ") and " stayed locked (" in result.stderr
    assert result.stderr.rstrip().endswith("nothing was changed")
    assert oversight("findings", "--as-of", "2026-11-24").stdout.count('"kind"') == 0


def test_a_run_on_a_database_another_process_holds_locked_says_so_in_one_line_and_runs_nothing(
    oversight, database_url, tmp_path, monkeypatch
):
    from tests.faults import database_locked

    oversight("import", str(write_folder(tmp_path, GOOD)))
    monkeypatch.setenv("OVERSIGHT_DATABASE_LOCK_WAIT", "0.5")
    with database_locked(database_url):
        result = oversight("run", "--as-of", "2026-11-24")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("error: the database ") and " stayed locked (" in result.stderr
    assert result.stderr.rstrip().endswith("the night was not run") and len(result.stderr.splitlines()) == 1


def test_a_bad_import_exits_2_listing_every_problem_and_changes_nothing(oversight, tmp_path):
    oversight("import", str(write_folder(tmp_path / "good", GOOD)))
    before = oversight("findings", "--as-of", "2026-11-24").stdout
    bad = with_line(
        with_line(GOOD, "cases.csv", "C-9,burglary,S1,2026-01-05,"),
        "staff.csv",
        "S9,Z,z@x.example,,social_worker,T,S9,2024-01-08,,,,,",
    )
    folder = write_folder(tmp_path / "bad", bad)
    result = oversight("import", str(folder))
    assert result.exit_code == 2
    assert f"{folder}/cases.csv:4: category: 'burglary' is not one of:" in result.stderr
    assert f"{folder}/staff.csv:6: line_manager_id: S9 cannot manage themself" in result.stderr
    assert oversight("findings", "--as-of", "2026-11-24").stdout == before


def test_policy_show_prints_each_rule_with_its_source():
    result = CliRunner().invoke(app, ["policy", "show", "default"])
    assert result.exit_code == 0
    assert "every: fortnightly" in result.stdout and "nelincs" in result.stdout


def test_policy_check_reports_every_mistake(tmp_path):
    broken = tmp_path / "ours.yaml"
    broken.write_text(
        "extends: default\nname: ours\nrecords:\n  signed: {within_working_days: -1}\nescalation:\n  after_working_days: soon\n"
    )
    result = CliRunner().invoke(app, ["policy", "check", str(broken)])
    assert result.exit_code == 2
    assert "records.signed.within_working_days" in result.stderr
    assert "escalation.after_working_days" in result.stderr


@pytest.mark.usefixtures("prefect_server")
@pytest.mark.parametrize(
    ("give_up_after_nights", "said"),
    [
        ("3", ["0 sent, 3 failed", "FAILED 2026-11-24/S1/email"]),  # tried again tomorrow
        ("1", ["0 sent, 0 failed (tried again by the next run), 3 given up", "GIVEN UP 2026-11-24/S1/email"]),
    ],
)
def test_a_run_whose_messages_cannot_be_delivered_exits_1_and_says_which(
    oversight, tmp_path, monkeypatch, give_up_after_nights, said
):
    from tests.loopback import free_port

    oversight("import", str(write_folder(tmp_path / "csv", GOOD)))
    monkeypatch.setenv(
        "OVERSIGHT_EMAIL_URL", f"mailto://127.0.0.1:{free_port()}?from=o@council.example&cto=1"
    )
    monkeypatch.setenv("OVERSIGHT_RETRIES", "1")
    monkeypatch.setenv("OVERSIGHT_GIVE_UP_AFTER_NIGHTS", give_up_after_nights)
    result = oversight("run", "--as-of", "2026-11-24")
    assert result.exit_code == 1, result.output
    assert all(line in result.output for line in said), result.output


def test_a_council_with_no_database_is_told_what_to_set(oversight, tmp_path):
    result = oversight("findings", "--council", "havering", "--as-of", "2026-11-24")
    assert result.exit_code == 2
    assert (
        "error: council 'havering' has no database_url: set OVERSIGHT_HAVERING_DATABASE_URL" in result.output
    )


@pytest.mark.usefixtures("prefect_server")
def test_the_nightly_run_destroys_leavers_records_past_the_policys_period_and_says_how_many(
    oversight, tmp_path, monkeypatch
):
    from tests.integration.test_leavers_retention import EXPORT

    monkeypatch.setenv("OVERSIGHT_OUTBOX", str(tmp_path / "outbox"))
    assert oversight("import", str(write_folder(tmp_path / "csv", EXPORT))).exit_code == 0
    dry = oversight("run", "--as-of", "2026-11-25", "--policy", "havering", "--dry-run")
    assert dry.exit_code == 0 and "Retention" not in dry.output  # a dry run removes nothing
    result = oversight("run", "--as-of", "2026-11-25", "--policy", "havering")
    assert result.exit_code == 0, result.output
    assert (
        "Retention: removed 7 row(s) of leavers whose records are past the policy's period (audits 1, "
        "appraisals 1, observations 1, sessions 1, absences 1, agreements 1, staff 1)"
    ) in result.output
    document = json.loads(oversight("findings", "--as-of", "2026-11-25", "--policy", "havering").stdout)
    assert "L1" not in {f["staff_id"] for f in document["findings"]}


def test_the_small_confusions_a_newcomer_meets_each_say_what_to_do(oversight, tmp_path):
    assert oversight("--version").stdout.startswith("oversight ")
    (tmp_path / "empty").mkdir()
    empty = oversight("import", str(tmp_path / "empty"))
    assert empty.exit_code == 2 and empty.stderr.startswith("error: no contract file in ")
    never = oversight("run", "--dry-run", "--as-of", "2026-11-24")
    assert never.exit_code == 2 and "nothing imported yet: run `oversight import`" in never.stderr
    no_staff = {name: text for name, text in GOOD.items() if name != "staff.csv"}
    without = oversight("import", str(write_folder(tmp_path / "no-staff", no_staff)))
    assert without.exit_code == 2 and without.stderr.count("staff.csv is missing") == 1  # said once
    assert "no member of staff" not in without.stderr
    missing = oversight("policy", "check", "our-policy.yaml")
    assert missing.exit_code == 2 and missing.stderr.startswith("our-policy.yaml: file not found")
    misspelt = tmp_path / "policy.yaml"
    misspelt.write_text("extends: default\nname: x\ntitle: x\nescalaton: {}\n")
    said = oversight("policy", "check", str(misspelt)).stderr
    assert f"{misspelt}:4: escalaton: not a setting here (did you mean 'escalation'?)" in said


@pytest.mark.usefixtures("prefect_server")
def test_a_report_applies_the_policy_its_night_ran_under_and_says_which(oversight, tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_OUTBOX", str(tmp_path / "outbox"))
    assert oversight("import", str(write_folder(tmp_path / "csv", GOOD))).exit_code == 0
    assert oversight("run", "--as-of", "2026-11-24", "--policy", "havering").exit_code == 0
    out = ["--out", str(tmp_path / "reports")]

    night = oversight("report", "--as-of", "2026-11-24", *out)
    assert night.exit_code == 0 and night.stdout.startswith(
        "policy: havering, as the night of 2026-11-24 ran under it"
    )
    page = (tmp_path / "reports" / "compliance-2026-11-24.html").read_text(encoding="utf-8")
    assert "(havering)" in page

    other = oversight("report", "--as-of", "2026-11-24", "--policy", "default", *out)
    assert "policy: default, NOT the policy the night of 2026-11-24 ran under (havering)" in other.stdout
    no_night = oversight("report", "--as-of", "2026-11-23", *out)
    assert no_night.stdout.startswith("policy: default (no night was recorded on 2026-11-23)")


def test_a_report_with_views_writes_each_managers_page_as_the_night_does(oversight, tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("OVERSIGHT_REPORTS", str(tmp_path / "night"))
    assert oversight("import", str(write_folder(tmp_path / "csv", GOOD))).exit_code == 0
    assert oversight("run", "--as-of", "2026-11-24").exit_code == 0

    result = oversight("report", "--as-of", "2026-11-24", "--views", "--out", str(tmp_path / "asked"))
    assert result.exit_code == 0, result.output

    def pages(folder: Path) -> dict[str, str]:
        return {
            str(page.relative_to(folder)): page.read_text(encoding="utf-8")
            for kind in ("lines", "teams")
            for page in (folder / kind).rglob("*.html")
        }

    night, asked = pages(tmp_path / "night"), pages(tmp_path / "asked")
    assert night and asked == night
    assert sorted(line for line in result.stdout.splitlines() if "/teams/" in line) == sorted(
        f"wrote {tmp_path / 'asked' / page}" for page in night if page.startswith("teams/")
    )
    for others in (["--team", "Team 1"], ["--evidence"]):
        refused = oversight("report", "--as-of", "2026-11-24", "--views", *others)
        assert refused.exit_code == 2 and "--views is for the whole service's report" in refused.stderr
