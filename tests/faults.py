"""Fault-test parts shared by the tests and `benchmarks.faults`: a night's digests, a run's
delivery in a process of its own (to start two at once, or to kill one), and the scenarios that
interrupt a run, so that the tests assert and the benchmark counts the very same thing."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from models.db import make_engine, open_database
from models.messages import Outgoing
from notifications.delivery import DeliveryReport, deliver_pending
from notifications.router import Router
from notifications.settings import DeliverySettings
from notifications.tonight import message_key

SPAWN = multiprocessing.get_context("spawn")


def relay_settings(port: int, workers: int = 2, **overrides: Any) -> DeliverySettings:
    settings = DeliverySettings(
        email_url=f"mailto://127.0.0.1:{port}?from=oversight@council.example",
        workers=workers,
        retries=1,
        backoff_seconds=0.1,
        send_deadline_seconds=10,
    )
    return replace(settings, **overrides)


def teams_settings(folder: Path, endpoint: Any, **overrides: Any) -> DeliverySettings:
    """Teams through an Apprise config file in `folder` that tags the endpoint `team-1`."""
    config = folder / "apprise.yaml"
    config.write_text(f"urls:\n  - {endpoint.url()}:\n    - tag: team-1\n")
    return DeliverySettings(apprise_config=str(config), teams_tags=frozenset({"team-1"}), **overrides)


def until_received(mailbox: Any, count: int, seconds: float = 60) -> None:
    """Wait until the relay has taken `count` messages (or `seconds` have passed)."""
    deadline = time.monotonic() + seconds
    while len(mailbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def killed_then_rerun(database_url: str, mailbox: Any, port: int, night: str, after: int) -> None:
    """A run killed with SIGKILL once the relay has `after` messages, then a rerun."""
    run = SPAWN.Process(target=deliver_in_process, args=(database_url, port, night))
    run.start()
    until_received(mailbox, after)
    os.kill(run.pid, signal.SIGKILL)  # type: ignore[arg-type]
    run.join()
    deliver_in_process(database_url, port, night)


def locked_then_rerun(
    database_url: str, mailbox: Any, port: int, night: str, after: int, lock_wait: float, wait: float
) -> tuple[int, int, str | None]:
    """A run whose database another process locks once the relay has `after` messages, held
    until the run gives up; then, the lock gone and the run's process too, a rerun. Returns what
    the first run said it sent, what the relay had received by its end, and the error it reported."""
    with SPAWN.Pool(1) as pool:
        run = pool.apply_async(deliver_reporting_error, (database_url, port, night, lock_wait, wait))
        until_received(mailbox, after)
        with database_locked(database_url):
            sent, error = run.get(timeout=120)
            received = len(mailbox.messages)
        pool.close()
        pool.join()  # the run's process is gone, so the rerun takes over its claims at once
    deliver_in_process(database_url, port, night)
    return sent, received, error


def deliver_through_graph(database_url: str, graph_url: str, night: str, senders: str) -> int:
    """One run delivering the night's messages through the Graph stand-in at `graph_url`."""
    from tests.graph_stand_in import account_at

    settings = replace(
        relay_settings(0), email_url=None, graph=account_at(graph_url), senders_folder=Path(senders)
    )
    return len(deliver(open_database(database_url), settings, date.fromisoformat(night)).sent)


def graph_killed_then_rerun(database_url: str, service: Any, night: str, after: int, senders: Path) -> None:
    """A run through Graph killed with SIGKILL once the stand-in has taken `after`, then a rerun."""
    arguments = (database_url, service.url, night, str(senders))
    run = SPAWN.Process(target=deliver_through_graph, args=arguments)
    run.start()
    deadline = time.monotonic() + 60
    while len(service.sent) < after and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(run.pid, signal.SIGKILL)  # type: ignore[arg-type]
    run.join()
    deliver_through_graph(*arguments)


def deliver(engine: Engine, settings: DeliverySettings, night: date) -> DeliveryReport:
    """One run's delivery of the night's messages, its connections closed at the end."""
    with Router(settings) as channel:
        return deliver_pending(engine, channel, settings, night)


def deliver_in_process(
    database_url: str, port: int, night: str, lock_wait: float | None = None, **overrides: Any
) -> int:
    """One run delivering the night's messages; returns how many it sent. `lock_wait` is the
    seconds one statement waits for a lock (`OVERSIGHT_DATABASE_LOCK_WAIT`)."""
    if lock_wait is not None:
        os.environ["OVERSIGHT_DATABASE_LOCK_WAIT"] = str(lock_wait)
    engine = open_database(database_url)
    return len(deliver(engine, relay_settings(port, **overrides), date.fromisoformat(night)).sent)


def deliver_reporting_error(
    database_url: str, port: int, night: str, lock_wait: float, wait: float
) -> tuple[int, str | None]:
    """A run whose database may be locked: how many it sent, and the error it reported."""
    os.environ["OVERSIGHT_DATABASE_LOCK_WAIT"] = str(lock_wait)
    settings = relay_settings(port, database_wait_seconds=wait)
    report = deliver(open_database(database_url), settings, date.fromisoformat(night))
    return len(report.sent), report.error


@contextmanager
def database_locked(database_url: str, tables: str = "messages") -> Iterator[None]:
    """Another process's hold on `tables`: SQLite's whole-database write lock, or an ACCESS
    EXCLUSIVE lock on PostgreSQL (which stops readers too)."""
    engine = make_engine(database_url)
    raw = engine.raw_connection()
    cursor = raw.cursor()
    if engine.dialect.name == "sqlite":
        raw.driver_connection.isolation_level = None  # type: ignore[union-attr]
        cursor.execute("BEGIN EXCLUSIVE")
    else:
        cursor.execute(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        raw.rollback()
        raw.close()
        engine.dispose()


def digests(night: date, count: int, channel: str = "email") -> list[Outgoing]:
    """One digest for each of `count` people, each telling them of one finding."""
    messages = []
    for n in range(count):
        told = ((f"record_unsigned:S{n}::X{n}", "chase"),)
        messages.append(
            Outgoing(
                key=message_key(night, f"S{n}", channel, told),
                recipient_id=f"S{n}",
                channel=channel,
                address=f"s{n}@council.example" if channel == "email" else "team-1",
                subject="Please sign 1 supervision record",
                text=f"Hello S{n}",
                html=f"<p>Hello S{n}</p>",
                notices=told,
            )
        )
    return messages
