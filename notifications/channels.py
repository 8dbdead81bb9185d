"""Where messages go. With no channel configured, each message becomes a file in the outbox
folder, so a council can run Oversight before its mail relay or Teams is set up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

DEFAULT_OUTBOX = "outbox"


@dataclass(frozen=True)
class Outgoing:
    """A rendered message addressed to one person, under its idempotency key."""

    key: str
    recipient_id: str
    address: str
    subject: str
    text: str
    html: str


class Channel(Protocol):
    name: str

    def send(self, message: Outgoing) -> str:
        """Deliver one message, returning where it went; raise on failure."""
        ...


class OutboxFolder:
    """Writes each message as an `.eml` file (text and HTML parts) under the outbox folder."""

    name = "outbox"

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
        path = self.folder / (message.key.replace("/", "_") + ".eml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(email))
        return str(path)


def outbox_folder() -> Path:
    return Path(os.environ.get("OVERSIGHT_OUTBOX") or DEFAULT_OUTBOX)


def configured_channel(outbox: Path | None = None) -> Channel:
    """The channel the environment configures; the outbox folder when none is."""
    return OutboxFolder(outbox or outbox_folder())
