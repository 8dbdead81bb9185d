"""The nightly flow on a real Prefect test server, a real database and the outbox folder."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from flows.nightly import nightly
from models.store import import_paths
from tests.csvdata import GOOD, write_folder

pytestmark = pytest.mark.usefixtures("prefect_server")

TUESDAY = date(2026, 11, 24)
SATURDAY = date(2026, 11, 28)


@pytest.fixture
def council_url(database_url, engine, tmp_path, monkeypatch) -> str:
    """The one council of this installation, configured as a worker's environment would be."""
    import_paths(engine, [write_folder(tmp_path / "csv", GOOD)])
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("OVERSIGHT_OUTBOX", str(tmp_path / "outbox"))
    return database_url


def test_one_digest_per_recipient_is_written_to_the_outbox(council_url, tmp_path):
    outbox = tmp_path / "outbox"
    summary = nightly(as_of=TUESDAY)
    recipients = sorted(m.recipient_id for m in summary.messages)
    assert summary.findings["record_unsigned"] == 1
    assert len(recipients) == len(set(recipients)) == summary.queued == len(summary.sent)
    files = sorted(outbox.glob("*.eml"))
    assert [f.name for f in files] == sorted(m.key.replace("/", "_") + ".eml" for m in summary.messages)
    assert sorted(f.name.split("_")[1] for f in files) == recipients
    [priya] = outbox.glob("2026-11-24_S1_outbox_*.eml")
    email = message_from_bytes(priya.read_bytes(), policy=policy.default)
    assert email["To"] == "priya@council.example"
    assert "record circulated 2026-11-16 is not signed" in email.get_body(("plain",)).get_content()


def test_a_second_run_for_the_same_night_sends_nothing_again(council_url, tmp_path):
    outbox = tmp_path / "outbox"
    first = nightly(as_of=TUESDAY)
    second = nightly(as_of=TUESDAY)
    assert first.sent and (second.queued, second.sent) == (0, [])
    assert len(list(outbox.glob("*.eml"))) == len(first.sent)


def test_nothing_is_sent_on_a_day_that_is_not_a_working_day(council_url, tmp_path):
    summary = nightly(as_of=SATURDAY)
    assert sum(summary.findings.values()) > 0
    assert (summary.messages, summary.sent) == ([], [])
    assert not (tmp_path / "outbox").exists()


def test_a_dry_run_shows_the_messages_and_stores_and_sends_nothing(council_url, tmp_path):
    dry = nightly(as_of=TUESDAY, dry_run=True)
    assert dry.messages and (dry.queued, dry.sent) == (0, [])
    assert not (tmp_path / "outbox").exists()
    real = nightly(as_of=TUESDAY)
    assert len(real.sent) == len(dry.messages)


def test_the_demo_council_is_delivered_by_email_and_teams_once(council_url, engine, tmp_path, monkeypatch):
    from demo.council import DEMO_AS_OF, SCALES, generate, write_csvs
    from tests.loopback import smtp_server, teams_endpoint

    rows = generate(SCALES["demo"])
    import_paths(engine, [write_csvs(rows, tmp_path / "csv")[0].parent])
    with smtp_server() as (mailbox, port), teams_endpoint(tmp_path) as endpoint:
        config = tmp_path / "apprise.yaml"
        tags = sorted({r["teams"] for r in rows["staff"] if r.get("teams")})
        config.write_text(
            "urls:\n" + "".join(f"  - {endpoint.url(t.replace('-', ''))}:\n    - tag: {t}\n" for t in tags)
        )
        monkeypatch.setenv("OVERSIGHT_EMAIL_URL", f"mailto://127.0.0.1:{port}?from=oversight@council.example")
        monkeypatch.setenv("OVERSIGHT_APPRISE_CONFIG", str(config))
        monkeypatch.setenv("OVERSIGHT_TEAMS_MANAGERS", tags[0])
        first = nightly(as_of=DEMO_AS_OF)
        second = nightly(as_of=DEMO_AS_OF)
    assert first.failed == {} and len(first.sent) == first.queued > 5
    assert (second.queued, second.sent) == (0, [])
    emails = [m for m in first.messages if m.channel == "email"]
    assert len(mailbox.messages) == len(emails) and len(endpoint.received) == len(first.messages) - len(
        emails
    )
    assert {tuple(r) for r, _ in mailbox.messages} == {(m.address,) for m in emails}
    assert not (tmp_path / "outbox").exists()


def test_the_run_leaves_a_summary_table_in_the_prefect_ui(council_url, tmp_path):
    import httpx
    from prefect.settings import PREFECT_API_URL

    summary = nightly(as_of=TUESDAY)
    # read over the REST API: Prefect 3.8's own client sends nulls this server version refuses
    response = httpx.post(
        f"{PREFECT_API_URL.value()}/artifacts/filter",
        json={
            "artifacts": {"key": {"any_": ["oversight-council-nightly"]}},
            "sort": "CREATED_DESC",
            "limit": 1,
        },
    )
    [artifact] = response.raise_for_status().json()
    counts = {row["finding"]: row["count"] for row in json.loads(artifact["data"])}
    assert counts["record_unsigned"] == summary.findings["record_unsigned"]
    assert counts["messages sent"] == len(summary.sent)


