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


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join(['*' + chr(97 + n)] * 10)}]\n" for n in range(8)
)


@pytest.mark.parametrize(
    "why, content, says",
    [
        ("a billion laughs", "extends: default\n" + LAUGHS, "its aliases stand for more than"),
        ("a file of 2 MB", "extends: default\n" + "# padding\n" * 200_000, "a policy file is at most"),
        (
            "a number past all reason",
            "extends: default\nescalation: {after_working_days: 1.0e+30, remind_every_working_days: 3, source: x}\n",
            "escalation.after_working_days",
        ),
        (
            "a duty every 0 days",
            "extends: default\nappraisals: {every: 0 days, source: x}\n",
            "appraisals.every",
        ),
        ("a NUL byte", "extends: default\ntitle: a\0b\n", "a NUL character"),
        ("Latin-1, not UTF-8", "extends: default\ntitle: caf\xe9\n".encode("latin-1"), "not UTF-8 text"),
        (
            "100,000 levels of nesting",
            "extends: default\nx: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "nested more than",
        ),
        ("extends reaching outside", "extends: /proc/self/environ\n", "is neither a preset"),
    ],
)
def test_a_hostile_policy_file_is_one_line_of_refusal(why, content, says, tmp_path):
    """Each attack on `oversight policy check` ends in one line naming the file: exit 2, quickly,
    never a traceback nor gigabytes of memory."""
    path = tmp_path / "policy.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = CliRunner().invoke(app, ["policy", "check", str(path)])
    assert result.exit_code == 2, (why, result.output[-2000:])
    assert result.stderr.startswith(f"{path}:") and says in result.stderr, (why, result.stderr)
    assert "Traceback" not in result.output


def test_a_link_planted_in_the_reports_folder_is_replaced_never_followed(oversight, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    for name in (f"compliance-{DAY}.html", f"compliance-{DAY}.xlsx"):
        (out / name).symlink_to(target)
    (out / f"compliance-{DAY}-csv").mkdir()
    (out / f"compliance-{DAY}-csv" / "supervision.csv").symlink_to(target)
    result = oversight(
        "report", "--as-of", DAY, "--format", "html", "--format", "xlsx", "--format", "csv", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    assert target.read_text() == "keep me"
    assert not any(path.is_symlink() for path in out.rglob("*"))
    linked = tmp_path / "linked-folder"
    linked.symlink_to(out)
    refused = oversight("report", "--as-of", DAY, "--out", str(linked))
    assert refused.exit_code == 2 and "is a symbolic link" in refused.stderr


def test_what_a_run_writes_is_readable_by_its_account_only_whatever_the_umask(
    database_url, tmp_path, monkeypatch
):
    import os
    import stat

    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    previous = os.umask(0o022)
    try:
        result = CliRunner().invoke(app, ["import", str(_hostile_export(tmp_path / "export"))])
        assert result.exit_code == 0
        result = CliRunner().invoke(
            app, ["report", "--as-of", DAY, "--evidence", "--out", str(tmp_path / "out")]
        )
        assert result.exit_code == 0, result.output
    finally:
        os.umask(previous)
    written = [p for p in (tmp_path / "out").rglob("*")]
    if database_url.startswith("sqlite"):
        written += [p for p in tmp_path.glob("oversight.db*")]
    assert written
    for path in written:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


def test_retention_takes_a_leaver_out_of_old_reports_and_outbox_files_and_the_database_file(tmp_path):
    """Files of nights older than the policy keeps a leaver's records go; later ones stay. A
    deleted row is overwritten in SQLite's file (`secure_delete`), not left in a free page."""
    from datetime import date

    from models.db import open_database
    from models.policy.policy import load_policy
    from models.retention import prune_files

    reports, outbox = tmp_path / "reports", tmp_path / "outbox"
    for folder in (reports, outbox):
        folder.mkdir()
    old = [
        reports / "compliance-2023-11-23.html",
        reports / "evidence-2023-11-20",
        outbox / "2023-11-23_S1_outbox_ab.eml",
    ]
    kept = [
        reports / "compliance-2023-11-24.html",
        outbox / "2026-11-24_S1_outbox_cd.eml",
        reports / "notes.txt",
    ]
    old[1].mkdir()
    for path in [old[0], old[2], *kept]:
        path.write_text("Hana Green")
    rule = load_policy("havering").retention  # three years after leaving
    assert prune_files([reports, outbox], date(2026, 11, 24), rule) == 3
    assert [p.exists() for p in old] == [False, False, False] and all(p.exists() for p in kept)

    engine = open_database(f"sqlite:///{tmp_path / 'o.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


@pytest.mark.usefixtures("prefect_server")
def test_a_night_with_hostile_names_sends_text_as_text_by_email_and_teams(
    database_url, tmp_path, monkeypatch
):
    """`oversight run` with a name that would be a link and bold in Teams, and one full of line
    separators, to a real SMTP relay (which refuses a line over 998 bytes for good) and a Teams
    stand-in, with a sender whose name has an accent and a comma."""
    import json

    from tests.loopback import smtp_server, teams_endpoint

    phish = "- [Click here](http://evil.example/phish) **BOLD**"
    rows = list(csv.reader(GOOD["staff.csv"].splitlines()))
    name = rows[0].index("name")
    for row in rows[1:]:
        row[name] = {"S1": phish, "S2": "Kofi" + "\u2028\u0085" * 99}.get(row[0], row[name])
    staff = io.StringIO()
    csv.writer(staff, lineterminator="\n").writerows(rows)
    export = write_folder(tmp_path / "export", {**GOOD, "staff.csv": staff.getvalue()})
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    assert CliRunner().invoke(app, ["import", str(export)]).exit_code == 0
    with smtp_server() as (mailbox, port), teams_endpoint(tmp_path) as endpoint:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - {endpoint.url()}:\n    - tag: team-1-managers\n")
        sender = "Équipe Oversight, Ops <oversight@council.example>"
        monkeypatch.setenv("OVERSIGHT_EMAIL_URL", f"mailto://127.0.0.1:{port}?from={sender}")
        monkeypatch.setenv("OVERSIGHT_APPRISE_CONFIG", str(config))
        result = CliRunner().invoke(app, ["run", "--as-of", DAY])
    assert result.exit_code == 0, result.output
    posted = json.dumps(endpoint.received)
    assert endpoint.received and "[Click here](" not in posted and "**BOLD**" not in posted
    assert r"\\[Click here\\]" in posted
    assert mailbox.messages
    for _, email in mailbox.messages:
        assert email["From"].addresses[0].addr_spec == "oversight@council.example"
        assert email["From"].addresses[0].display_name == "Équipe Oversight, Ops"
        body = email.get_body(("plain",)).get_content()
        assert "\u2028" not in body and "\x85" not in body
