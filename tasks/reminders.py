"""Deciding the night's reminders, queueing them, and delivering what is pending."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.db import open_database
from models.policy.calendar import WorkingCalendar
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import load_policy
from notifications.cadence import due_notices
from notifications.channels import Outgoing
from notifications.delivery import DeliveryReport, compose, deliver_pending, notice_history, queue
from notifications.router import Router
from notifications.settings import DeliverySettings


class Tonight(NamedTuple):
    working_day: bool
    messages: list[Outgoing]


@task(cache_policy=NO_CACHE)
def compose_reminders(
    database_url: str,
    snapshot: Snapshot,
    findings: list[Finding],
    as_of: date,
    policy: str,
    delivery: DeliverySettings,
) -> Tonight:
    """One digest per recipient of what they are due to be told tonight and have not been told
    (first notices, reminders at the policy's cadence, new stages); nothing on a day that is not
    a working day."""
    calendar = WorkingCalendar(closure.date for closure in snapshot.closures)
    if not calendar.is_working_day(as_of):
        return Tonight(False, [])
    every = load_policy(policy).escalation.remind_every_working_days
    notices = due_notices(findings, notice_history(open_database(database_url)), as_of, calendar, every)
    return Tonight(True, compose(notices, snapshot.staff_by_id, as_of, delivery))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def queue_reminders(database_url: str, as_of: date, messages: list[Outgoing]) -> int:
    return queue(open_database(database_url), as_of, messages)


@task(cache_policy=NO_CACHE)
def deliver_reminders(database_url: str, delivery: DeliverySettings, as_of: date) -> DeliveryReport:
    with Router(delivery) as channel:
        return deliver_pending(open_database(database_url), channel, delivery, as_of)
