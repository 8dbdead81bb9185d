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
import os
import signal
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
from notifications.settings import DeliverySettings
from tests.faults import deliver, deliver_in_process, digests, relay_settings
from tests.loopback import free_port, smtp_server, teams_endpoint

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
            run = SPAWN.Process(target=deliver_in_process, args=(url, port, str(NIGHT)))
            run.start()
            deadline = time.monotonic() + 60
            while len(mailbox.messages) < count and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(run.pid, signal.SIGKILL)
            run.join()
            deliver_in_process(url, port, str(NIGHT))
        return _row(
            f"killed after {count}, then rerun", MESSAGES, _emails(mailbox), time.perf_counter() - started
        )

    return scenario


def slow_teams_202(work: Path) -> dict[str, Any]:
    engine = open_database(f"sqlite:///{work / 'oversight.db'}")
    store(engine, NIGHT, digests(NIGHT, 19, channel="teams"))
    started = time.perf_counter()
    with teams_endpoint(work, delay_s=5) as endpoint:
        config = work / "apprise.yaml"
        config.write_text(f"urls:\n  - {endpoint.url()}:\n    - tag: team-1\n")
        settings = DeliverySettings(apprise_config=str(config), teams_tags=frozenset({"team-1"}))
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


SCENARIOS = [
    two_runs_at_once,
    killed_after(4),
    killed_after(8),
    killed_after(16),
    slow_teams_202,
    relay_down_then_up,
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
