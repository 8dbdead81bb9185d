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
from datetime import date
from pathlib import Path
from typing import Any

from models.db import open_database
from models.messages import store
from tests.faults import (
    deliver,
    deliver_in_process,
    digests,
    killed_then_rerun,
    locked_then_rerun,
    relay_settings,
    teams_settings,
)
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
