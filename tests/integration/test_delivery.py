"""Delivery against real servers on loopback: email through SMTP, Teams through Workflows."""

from __future__ import annotations

from datetime import date

import pytest

from models.db import open_database
from models.messages import Outgoing, store
from notifications.settings import DeliverySettings
from tests.faults import deliver as one_run
from tests.loopback import smtp_server, teams_endpoint

TUESDAY = date(2026, 11, 24)


def email(key: str = "2026-11-24/S1/email", address: str = "priya@council.example") -> Outgoing:
    return Outgoing(
        key=key,
        recipient_id="S1",
        channel="email",
        address=address,
        subject="Please sign 1 supervision record",
        text="Hello Priya",
        html="<p>Hello <b>Priya</b></p>",
    )


def teams(key: str = "2026-11-24/M1/teams", tag: str = "team-1") -> Outgoing:
    return Outgoing(
        key=key,
        recipient_id="M1",
        channel="teams",
        address=tag,
        subject="Supervision: 2 items for you",
        text="**Book and hold supervision**\n- Priya Shah: due",
        html="",
    )


def settings(tmp_path, smtp_port: int | None = None, teams_url: str | None = None) -> DeliverySettings:
    config = None
    if teams_url:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - {teams_url}:\n    - tag: team-1\n")
    return DeliverySettings(
        email_url=f"mailto://127.0.0.1:{smtp_port}?from=oversight@council.example&cto=2"
        if smtp_port
        else None,
        apprise_config=str(config) if config else None,
        teams_tags=frozenset({"team-1"}) if config else frozenset(),
        outbox=tmp_path / "outbox",
        retries=3,
        backoff_seconds=0.05,
    )


def deliver(engine, delivery: DeliverySettings):
    """One run's delivery of the night's messages (each call is a new run)."""
    return one_run(engine, delivery, TUESDAY)


@pytest.fixture
def engine(database_url):
    return open_database(database_url)


def test_an_email_reaches_the_smtp_server_with_text_and_html_parts(engine, tmp_path):
    with smtp_server() as (mailbox, port):
        store(engine, TUESDAY, [email()])
        report = deliver(engine, settings(tmp_path, smtp_port=port))
    assert report.failed == {} and report.sent == ["email:priya@council.example"]
    [(recipients, received)] = mailbox.messages
    assert recipients == ["priya@council.example"]
    assert received["Subject"] == "Please sign 1 supervision record"
    assert "<b>Priya</b>" in received.get_body(("html",)).get_content()
    assert "Hello Priya" in received.get_body(("plain",)).get_content()


def test_a_teams_message_reaches_the_workflow_as_an_adaptive_card(engine, tmp_path):
    with teams_endpoint(tmp_path) as endpoint:
        store(engine, TUESDAY, [teams()])
        report = deliver(engine, settings(tmp_path, teams_url=endpoint.url()))
    assert report.failed == {}
    [payload] = endpoint.received
    card = payload["attachments"][0]["content"]
    texts = " ".join(block.get("text", "") for block in card["body"])
    assert card["type"] == "AdaptiveCard"
    assert "Supervision: 2 items for you" in texts and "Book and hold supervision" in texts


def test_a_rate_limited_teams_endpoint_is_retried_with_backoff_and_gets_the_message_once(engine, tmp_path):
    with teams_endpoint(tmp_path, statuses=[429, 429]) as endpoint:
        store(engine, TUESDAY, [teams()])
        report = deliver(engine, settings(tmp_path, teams_url=endpoint.url()))
    assert report.failed == {} and endpoint.attempts == 3 and len(endpoint.received) == 1


def test_a_failing_endpoint_is_reported_and_retried_by_the_next_run_without_doubling(engine, tmp_path):
    with teams_endpoint(tmp_path, statuses=[500, 500, 500]) as endpoint:
        store(engine, TUESDAY, [teams(), email()])
        first = deliver(engine, settings(tmp_path, teams_url=endpoint.url()))
        assert list(first.failed) == ["2026-11-24/M1/teams", "2026-11-24/S1/email"]
        assert "500" in first.failed["2026-11-24/M1/teams"]
        with smtp_server() as (mailbox, port):
            second = deliver(engine, settings(tmp_path, smtp_port=port, teams_url=endpoint.url()))
            third = deliver(engine, settings(tmp_path, smtp_port=port, teams_url=endpoint.url()))
    assert second.failed == {} and len(second.sent) == 2 and third.sent == []
    assert len(endpoint.received) == 1 and len(mailbox.messages) == 1


def test_an_smtp_server_that_is_down_fails_the_message_not_the_run(engine, tmp_path):
    with smtp_server() as (_, port):
        pass  # the port is free again: nothing listens there
    store(engine, TUESDAY, [email()])
    report = deliver(engine, settings(tmp_path, smtp_port=port))
    assert list(report.failed) == ["2026-11-24/S1/email"]


def test_queueing_the_same_message_twice_stores_it_once(engine):
    assert store(engine, TUESDAY, [email()]) == 1
    assert store(engine, TUESDAY, [email()]) == 0


def test_each_result_is_recorded_with_its_attempts_error_and_time(engine, tmp_path):
    from sqlalchemy import select

    from models.tables import MessageRow

    with teams_endpoint(tmp_path, statuses=[500, 500, 500]) as endpoint:
        store(engine, TUESDAY, [teams(), email()])
        deliver(engine, settings(tmp_path, teams_url=endpoint.url()))
        with smtp_server() as (_, port):
            deliver(engine, settings(tmp_path, smtp_port=port, teams_url=endpoint.url()))
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                MessageRow.message_key,
                MessageRow.status,
                MessageRow.attempts,
                MessageRow.sent_at.is_not(None),
            ).order_by(MessageRow.message_key)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("2026-11-24/M1/teams", "sent", 2, True),
        ("2026-11-24/S1/email", "sent", 2, True),
    ]
