"""Fault-test parts shared by the tests and `benchmarks.faults`: a night's digests, and a run's
delivery in a process of its own (to start two at once, or to kill one)."""

from __future__ import annotations

from datetime import date

from models.db import open_database
from notifications.channels import Outgoing, Router
from notifications.delivery import deliver_pending, message_key
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
