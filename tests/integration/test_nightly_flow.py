"""The nightly flow on a real Prefect test server, a real database and the outbox folder."""

from __future__ import annotations

from datetime import date
from email import message_from_bytes, policy

import pytest

from flows.nightly import nightly
from models.store import import_paths
from tests.csvdata import GOOD, write_folder

pytestmark = pytest.mark.usefixtures("prefect_server")

TUESDAY = date(2026, 11, 24)
SATURDAY = date(2026, 11, 28)


@pytest.fixture
def council_url(database_url, engine, tmp_path) -> str:
    import_paths(engine, [write_folder(tmp_path / "csv", GOOD)])
    return database_url


def test_one_digest_per_recipient_is_written_to_the_outbox(council_url, tmp_path):
    outbox = tmp_path / "outbox"
    summary = nightly(as_of=TUESDAY, database=council_url, outbox=str(outbox))
    recipients = sorted(m.recipient_id for m in summary.messages)
    assert summary.findings["record_unsigned"] == 1
    assert len(recipients) == len(set(recipients)) == summary.queued == len(summary.sent)
    files = sorted(outbox.glob("*.eml"))
    assert [f.name for f in files] == [f"2026-11-24_{r}_outbox.eml" for r in recipients]
    email = message_from_bytes((outbox / "2026-11-24_S1_outbox.eml").read_bytes(), policy=policy.default)
    assert email["To"] == "priya@council.example"
    assert "record circulated 2026-11-16 is not signed" in email.get_body(("plain",)).get_content()


def test_a_second_run_for_the_same_night_sends_nothing_again(council_url, tmp_path):
    outbox = tmp_path / "outbox"
    first = nightly(as_of=TUESDAY, database=council_url, outbox=str(outbox))
    second = nightly(as_of=TUESDAY, database=council_url, outbox=str(outbox))
    assert first.sent and (second.queued, second.sent) == (0, [])
    assert len(list(outbox.glob("*.eml"))) == len(first.sent)


def test_nothing_is_sent_on_a_day_that_is_not_a_working_day(council_url, tmp_path):
    summary = nightly(as_of=SATURDAY, database=council_url, outbox=str(tmp_path / "outbox"))
    assert sum(summary.findings.values()) > 0
    assert (summary.messages, summary.sent) == ([], [])
    assert not (tmp_path / "outbox").exists()


def test_a_dry_run_shows_the_messages_and_stores_and_sends_nothing(council_url, tmp_path):
    dry = nightly(as_of=TUESDAY, dry_run=True, database=council_url, outbox=str(tmp_path / "outbox"))
    assert dry.messages and (dry.queued, dry.sent) == (0, [])
    assert not (tmp_path / "outbox").exists()
    real = nightly(as_of=TUESDAY, database=council_url, outbox=str(tmp_path / "outbox"))
    assert len(real.sent) == len(dry.messages)
