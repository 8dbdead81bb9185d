"""Nothing lost, nothing doubled: deliveries under the faults a council's night meets, against a
real SMTP server and a real Teams stand-in on loopback, with real processes.

Each test counts what the servers received: expected, received, doubled, lost."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from models.db import open_database
from models.messages import store
from models.tables import MessageRow, NoticeRow
from notifications.delivery import deliver_pending
from tests.faults import (
    database_locked,
    deliver,
    deliver_in_process,
    deliver_reporting_error,
    digests,
    killed_then_rerun,
    locked_then_rerun,
    relay_settings,
    teams_settings,
)
from tests.loopback import broken_relay, smtp_server, teams_endpoint

TUESDAY, WEDNESDAY, THURSDAY = date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 26)
SPAWN = multiprocessing.get_context("spawn")


def received_by(mailbox) -> Counter[str]:
    return Counter(recipient for recipients, _ in mailbox.messages for recipient in recipients)


@pytest.fixture
def engine(database_url):
    return open_database(database_url)


def test_two_runs_at_once_send_each_message_once(engine, database_url):
    store(engine, TUESDAY, digests(TUESDAY, 12))
    with smtp_server(delay_s=0.2) as (mailbox, port), SPAWN.Pool(2) as pool:
        sent = pool.starmap(deliver_in_process, [(database_url, port, str(TUESDAY))] * 2)
    received = received_by(mailbox)
    assert sum(sent) == 12 and len(received) == 12 and max(received.values()) == 1


def test_a_run_killed_mid_delivery_then_rerun_loses_nothing_and_repeats_at_most_what_was_in_flight(
    engine, database_url
):
    workers = relay_settings(0).workers
    store(engine, TUESDAY, digests(TUESDAY, 16))
    with smtp_server(delay_s=0.3) as (mailbox, port):
        killed_then_rerun(database_url, mailbox, port, str(TUESDAY), after=6)
    received = received_by(mailbox)
    doubled = sum(received.values()) - len(received)
    assert len(received) == 16, "lost"
    assert doubled <= workers, f"{doubled} doubled; at most the {workers} in flight may be"


def test_a_claim_that_waited_behind_slow_sends_is_renewed_so_no_other_run_can_take_it_mid_send(engine):
    """Claims are taken a few at a time; when each send takes minutes, a message that waited its
    turn must still hold a live claim while it is sent, or a second run could send it too."""
    store(engine, TUESDAY, digests(TUESDAY, 5))
    settings = replace(relay_settings(0), workers=1)
    now = [1_000_000.0]

    class SlowRelay:
        leases_left: list[float] = []

        def send(self, message):
            with engine.connect() as connection:
                until = connection.scalar(
                    select(MessageRow.claimed_until).where(MessageRow.message_key == message.key)
                )
            self.leases_left.append(until - now[0])
            now[0] += settings.lease_seconds * 0.7  # each send takes most of a lease
            return "slow relay"

    report = deliver_pending(engine, SlowRelay(), settings, TUESDAY, clock=lambda: now[0])
    assert len(report.sent) == 5
    assert min(SlowRelay.leases_left) > settings.lease_seconds * 0.7, SlowRelay.leases_left


def test_a_slow_teams_endpoint_that_answers_202_gets_each_post_once(engine, tmp_path):
    with teams_endpoint(tmp_path, delay_s=5) as endpoint:
        settings = teams_settings(tmp_path, endpoint, workers=4)
        store(engine, TUESDAY, digests(TUESDAY, 4, channel="teams"))
        report = deliver(engine, settings, TUESDAY)
    assert (len(report.sent), report.failed, endpoint.attempts, len(endpoint.received)) == (4, {}, 4, 4)


def test_an_earlier_nights_unsent_digest_is_never_sent_stale_its_items_come_in_the_next(engine, tmp_path):
    with smtp_server() as (_, port):
        pass  # the relay is down on Tuesday night
    store(engine, TUESDAY, digests(TUESDAY, 1))
    down = relay_settings(port)
    tuesday = deliver(engine, down, TUESDAY)
    with engine.connect() as connection:
        told = connection.scalar(select(NoticeRow.finding_key))
    with smtp_server() as (mailbox, port):
        up = relay_settings(port)
        wednesday = deliver(engine, up, WEDNESDAY)
    assert list(tuesday.failed) and told is None, "an unsent message's items are not recorded as told"
    assert (wednesday.superseded, wednesday.sent, mailbox.messages) == (1, [], [])


def test_a_recipient_who_cannot_be_reached_is_given_up_after_three_nights_and_reported(engine):
    with smtp_server() as (_, port):
        pass
    down = relay_settings(port)
    reports = []
    for night in (TUESDAY, WEDNESDAY, THURSDAY):
        store(engine, night, digests(night, 1))
        reports.append(deliver(engine, down, night))
    assert [bool(r.failed) for r in reports] == [True, True, False]
    [(key, why)] = reports[-1].given_up.items()
    assert key.startswith("2026-11-26/S0/email/") and why.startswith("failed on 3 nights running")
    with engine.connect() as connection:
        statuses = connection.scalars(select(MessageRow.status).order_by(MessageRow.as_of)).all()
    assert statuses == ["superseded", "superseded", "given_up"]


@pytest.mark.parametrize(
    "refusal",
    [
        "421 4.7.0 Too many messages on this connection, closing",
        "451 4.3.0 Temporary failure, try again later",
    ],
)
def test_a_relay_that_turns_away_every_fifth_message_for_now_gets_each_once(engine, refusal):
    store(engine, TUESDAY, digests(TUESDAY, 12))
    with smtp_server(refuse_every=5, refusal=refusal) as (mailbox, port):
        report = deliver(engine, relay_settings(port, retries=3, backoff_seconds=0.05), TUESDAY)
    received = received_by(mailbox)
    assert (len(report.sent), report.failed, len(received), max(received.values())) == (12, {}, 12, 1)


def test_an_address_the_relay_refuses_outright_is_not_asked_for_again_in_the_run(engine):
    store(engine, TUESDAY, digests(TUESDAY, 3))
    with smtp_server(unknown=frozenset({"s1@council.example"})) as (mailbox, port):
        report = deliver(engine, relay_settings(port, retries=3, backoff_seconds=0.05), TUESDAY)
    [(key, why)] = report.failed.items()
    assert key.startswith("2026-11-24/S1/") and "550" in why
    assert mailbox.rcpt_commands == 3 and len(report.sent) == 2


def test_a_nights_messages_share_a_connection_per_sending_thread(engine):
    store(engine, TUESDAY, digests(TUESDAY, 10))
    with smtp_server() as (mailbox, port):
        report = deliver(engine, relay_settings(port, workers=2), TUESDAY)
    assert len(report.sent) == 10 and len(mailbox.connections) <= 2


@pytest.mark.parametrize("behaviour", ["silent", "trickle"])
def test_a_relay_that_never_finishes_an_answer_ends_the_run_then_a_rerun_sends_everything_once(
    engine, behaviour
):
    store(engine, TUESDAY, digests(TUESDAY, 12))
    settings = {"retries": 3, "backoff_seconds": 0.05, "send_deadline_seconds": 1}
    started = time.monotonic()
    with broken_relay(behaviour) as port:
        first = deliver(engine, relay_settings(port, **settings), TUESDAY)
    took = time.monotonic() - started
    assert (first.sent, len(first.failed)) == ([], 12)
    assert "did not" in " ".join(first.failed.values())
    assert took < 30, f"the run took {took:.0f} s: it must end soon after the relay stops answering"
    with smtp_server() as (mailbox, port):
        deliver(engine, relay_settings(port, **settings), TUESDAY)
    received = received_by(mailbox)
    assert (len(received), max(received.values())) == (12, 1)


def test_teams_asking_to_wait_is_honoured_by_every_post_to_it(engine, tmp_path):
    with teams_endpoint(tmp_path, statuses=[429], retry_after="2") as endpoint:
        settings = teams_settings(tmp_path, endpoint, workers=2, retries=3, backoff_seconds=0.05)
        store(engine, TUESDAY, digests(TUESDAY, 4, channel="teams"))
        report = deliver(engine, settings, TUESDAY)
    [(asked_at, _)] = [answer for answer in endpoint.answers if answer[1] == 429]
    # a post already on its way when the 429 was answered may arrive just after it; none later
    too_soon = [t for t in endpoint.arrivals if asked_at + 0.5 < t < asked_at + 1.8]
    assert (len(report.sent), report.failed, len(endpoint.received), too_soon) == (4, {}, 4, [])


def test_teams_asking_to_wait_longer_than_the_run_allows_leaves_the_post_for_the_next_run(engine, tmp_path):
    with teams_endpoint(tmp_path, statuses=[429], retry_after="3600") as endpoint:
        settings = teams_settings(tmp_path, endpoint, workers=1, retries=3, backoff_seconds=0.05)
        store(engine, TUESDAY, digests(TUESDAY, 1, channel="teams"))
        report = deliver(engine, settings, TUESDAY)
    [why] = report.failed.values()
    assert "asked to wait 3600 s" in why and endpoint.attempts == 1


def test_a_database_locked_mid_delivery_is_waited_for_then_reported_and_a_rerun_loses_nothing(
    engine, database_url
):
    store(engine, TUESDAY, digests(TUESDAY, 8))
    with smtp_server(delay_s=0.3) as (mailbox, port):
        sent, relayed, error = locked_then_rerun(
            database_url, mailbox, port, str(TUESDAY), 2, lock_wait=0.5, wait=1.0
        )
    received = received_by(mailbox)
    assert error and error.startswith("the database was unavailable for more than 1 s")
    assert sent == relayed < 8, "the run's count is what the relay received"
    assert len(received) == 8, "lost"
    assert sum(received.values()) - 8 <= relay_settings(0).workers, "more doubled than were in flight"


def test_a_database_locked_briefly_is_waited_for_and_the_run_completes(engine, database_url):
    store(engine, TUESDAY, digests(TUESDAY, 4))
    with smtp_server() as (mailbox, port), SPAWN.Pool(1) as pool:
        with database_locked(database_url):
            run = pool.apply_async(deliver_reporting_error, (database_url, port, str(TUESDAY), 0.5, 30.0))
            time.sleep(2)
        sent, error = run.get(timeout=60)
    assert (sent, error, len(received_by(mailbox))) == (4, None, 4)
