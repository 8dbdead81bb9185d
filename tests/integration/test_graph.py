"""Email through Microsoft Graph, against a loopback stand-in for Entra's token endpoint and
Graph's `sendMail`; and the sender's pace and quota, shared by threads and by processes."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models.db import open_database
from models.messages import store
from models.tables import MessageRow
from notifications.delivery import deliver_pending
from notifications.pace import Limits, SenderPace
from notifications.router import Router
from notifications.settings import DeliverySettings
from tests.faults import deliver, digests, graph_killed_then_rerun, relay_settings
from tests.graph_stand_in import SECRET, graph_service

TUESDAY = date(2026, 11, 24)
SPAWN = multiprocessing.get_context("spawn")


@pytest.fixture
def engine(database_url):
    return open_database(database_url)


def graph_settings(service, folder: Path, **overrides) -> DeliverySettings:
    settings = DeliverySettings(
        graph=service.account(),
        workers=2,
        retries=3,
        backoff_seconds=0.05,
        send_deadline_seconds=5,
        senders_folder=folder / "senders",
    )
    return replace(settings, **overrides)


def statuses(engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(MessageRow.status)))


def test_a_nights_email_goes_through_graph_as_the_sender_on_one_token(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 6))
    with graph_service() as graph:
        report = deliver(engine, graph_settings(graph, tmp_path), TUESDAY)
    assert len(report.sent) == 6 and not report.failed and graph.granted == ["token-1"]
    assert {sent["sender"] for sent in graph.sent} == {"oversight@council.example"}
    first = min(
        graph.sent, key=lambda sent: sent["body"]["message"]["toRecipients"][0]["emailAddress"]["address"]
    )
    message = first["body"]["message"]
    assert first["body"]["saveToSentItems"] is False
    assert message["toRecipients"] == [{"emailAddress": {"address": "s0@council.example"}}]
    assert (
        message["body"]["contentType"] == "HTML" and message["subject"] == "Please sign 1 supervision record"
    )
    assert message["internetMessageHeaders"] == [
        {"name": "X-Oversight-Key", "value": digests(TUESDAY, 1)[0].key}
    ]


def test_a_revoked_token_is_replaced_once_and_the_message_sent_once(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 1))
    with graph_service() as graph:
        settings = graph_settings(graph, tmp_path)
        with Router(settings) as channel:  # one channel, its token kept between the two runs
            deliver_pending(engine, channel, settings, TUESDAY)
            graph.revoke_all()
            store(engine, TUESDAY, digests(TUESDAY, 2)[1:])
            report = deliver_pending(engine, channel, settings, TUESDAY)
    assert len(report.sent) == 1 and graph.answers == [202, 401, 202] and len(graph.granted) == 2


@pytest.mark.parametrize(
    ("answers", "retry_after", "outcome", "tries"),
    [
        ([429], "1", "sent", 2),  # throttled: waits as asked, then sent
        ([503], "1", "sent", 2),  # unavailable for a moment: the same
        (
            [403],
            None,
            "failed: Microsoft Graph answered 403 ErrorAccessDenied",
            1,
        ),  # not allowed: never retried
        ([400], None, "failed: Microsoft Graph answered 400", 1),  # a message Graph will not take
        (
            [500, 500, 500],
            None,
            "failed: Microsoft Graph answered 500",
            3,
        ),  # retried, then left for the next run
    ],
)
def test_graph_answers_are_read_for_what_they_mean(engine, tmp_path, answers, retry_after, outcome, tries):
    store(engine, TUESDAY, digests(TUESDAY, 1))
    with graph_service(statuses=list(answers), retry_after=retry_after) as graph:
        report = deliver(engine, graph_settings(graph, tmp_path, workers=1), TUESDAY)
    said = "sent" if report.sent else "failed: " + next(iter(report.failed.values()))
    assert said.startswith(outcome) and len(graph.arrivals) == tries
    if retry_after:
        assert graph.arrivals[1] - graph.arrivals[0] >= float(retry_after) - 0.05, "Retry-After honoured"


def test_graph_not_answering_leaves_the_message_in_doubt_and_not_sent_again(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 1))
    with graph_service(delay_s=3) as graph:
        report = deliver(engine, graph_settings(graph, tmp_path, workers=1, send_deadline_seconds=1), TUESDAY)
    [why] = report.failed.values()
    assert "may have arrived" in why and len(graph.arrivals) == 1


def test_a_slow_202_within_the_deadline_is_sent_once(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 2))
    with graph_service(delay_s=1.5) as graph:
        report = deliver(engine, graph_settings(graph, tmp_path, send_deadline_seconds=5), TUESDAY)
    assert len(report.sent) == 2 and sorted(graph.received()) == ["s0@council.example", "s1@council.example"]


def test_a_run_killed_mid_delivery_then_rerun_loses_nothing_and_repeats_at_most_what_was_in_flight(
    engine, database_url, tmp_path
):
    store(engine, TUESDAY, digests(TUESDAY, 12))
    with graph_service(delay_s=0.2) as graph:
        graph_killed_then_rerun(database_url, graph, str(TUESDAY), 4, tmp_path / "senders")
    received = Counter(graph.received())
    assert len(received) == 12, "lost"
    assert sum(received.values()) - 12 <= relay_settings(0).workers, "more doubled than were in flight"


def test_credentials_entra_refuses_fail_clearly_and_the_secret_is_never_shown(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 2))
    with graph_service() as graph:
        wrong = replace(graph.account(), client_secret="a-wrong-" + SECRET)
        settings = graph_settings(graph, tmp_path, graph=wrong)
        report = deliver(engine, settings, TUESDAY)
    whys = set(report.failed.values())
    assert whys == {"Microsoft Entra refused the app's token request for tenant tenant-1: 401 invalid_client"}
    assert not graph.sent and SECRET not in repr(settings) and SECRET not in "".join(graph.logged)


def test_a_spent_daily_quota_leaves_the_rest_queued_for_the_next_run_not_failed(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 5))
    with graph_service() as graph:
        report = deliver(engine, graph_settings(graph, tmp_path, daily_limit=3), TUESDAY)
    assert (len(report.sent), report.left, report.failed) == (3, 2, {})
    assert statuses(engine) == ["queued", "queued", "sent", "sent", "sent"]


def test_the_send_rate_spaces_every_threads_messages(engine, tmp_path):
    store(engine, TUESDAY, digests(TUESDAY, 8))
    with graph_service() as graph:
        report = deliver(engine, graph_settings(graph, tmp_path, workers=4, send_rate=300), TUESDAY)
    arrivals = graph.arrivals
    gaps = [later - earlier for earlier, later in zip(arrivals, arrivals[1:], strict=False)]
    # 300 a minute: a turn each 0.2 s, so 8 messages span 1.4 s; each arrives within a thread's
    # wake-up of its turn, so no two come close together
    assert len(report.sent) == 8 and arrivals[-1] - arrivals[0] >= 1.4 - 0.05 and min(gaps) >= 0.1, gaps


def _turns(folder: str, count: int) -> list[float]:
    pace = SenderPace(Path(folder), "oversight@council.example", Limits(per_minute=300, daily=None))
    turns = []
    for _ in range(count):
        pace.take_turn()
        turns.append(time.time())
    return turns


def test_two_councils_nights_sharing_a_sender_share_its_pace(tmp_path):
    with SPAWN.Pool(2) as pool:
        both = pool.starmap(_turns, [(str(tmp_path), 5)] * 2)
    turns = sorted(both[0] + both[1])
    gaps = [later - earlier for earlier, later in zip(turns, turns[1:], strict=False)]
    assert min(gaps) >= 0.2 - 0.02, gaps


def _run(environment: dict[str, str], monkeypatch, *args: str):
    from typer.testing import CliRunner

    from cli.main import app

    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(app, list(args))


@pytest.mark.usefixtures("prefect_server")
def test_a_night_whose_email_cannot_all_go_by_the_morning_tells_the_operators_first(
    database_url, tmp_path, monkeypatch
):
    from tests.csvdata import GOOD, write_folder

    with graph_service() as graph:
        settings = {
            **graph.environment(),
            "OVERSIGHT_DATABASE_URL": database_url,
            "OVERSIGHT_SEND_RATE": "600",
            "OVERSIGHT_SEND_BY": "00:00",  # whenever the test runs, the morning's deadline has passed
            "OVERSIGHT_OPERATORS": "servicedesk@council.example",
        }
        assert _run(settings, monkeypatch, "import", str(write_folder(tmp_path / "csv", GOOD))).exit_code == 0
        result = _run(settings, monkeypatch, "run", "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output
    assert "warning: at 600 a minute, tonight's 3 email messages take until" in result.output
    first, *digests_sent = [sent["body"]["message"] for sent in graph.sent]
    assert first["toRecipients"] == [{"emailAddress": {"address": "servicedesk@council.example"}}]
    assert first["subject"] == "Oversight: not all of tonight's email for council can go out by 00:00"
    assert len(digests_sent) == 3 and "3 sent, 0 failed" in result.output
    assert SECRET not in result.output


@pytest.mark.usefixtures("prefect_server")
def test_the_demo_councils_night_goes_through_graph_at_exchanges_pace_on_one_token_leaving_no_secret(
    tmp_path, monkeypatch
):
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, PREFECT_HOME

    with graph_service(per_minute=30) as graph:  # Exchange Online: 429 beyond 30 a minute
        result = _run(graph.environment(), monkeypatch, "demo", "--folder", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    received = Counter(graph.received())
    assert received and max(received.values()) == 1 and f"{len(received)} sent, 0 failed" in result.output
    assert 429 not in graph.answers and graph.granted == ["token-1"]
    prefect_files = [Path(str(PREFECT_HOME.value()))]
    prefect_files += [Path(PREFECT_API_DATABASE_CONNECTION_URL.value().split(":///")[-1])]
    left = [path for folder in [tmp_path, *prefect_files] for path in _files(folder)]
    assert left and not [path for path in left if SECRET.encode() in path.read_bytes()]


def _files(where: Path) -> list[Path]:
    if where.is_file():
        return [where]
    return [path for path in where.rglob("*") if path.is_file()] if where.is_dir() else []
