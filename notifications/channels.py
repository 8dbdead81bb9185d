"""A message on its way out, what a channel is, and the outbox folder: where messages are written
when no relay or Teams channel is configured. The relay and Teams are in `notifications.smtp`
and `notifications.teams`; `notifications.router` picks among them."""

from __future__ import annotations

import hashlib
import os
from email import charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from pathlib import Path
from typing import Protocol

from models.messages import Outgoing

_QUOTED = charset.Charset("utf-8")  # for headers, and for a body with a line too long for SMTP
_QUOTED.header_encoding = _QUOTED.body_encoding = charset.QP
_PLAIN = charset.Charset("utf-8")  # a body as it is, readable in the outbox's files
_PLAIN.body_encoding = None
_WIRE = compat32.clone(linesep="\r\n")
_LONGEST_LINE = 998  # octets, RFC 5322


class DeliveryFailed(Exception):
    """A channel refused or could not take a message.

    `retry`: whether trying again may help (a busy relay, a 429, a dropped connection) or not
    (an address the relay refuses, a Teams signature it rejects). `after`: how long the other
    side asked us to wait. `in_doubt`: the whole message was handed over and no answer came, so
    it may have arrived; it is not sent again in this run. `deferred`: not tried at all (the
    sender's quota is spent), so it waits for the next run and is no failure of the recipient's."""

    def __init__(
        self,
        reason: str,
        *,
        retry: bool = True,
        after: float | None = None,
        in_doubt: bool = False,
        deferred: bool = False,
    ) -> None:
        super().__init__(reason)
        self.retry = retry
        self.after = after
        self.in_doubt = in_doubt
        self.deferred = deferred


def as_email(message: Outgoing, sender: str) -> bytes:
    """The message as an email with text and HTML parts, ready for the wire (CRLF line ends). Its
    Message-ID comes from its key, so a relay or mail client that sees the same message twice can
    tell it is one message. Built with the email package's classic (compat32) classes, which take
    a third of the time of `EmailMessage` for the same MIME; a header value with a line break is
    refused, not folded in."""
    headers = {"To": message.address, "From": sender, "X-Oversight-Key": message.key}
    if any("\r" in value or "\n" in value for value in headers.values()):
        raise DeliveryFailed(f"message {message.key!r} has a line break in an address", retry=False)
    email = MIMEMultipart("alternative")
    for name, value in headers.items():
        email[name] = value
    email["Subject"] = message.subject if message.subject.isascii() else Header(message.subject, _QUOTED)
    domain = sender.rpartition("@")[2].rstrip(">") or "localhost"
    email["Message-ID"] = f"<{hashlib.sha256(message.key.encode()).hexdigest()[:32]}@{domain}>"
    email.attach(_body(message.text, "plain"))
    email.attach(_body(message.html, "html"))
    return email.as_bytes(policy=_WIRE)


# Characters Python counts as line breaks but mail does not (U+2028, U+0085, ...): in the data
# they are spaces, or a line measured short goes out too long and the relay refuses it for good.
_NOT_MAIL_LINE_BREAKS = str.maketrans(dict.fromkeys("\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))


def _body(text: str, subtype: str) -> MIMEText:
    """A body part sent as it is (8bit when not ASCII), quoted-printable only when a line is too
    long for SMTP, measured in the bytes it takes on the wire: as `EmailMessage` chose, so the
    outbox's files stay readable."""
    text = text.translate(_NOT_MAIL_LINE_BREAKS)
    too_long = any(len(line.encode()) > _LONGEST_LINE for line in text.replace("\r\n", "\n").split("\n"))
    return MIMEText(text, subtype, _QUOTED if too_long else _PLAIN)


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
        email = as_email(message, "Oversight <oversight@localhost>")
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.folder.is_symlink():
            raise DeliveryFailed(
                f"the outbox folder {self.folder} is a symbolic link; not written through it"
            )
        path = self.folder / (message.key.replace("/", "_") + ".eml")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(email)
        return str(path)
