"""Where messages go: the outbox folder when nothing is configured, otherwise Apprise (email
through the council's relay, Microsoft Teams through Power Automate Workflows)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

import apprise

from notifications.settings import DeliverySettings


@dataclass(frozen=True)
class Outgoing:
    """A rendered message to one person on one channel, under its idempotency key.

    `notices` are the (finding key, stage) pairs it tells the recipient of, so the cadence of
    reminders can be kept per finding.
    """

    key: str
    recipient_id: str
    channel: str
    address: str
    subject: str
    text: str
    html: str
    notices: tuple[tuple[str, str], ...] = ()


class DeliveryFailed(Exception):
    """A channel refused or could not take a message."""


class Channel(Protocol):
    def send(self, message: Outgoing) -> str:
        """Deliver one message, returning where it went; raise `DeliveryFailed` on failure."""
        ...


class OutboxFolder:
    """Writes each message as an `.eml` file with its text and HTML parts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: Outgoing) -> str:
        email = EmailMessage()
        email["To"] = message.address
        email["From"] = "Oversight <oversight@localhost>"
        email["Subject"] = message.subject
        email["X-Oversight-Key"] = message.key
        email.set_content(message.text)
        email.add_alternative(message.html, subtype="html")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / (message.key.replace("/", "_") + ".eml")
        path.write_bytes(bytes(email))
        return str(path)


class AppriseChannel:
    """Email and Teams through Apprise; each send is retried with backoff (a 429 or a 5xx from
    Teams, a relay that is down), then reported with what Apprise logged."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.settings = settings

    def send(self, message: Outgoing) -> str:
        if message.channel == "email" and not self.settings.email_url:
            raise DeliveryFailed("no OVERSIGHT_EMAIL_URL is configured")
        error = ""
        for attempt in range(self.settings.retries):
            if attempt:
                time.sleep(self.settings.backoff_seconds * 2 ** (attempt - 1))
            with apprise.LogCapture(level=logging.WARNING) as log:
                if self._notify(message):
                    return f"{message.channel}:{message.address}"
                error = log.getvalue().strip().splitlines()[-1:] or ["no detail"]
        raise DeliveryFailed(f"{self.settings.retries} attempt(s) failed: {error[0]}")

    def _notify(self, message: Outgoing) -> bool:
        notifier = apprise.Apprise()
        if message.channel == "email":
            url = self.settings.email_url or ""
            separator = "&" if "?" in url else "?"
            notifier.add(f"{url}{separator}to={quote(message.address, safe='@')}")
            return bool(
                notifier.notify(
                    title=message.subject, body=message.html, body_format=apprise.NotifyFormat.HTML
                )
            )
        if "://" in message.address:
            notifier.add(message.address)
            tag = None
        else:
            config = apprise.AppriseConfig()
            config.add(self.settings.apprise_config or "")
            notifier.add(config)
            tag = message.address
        result = notifier.notify(
            title=message.subject, body=message.text, body_format=apprise.NotifyFormat.MARKDOWN, tag=tag
        )
        if result is None:
            raise DeliveryFailed(f"no Teams channel is tagged {message.address!r}")
        return bool(result)


def channel_for(settings: DeliverySettings, message: Outgoing) -> Channel:
    return OutboxFolder(settings.outbox) if message.channel == "outbox" else AppriseChannel(settings)
