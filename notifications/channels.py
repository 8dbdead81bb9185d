"""Where messages go: the outbox folder when nothing is configured, otherwise Apprise (email
through the council's relay, Microsoft Teams through Power Automate Workflows)."""

from __future__ import annotations

import logging
import os
import threading
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
    """Writes each message as an `.eml` file with its text and HTML parts. The file is named by
    the message's key (ids hold no `/`: import checks them) and never written through a link."""

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
        if self.folder.is_symlink():
            raise DeliveryFailed(
                f"the outbox folder {self.folder} is a symbolic link; not written through it"
            )
        path = self.folder / (message.key.replace("/", "_") + ".eml")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(bytes(email))
        return str(path)


class AppriseChannel:
    """Email and Teams through Apprise; each send is retried with backoff (a 429 or a 5xx from
    Teams, a relay that is down), then reported with what Apprise logged for that send."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.settings = settings

    def send(self, message: Outgoing) -> str:
        if message.channel == "email" and not self.settings.email_url:
            raise DeliveryFailed("no OVERSIGHT_EMAIL_URL is configured")
        error = "no detail"
        for attempt in range(self.settings.retries):
            if attempt:
                time.sleep(self.settings.backoff_seconds * 2 ** (attempt - 1))
            with _ThisThreadsLog() as log:
                if self._notify(message):
                    return f"{message.channel}:{message.address if message.channel == 'email' else 'tag ' + message.address}"
                error = log.last() or error
        raise DeliveryFailed(f"{self.settings.retries} attempt(s) failed: {error}")

    def _notify(self, message: Outgoing) -> bool:
        notifier = apprise.Apprise()
        if message.channel == "email":
            url = self.settings.email_url or ""
            separator = "&" if "?" in url else "?"
            notifier.add(f"{url}{separator}to={quote(message.address, safe='@')}")
            self._bound(notifier)
            return bool(
                notifier.notify(
                    title=message.subject, body=message.html, body_format=apprise.NotifyFormat.HTML
                )
            )
        if "://" in message.address:  # the managers' channel, which configuration may give as a URL
            notifier.add(message.address)
            tag = None
        else:
            config = apprise.AppriseConfig()
            config.add(self.settings.apprise_config or "")
            notifier.add(config)
            tag = message.address
        self._bound(notifier)
        result = notifier.notify(
            title=message.subject, body=message.text, body_format=apprise.NotifyFormat.MARKDOWN, tag=tag
        )
        if result is None:
            raise DeliveryFailed(f"no Teams channel is tagged {message.address!r}")
        return bool(result)

    def _bound(self, notifier: apprise.Apprise) -> None:
        """Every attempt within the send deadline for connecting; a Teams endpoint may take that
        long to answer (Power Automate answers 202 slowly), so a slow success is not re-posted."""
        deadline = self.settings.send_deadline_seconds
        for server in notifier.find(match_always=True):
            server.socket_connect_timeout = min(server.socket_connect_timeout, deadline)
            server.socket_read_timeout = max(server.socket_read_timeout, deadline)


class _ThisThreadsLog(logging.Handler):
    """What Apprise logs at WARNING or above from this thread only: sends run in parallel, and
    Apprise's own `LogCapture` is process-wide, which gave one message another's failure."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.thread = threading.get_ident()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.lines.append(record.getMessage())

    def last(self) -> str | None:
        return self.lines[-1] if self.lines else None

    def __enter__(self) -> _ThisThreadsLog:
        logger = logging.getLogger("apprise")
        if logger.getEffectiveLevel() > logging.WARNING:
            logger.setLevel(logging.WARNING)
        logger.addHandler(self)
        return self

    def __exit__(self, *_: object) -> None:
        logging.getLogger("apprise").removeHandler(self)


class Router:
    """The channel for each message: the outbox folder, or Apprise for email and Teams."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.folder = OutboxFolder(settings.outbox)
        self.apprise = AppriseChannel(settings)

    def send(self, message: Outgoing) -> str:
        return (self.folder if message.channel == "outbox" else self.apprise).send(message)
