"""Composing the night's reminders, queueing them in the outbox, and delivering what is pending."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.db import open_database
from models.policy.calendar import WorkingCalendar
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from notifications.channels import Outgoing, configured_channel
from notifications.outbox import DeliveryReport, compose, deliver_pending, queue


@task(cache_policy=NO_CACHE)
def compose_reminders(snapshot: Snapshot, findings: list[Finding], as_of: date) -> list[Outgoing]:
    """One digest per recipient; none at all on a day that is not a working day."""
    calendar = WorkingCalendar(closure.date for closure in snapshot.closures)
    if not calendar.is_working_day(as_of):
        return []
    return compose(findings, snapshot.staff_by_id, as_of)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def queue_reminders(database_url: str, as_of: date, messages: list[Outgoing], outbox: str | None) -> int:
    channel = configured_channel(Path(outbox) if outbox else None)
    return queue(open_database(database_url), as_of, channel.name, messages)


@task(cache_policy=NO_CACHE)
def deliver_reminders(database_url: str, outbox: str | None) -> DeliveryReport:
    channel = configured_channel(Path(outbox) if outbox else None)
    return deliver_pending(open_database(database_url), channel)