def test_a_same_night_rerun_after_a_corrected_import_sends_the_new_item_and_then_nothing_new(
    council_url, engine, tmp_path
):
    first = nightly(as_of=TUESDAY)
    header = GOOD["sessions.csv"].splitlines()[0]
    late_record = "X3,S2,M1,personal,2026-11-10,held,2026-11-10,,,2026-11-10,2026-11-10,,,false"
    import_paths(
        engine, [write_folder(tmp_path / "corrected", {"sessions.csv": f"{header}\n{late_record}\n"})]
    )
    second = nightly(as_of=TUESDAY)
    third = nightly(as_of=TUESDAY)
    assert first.sent and second.sent and (third.queued, third.sent) == (0, [])
    [kofi] = [m for m in second.messages if m.recipient_id == "S2"]
    assert "record circulated 2026-11-10 is not signed" in kofi.text
    assert all("2026-11-16" not in m.text for m in second.messages), "what was sent before is not sent again"


def test_the_run_writes_the_compliance_report_and_links_it_from_the_prefect_ui(council_url, tmp_path):
    import httpx
    from prefect.settings import PREFECT_API_URL

    summary = nightly(as_of=TUESDAY)
    page, workbook = summary.report
    assert (page, workbook) == (
        tmp_path / "reports" / "compliance-2026-11-24.html",
        tmp_path / "reports" / "compliance-2026-11-24.xlsx",
    )
    assert "1:1 supervision within timescale today" in page.read_text(encoding="utf-8")
    response = httpx.post(
        f"{PREFECT_API_URL.value()}/artifacts/filter",
        json={
            "artifacts": {"key": {"any_": ["oversight-council-report"]}},
            "sort": "CREATED_DESC",
            "limit": 1,
        },
    )
    [artifact] = response.raise_for_status().json()
    assert (artifact["type"], artifact["data"]) == (
        "markdown",
        f"[Compliance report 2026-11-24]({page.as_uri()})",
    )


def test_on_the_first_working_day_of_the_week_each_manager_gets_a_summary_once(
    engine, database_url, tmp_path, monkeypatch
):
    from demo.council import SCALES, generate, write_csvs

    rows = generate(SCALES["demo"])
    import_paths(engine, [write_csvs(rows, tmp_path / "csv")[0].parent])
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("OVERSIGHT_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("OVERSIGHT_REPORTS_URL", "https://intranet.council.example/oversight/")
    monday = date(2026, 11, 23)
    first = nightly(as_of=monday)
    weekly = [m for m in first.messages if m.subject.startswith("Supervision compliance, week of")]
    away = {  # nobody is chased while away: the demo's manager off sick, and the one on leave
        r["staff_id"] for r in rows["absences"] if r["start_date"] <= monday <= (r["end_date"] or monday)
    }
    managers = {
        r["staff_id"]
        for r in rows["staff"]
        if r["role"] in ("team_manager", "head_of_service", "assistant_director")
    } - away
    assert len(away & {r["staff_id"] for r in rows["staff"] if r["role"] == "team_manager"}) == 2
    assert {m.recipient_id for m in weekly} == managers and len(weekly) == len(managers)
    base, whole = "https://intranet.council.example/oversight/", "compliance-2026-11-23.html"
    role = {r["staff_id"]: r["role"] for r in rows["staff"]}
    reports = Path(os.environ["OVERSIGHT_REPORTS"])
    for message in weekly:  # each to their own view; the whole report to heads of service and above
        [own] = re.findall(rf"{base}((?:lines|teams)/[\w-]+/{whole})", message.text)
        assert (reports / own).is_file()
        assert (f"{base}{whole}" in message.text) is (role[message.recipient_id] != "team_manager")
    assert set(first.sent) >= {str(tmp_path / "outbox" / (m.key.replace("/", "_") + ".eml")) for m in weekly}
    again = nightly(as_of=monday)
    assert (again.queued, again.sent) == (0, [])
    assert not [m for m in nightly(as_of=TUESDAY, dry_run=True).messages if "week of" in m.subject]


def test_two_councils_set_up_by_database_url_alone_keep_their_outboxes_and_reports_apart(
    tmp_path, monkeypatch
):
    """The same export in two councils, so every message of one has the name of a message of the
    other (weekly summaries included, on a Monday): nothing is overwritten, nothing shared."""
    from models.db import open_database

    monkeypatch.delenv("OVERSIGHT_REPORTS")  # each council's own folder, as a fresh install has it
    monkeypatch.delenv("OVERSIGHT_OUTBOX", raising=False)
    monday = date(2026, 11, 23)
    nights = {}
    for council in ("north", "south"):
        url = f"sqlite:///{tmp_path / council}.db"
        import_paths(open_database(url), [write_folder(tmp_path / f"{council}-csv", GOOD)])
        monkeypatch.setenv(f"OVERSIGHT_{council.upper()}_DATABASE_URL", url)
        nights[council] = nightly(council=council, as_of=monday)
    home = tmp_path / "home"
    for council, night in nights.items():
        outbox = home / council / "outbox"
        assert sorted(p.name for p in outbox.glob("*.eml")) == sorted(
            m.key.replace("/", "_") + ".eml" for m in night.messages
        )
        assert any("week of" in m.subject for m in night.messages)
        assert night.report and all(path.parent == home / council / "reports" for path in night.report)
    assert {p.name for p in (home / "north" / "outbox").iterdir()} == {
        p.name for p in (home / "south" / "outbox").iterdir()
    }  # the same names, in folders of their own
