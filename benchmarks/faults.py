"""Delivery under faults, as counts: one row per scenario with expected, received, doubled, lost.

    python -m benchmarks.faults [--json]

Each scenario queues one night's digests in a fresh SQLite database, delivers them against a
real server on loopback that misbehaves as the scenario says, with real processes where the
scenario needs them, and counts what the server received. The same scenarios are asserted in
tests/integration/test_delivery_faults.py.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from models.db import open_database
from models.messages import store
from notifications.settings import DeliverySettings
from tests.faults import (
    deliver,
    deliver_in_process,
    digests,
    graph_killed_then_rerun,
    killed_then_rerun,
    locked_then_rerun,
    relay_settings,
    teams_settings,
)
from tests.graph_stand_in import graph_service
from tests.loopback import broken_relay, free_port, smtp_server, teams_endpoint

NIGHT = date(2026, 11, 24)
MESSAGES = 18  # the demo council's emails
SPAWN = multiprocessing.get_context("spawn")


def _row(
    scenario: str, expected: int, received: Counter[str], seconds: float, note: str = ""
) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "expected": expected,
        "received": sum(received.values()),
        "doubled": sum(received.values()) - len(received),
        "lost": expected - len(received),
        "seconds": round(seconds, 1),
        "note": note,
    }


def _emails(mailbox) -> Counter[str]:
    return Counter(r for recipients, _ in mailbox.messages for r in recipients)


def two_runs_at_once(work: Path) -> dict[str, Any]:
    url = _council(work)
    started = time.perf_counter()
    with smtp_server(delay_s=0.1) as (mailbox, port), SPAWN.Pool(2) as pool:
        sent = pool.starmap(deliver_in_process, [(url, port, str(NIGHT))] * 2)
    return _row(
        "two runs at once", MESSAGES, _emails(mailbox), time.perf_counter() - started, f"runs say {sent} sent"
    )


def killed_after(count: int) -> Callable[[Path], dict[str, Any]]:
    def scenario(work: Path) -> dict[str, Any]:
        url = _council(work)
        started = time.perf_counter()
        with smtp_server(delay_s=0.2) as (mailbox, port):
            killed_then_rerun(url, mailbox, port, str(NIGHT), after=count)
        return _row(
            f"killed after {count}, then rerun", MESSAGES, _emails(mailbox), time.perf_counter() - started
        )

    return scenario


def slow_teams_202(work: Path) -> dict[str, Any]:
    engine = open_database(f"sqlite:///{work / 'oversight.db'}")
    store(engine, NIGHT, digests(NIGHT, 19, channel="teams"))
    started = time.perf_counter()
    with teams_endpoint(work, delay_s=5) as endpoint:
        settings = teams_settings(work, endpoint)
        report = deliver(engine, settings, NIGHT)
        received = Counter(str(n) for n in range(len(endpoint.received)))
    return _row(
        "Teams answers 202 after 5 s", 19, received, time.perf_counter() - started, f"{len(report.sent)} sent"
    )


def relay_down_then_up(work: Path) -> dict[str, Any]:
    url = _council(work)
    engine = open_database(url)
    started = time.perf_counter()
    down = relay_settings(free_port())
    first = deliver(engine, down, NIGHT)
    with smtp_server() as (mailbox, port):
        deliver_in_process(url, port, str(NIGHT))
    note = f"first run: {len(first.failed)} failed, exit status 1"
    return _row("relay down, then a rerun", MESSAGES, _emails(mailbox), time.perf_counter() - started, note)


def relay_turns_away_every_fifth(reply: str) -> Callable[[Path], dict[str, Any]]:
    def scenario(work: Path) -> dict[str, Any]:
        engine = open_database(_council(work))
        started = time.perf_counter()
        with smtp_server(refuse_every=5, refusal=reply) as (mailbox, port):
            settings = relay_settings(port, retries=3, backoff_seconds=0.5)
            report = deliver(engine, settings, NIGHT)
            rerun = deliver(engine, settings, NIGHT)  # a message refused at every try waits for it
        note = f"{len(report.sent)} sent, {len(report.failed)} failed; the rerun sent {len(rerun.sent)}"
        return _row(
            f"relay answers {reply[:3]} to every 5th, then a rerun",
            MESSAGES,
            _emails(mailbox),
            time.perf_counter() - started,
            note,
        )

    return scenario


def relay_never_answers(behaviour: str) -> Callable[[Path], dict[str, Any]]:
    def scenario(work: Path) -> dict[str, Any]:
        url = _council(work)
        engine = open_database(url)
        settings = {"retries": 3, "backoff_seconds": 2.0, "send_deadline_seconds": 30}
        started = time.perf_counter()
        with broken_relay(behaviour) as port:
            first = deliver(engine, relay_settings(port, workers=4, **settings), NIGHT)
        took = time.perf_counter() - started
        with smtp_server() as (mailbox, port):
            deliver_in_process(url, port, str(NIGHT))
        note = f"first run ended after {took:.0f} s, {len(first.failed)} failed; rerun to a working relay"
        return _row(
            f"a {behaviour} relay, then a rerun",
            MESSAGES,
            _emails(mailbox),
            time.perf_counter() - started,
            note,
        )

    return scenario


def teams_429_retry_after(work: Path) -> dict[str, Any]:
    engine = open_database(f"sqlite:///{work / 'oversight.db'}")
    store(engine, NIGHT, digests(NIGHT, 19, channel="teams"))
    started = time.perf_counter()
    with teams_endpoint(work, statuses=[429], retry_after="3") as endpoint:
        settings = teams_settings(work, endpoint)
        report = deliver(engine, settings, NIGHT)
        received = Counter(str(n) for n in range(len(endpoint.received)))
    [(asked_at, _)] = [answer for answer in endpoint.answers if answer[1] == 429]
    waited = min((t for t in endpoint.arrivals if t > asked_at + 0.2), default=asked_at) - asked_at
    note = f"{len(report.sent)} sent; next post {waited:.1f} s after the 429"
    return _row("Teams 429, Retry-After: 3", 19, received, time.perf_counter() - started, note)


def teams_500_then_rerun(work: Path) -> dict[str, Any]:
    engine = open_database(f"sqlite:///{work / 'oversight.db'}")
    store(engine, NIGHT, digests(NIGHT, 19, channel="teams"))
    started = time.perf_counter()
    with teams_endpoint(work, statuses=[500] * 19 * 3) as endpoint:
        settings = teams_settings(work, endpoint, retries=3, backoff_seconds=0.1)
        first = deliver(engine, settings, NIGHT)
        endpoint.statuses.clear()
        deliver(engine, settings, NIGHT)
        received = Counter(str(n) for n in range(len(endpoint.received)))
    note = f"first run: {len(first.sent)} sent, {len(first.failed)} failed, exit status 1"
    return _row("Teams 500 all run, then a rerun", 19, received, time.perf_counter() - started, note)


def database_locked_mid_delivery(work: Path) -> dict[str, Any]:
    url = _council(work)
    started = time.perf_counter()
    with smtp_server(delay_s=0.2) as (mailbox, port):
        sent, relayed, error = locked_then_rerun(url, mailbox, port, str(NIGHT), 4, lock_wait=5.0, wait=10.0)
    note = f"first run: {sent} sent (the relay had {relayed}), then '{(error or '')[:48]}...'"
    return _row(
        "database locked 15 s+, then rerun", MESSAGES, _emails(mailbox), time.perf_counter() - started, note
    )


def teams_digest_too_long(work: Path) -> dict[str, Any]:
    """One person with 300 items on Teams: the items that reach them, counted."""
    from models.policy.calendar import WorkingCalendar
    from models.policy.findings import As, Finding, Kind, Recipient, Stage
    from notifications.tonight import decide
    from tests.builders import staff

    findings = [
        Finding(
            kind=Kind.RECORD_NOT_WRITTEN,
            staff_id="S",
            session_id=f"X{n}",
            due=NIGHT,
            stage=Stage.CHASE,
            detail=f"the record of session X{n:03d} is not written up",
            rule="records.written_within_working_days",
            notify=(Recipient("M", As.SUPERVISOR),),
        )
        for n in range(300)
    ]
    people = {"S": staff("S"), "M": staff("M", "team_manager", teams="team-1")}
    engine = open_database(f"sqlite:///{work / 'oversight.db'}")
    started = time.perf_counter()
    with teams_endpoint(work) as endpoint:
        settings = teams_settings(work, endpoint)
        tonight = decide(findings, people, WorkingCalendar([]), {}, NIGHT, 3, settings)
        store(engine, NIGHT, tonight.messages)
        deliver(engine, settings, NIGHT)
        texts = [
            block["text"] for post in endpoint.received for block in post["attachments"][0]["content"]["body"]
        ]
    received = Counter(f.detail for f in findings for text in texts if f"{f.detail} (" in text)
    note = f"{len(tonight.messages)} posts"
    return _row(
        "Teams digest of 300 items",
        300,
        Counter({k: 1 for k in received}),
        time.perf_counter() - started,
        note,
    )


def _graph_settings(work: Path, service: Any, **overrides: Any) -> DeliverySettings:
    settings = relay_settings(0, graph=service.account(), senders_folder=work / "senders", retries=3)
    return replace(settings, email_url=None, **overrides)


def _graph_received(service: Any) -> Counter[str]:
    return Counter(service.received())


def graph_busy(status: int) -> Callable[[Path], dict[str, Any]]:
    """Graph answers the first requests `status` with `Retry-After: 2`, as when throttling."""

    def scenario(work: Path) -> dict[str, Any]:
        url = _council(work)
        started = time.perf_counter()
        with graph_service(statuses=[status, status], retry_after="2") as service:
            report = deliver(open_database(url), _graph_settings(work, service), NIGHT)
        asked_at = service.arrivals[0]
        waited = min((t for t in service.arrivals if t > asked_at + 0.2), default=asked_at) - asked_at
        note = f"{len(report.sent)} sent; next request {waited:.1f} s after the {status}"
        return _row(
            f"Graph {status}, Retry-After: 2",
            MESSAGES,
            _graph_received(service),
            time.perf_counter() - started,
            note,
        )

    return scenario


def graph_token_revoked(work: Path) -> dict[str, Any]:
    url = _council(work)
    started = time.perf_counter()
    with graph_service(revoke_after=6) as service:
        report = deliver(open_database(url), _graph_settings(work, service), NIGHT)
    note = (
        f"{len(report.sent)} sent; {len(service.granted)} tokens, {service.answers.count(401)} answered 401"
    )
    return _row(
        "Graph token revoked after 6", MESSAGES, _graph_received(service), time.perf_counter() - started, note
    )


def graph_slow_202(work: Path) -> dict[str, Any]:
    url = _council(work)
    started = time.perf_counter()
    with graph_service(delay_s=5) as service:
        report = deliver(open_database(url), _graph_settings(work, service, workers=4), NIGHT)
    return _row(
        "Graph answers 202 after 5 s",
        MESSAGES,
        _graph_received(service),
        time.perf_counter() - started,
        f"{len(report.sent)} sent",
    )


def graph_never_answers(work: Path) -> dict[str, Any]:
    """Graph takes each request and never answers within the deadline; then a rerun, answered."""
    url = _council(work)
    started = time.perf_counter()
    with graph_service(delay_s=3) as service:
        first = deliver(open_database(url), _graph_settings(work, service, send_deadline_seconds=1), NIGHT)
        service.delay_s = 0
        time.sleep(3)  # the requests cut off have arrived by now: the rerun may double them
        deliver(open_database(url), _graph_settings(work, service), NIGHT)
    in_doubt = sum("may have arrived" in why for why in first.failed.values())
    note = f"first run: {len(first.failed)} failed, {in_doubt} of them in doubt (then the breaker opened)"
    return _row(
        "Graph never answers, then rerun",
        MESSAGES,
        _graph_received(service),
        time.perf_counter() - started,
        note,
    )


def graph_killed_after(count: int) -> Callable[[Path], dict[str, Any]]:
    def scenario(work: Path) -> dict[str, Any]:
        url = _council(work)
        started = time.perf_counter()
        with graph_service(delay_s=0.2) as service:
            graph_killed_then_rerun(url, service, str(NIGHT), count, work / "senders")
        return _row(
            f"Graph: killed after {count}, then rerun",
            MESSAGES,
            _graph_received(service),
            time.perf_counter() - started,
        )

    return scenario


def graph_paced(work: Path) -> dict[str, Any]:
    url = _council(work)
    started = time.perf_counter()
    with graph_service() as service:
        deliver(open_database(url), _graph_settings(work, service, workers=4, send_rate=300), NIGHT)
    span = service.arrivals[-1] - service.arrivals[0]
    note = f"300 a minute over 4 threads: {MESSAGES} requests over {span:.1f} s"
    return _row(
        "Graph paced at 300 a minute", MESSAGES, _graph_received(service), time.perf_counter() - started, note
    )


SCENARIOS = [
    two_runs_at_once,
    killed_after(4),
    killed_after(8),
    killed_after(16),
    slow_teams_202,
    relay_down_then_up,
    relay_turns_away_every_fifth("421 4.7.0 Too many messages on this connection"),
    relay_turns_away_every_fifth("451 4.3.0 Try again later"),
    relay_never_answers("silent"),
    relay_never_answers("trickle"),
    teams_429_retry_after,
    teams_500_then_rerun,
    database_locked_mid_delivery,
    teams_digest_too_long,
    graph_busy(429),
    graph_busy(503),
    graph_token_revoked,
    graph_slow_202,
    graph_never_answers,
    graph_killed_after(6),
    graph_paced,
]


def _council(work: Path) -> str:
    url = f"sqlite:///{work / 'oversight.db'}"
    store(open_database(url), NIGHT, digests(NIGHT, MESSAGES))
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print one JSON list")
    args = parser.parse_args(argv)
    # the loopback Teams stand-in has a self-signed certificate, reached with verify=no
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    rows = []
    for scenario in SCENARIOS:
        with tempfile.TemporaryDirectory(prefix="oversight-faults-") as work:
            rows.append(scenario(Path(work)))
    if args.json:
        json.dump(rows, sys.stdout)
        sys.stdout.write("\n")
        return
    print(f"{'scenario':34} {'expected':>8} {'received':>8} {'doubled':>7} {'lost':>4} {'seconds':>7}  note")
    for row in rows:
        print(
            f"{row['scenario']:34} {row['expected']:>8} {row['received']:>8} {row['doubled']:>7} "
            f"{row['lost']:>4} {row['seconds']:>7}  {row['note']}"
        )


if __name__ == "__main__":
    main()
