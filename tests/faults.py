"""A run's delivery in a process of its own, for fault tests that start two at once or kill one."""

from __future__ import annotations

from datetime import date

from models.db import open_database
from notifications.channels import Router
from notifications.delivery import deliver_pending
from notifications.settings import DeliverySettings


def relay_settings(port: int, workers: int = 2) -> DeliverySettings:
    return DeliverySettings(
        email_url=f"mailto://127.0.0.1:{port}?from=oversight@council.example",
        workers=workers,
        retries=1,
        backoff_seconds=0.1,
        send_deadline_seconds=10,
    )


def deliver_in_process(database_url: str, port: int, night: str) -> int:
    """One run delivering the night's messages; returns how many it sent."""
    engine = open_database(database_url)
    settings = relay_settings(port)
    return len(deliver_pending(engine, Router(settings), settings, date.fromisoformat(night)).sent)
