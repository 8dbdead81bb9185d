"""Nothing lost, nothing doubled: deliveries under the faults a council's night meets, against a
real SMTP server and a real Teams stand-in on loopback, with real processes.

Each test counts what the servers received: expected, received, doubled, lost."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from models.db import open_database
from models.tables import MessageRow, NoticeRow
from notifications.channels import Router
from notifications.delivery import deliver_pending, queue
from notifications.settings import DeliverySettings
from tests.faults import deliver_in_process, digests, relay_settings
from tests.loopback import smtp_server, teams_endpoint

TUESDAY, WEDNESDAY, THURSDAY = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
SPAWN = multiprocessing.get_context("spawn")


def received_by(mailbox) -> Counter[str]:
    return Counter(recipient for recipients, _ in mailbox.messages for recipient in recipients)


@pytest.fixture
def engine(database_url):
    return open_database(database_url)


def test_two_runs_at_once_send_each_message_once(engine, database_url):
    queue(engine, TUESDAY, digests(TUESDAY, 12))
    with smtp_server(delay_s=0.2) as (mailbox, port), SPAWN.Pool(2) as pool:
        sent = pool.starmap(deliver_in_process, [(database_url, port, str(TUESDAY))] * 2)
    received = received_by(mailbox)
    assert sum(sent) == 12 and len(received) == 12 and max(received.values()) == 1


def test_a_run_killed_mid_delivery_then_rerun_loses_nothing_and_repeats_at_most_what_was_in_flight(
    engine, database_url
):
    workers = relay_settings(0).workers
    queue(engine, TUESDAY, digests(TUESDAY, 16))
    with smtp_server(delay_s=0.3) as (mailbox, port):
        run = SPAWN.Process(target=deliver_in_process, args=(database_url, port, str(TUESDAY)))
        run.start()
        deadline = time.monotonic() + 60
        while len(mailbox.messages) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(run.pid, signal.SIGKILL)
        run.join()
        deliver_in_process(database_url, port, str(TUESDAY))
    received = received_by(mailbox)
    doubled = sum(received.values()) - len(received)
    assert len(received) == 16, "lost"
    assert doubled <= workers, f"{doubled} doubled; at most the {workers} in flight may be"


def test_a_slow_teams_endpoint_that_answers_202_gets_each_post_once(engine, tmp_path):
    with teams_endpoint(tmp_path, delay_s=5) as endpoint:
        config = tmp_path / "apprise.yaml"
        config.write_text(f"urls:\n  - {endpoint.url()}:\n    - tag: team-1\n")
        settings = DeliverySettings(apprise_config=str(config), teams_tags=frozenset({"team-1"}), workers=4)
        queue(engine, TUESDAY, digests(TUESDAY, 4, channel="teams"))
        report = deliver_pending(engine, Router(settings), settings, TUESDAY)
    assert (len(report.sent), report.failed, endpoint.attempts, len(endpoint.received)) == (4, {}, 4, 4)


def test_an_earlier_nights_unsent_digest_is_never_sent_stale_its_items_come_in_the_next(engine, tmp_path):
    with smtp_server() as (_, port):
        pass  # the relay is down on Tuesday night
    queue(engine, TUESDAY, digests(TUESDAY, 1))
    down = relay_settings(port)
    tuesday = deliver_pending(engine, Router(down), down, TUESDAY)
    with engine.connect() as connection:
        told = connection.scalar(select(NoticeRow.finding_key))
    with smtp_server() as (mailbox, port):
        up = relay_settings(port)
        wednesday = deliver_pending(engine, Router(up), up, WEDNESDAY)
    assert list(tuesday.failed) and told is None, "an unsent message's items are not recorded as told"
    assert (wednesday.superseded, wednesday.sent, mailbox.messages) == (1, [], [])


def test_a_recipient_who_cannot_be_reached_is_given_up_after_three_nights_and_reported(engine):
    with smtp_server() as (_, port):
        pass
    down = relay_settings(port)
    reports = []
    for night in (TUESDAY, WEDNESDAY, THURSDAY):
        queue(engine, night, digests(night, 1))
        reports.append(deliver_pending(engine, Router(down), down, night))
    assert [bool(r.failed) for r in reports] == [True, True, False]
    [(key, why)] = reports[-1].given_up.items()
    assert key.startswith("2026-11-26/S0/email/") and why.startswith("failed on 3 nights running")
    with engine.connect() as connection:
        statuses = connection.scalars(select(MessageRow.status).order_by(MessageRow.as_of)).all()
    assert statuses == ["superseded", "superseded", "given_up"]
