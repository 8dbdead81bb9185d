"""The reminder steps of a night: gather what was told before, decide tonight's messages (pure),
store them, deliver what is pending."""

from __future__ import annotations

from datetime import date

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from models.db import open_database
from models.heap import collector_paused
from models.messages import Outgoing, notice_history, store
from models.policy.away import away_on
from models.policy.calendar import WorkingCalendar
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import Policy
from notifications.cadence import NoticeKey
from notifications.delivery import DeliveryReport, deliver_pending
from notifications.operators import warn_if_short
from notifications.router import Router
from notifications.settings import DeliverySettings
from notifications.tonight import Tonight, decide


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def load_notice_history(database_url: str) -> dict[NoticeKey, date]:
    return notice_history(open_database(database_url))


@task(cache_policy=NO_CACHE)
@collector_paused()
def decide_reminders(
    snapshot: Snapshot,
    findings: list[Finding],
    told: dict[NoticeKey, date],
    as_of: date,
    policy: Policy,
    delivery: DeliverySettings,
) -> Tonight:
    calendar = WorkingCalendar(closure.date for closure in snapshot.closures)
    every = policy.escalation.remind_every_working_days
    away = away_on(snapshot.absences, as_of)
    return decide(findings, snapshot.staff_by_id, calendar, told, as_of, every, delivery, away)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def store_reminders(database_url: str, as_of: date, messages: list[Outgoing]) -> int:
    return store(open_database(database_url), as_of, messages)


@task(cache_policy=NO_CACHE)
def deliver_reminders(
    database_url: str, delivery: DeliverySettings, as_of: date, council: str
) -> DeliveryReport:
    """Deliver tonight's messages; first, when the sender's pace or quota cannot carry tonight's
    email by the morning's deadline, tell the operators (the most urgent go first regardless)."""
    engine = open_database(database_url)
    logger = get_run_logger()
    with Router(delivery) as channel:
        warning = warn_if_short(engine, channel, delivery, as_of, council, logger.warning, logger.error)
        report = deliver_pending(engine, channel, delivery, as_of)
    report.warning = warning
    return report
