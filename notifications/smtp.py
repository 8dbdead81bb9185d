"""Email through the council's relay: one kept connection per sending thread, each message within
a deadline, and each relay reply read for what it means.

The relay is configured as an Apprise mail URL (`mailtos://user:pass@relay:587?from=...`), the
format administrators know, and Apprise parses it (ports, TLS modes, known providers). The
sending is ours: Apprise opens a new connection per message (79 messages a second at best), has
no deadline on a whole message (a relay that trickles its replies held a run for ever), and does
not say whether a refusal was temporary (451: try again) or permanent (550: never).
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.utils import formataddr

import apprise
from apprise.plugins.email import NotifyEmail

from models.messages import Outgoing
from notifications.attempts import Breaker, Deadline, with_retries
from notifications.channels import DeliveryFailed, as_email
from notifications.pace import Limits, pace_for
from notifications.settings import DeliverySettings


@dataclass(frozen=True)
class Relay:
    """Where and how to hand mail over; the password is never shown."""

    host: str
    port: int
    mode: str  # "insecure", "ssl" or "starttls", as Apprise names them
    sender: str
    sender_name: str
    verify: bool
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_url(cls, url: str) -> Relay:
        server = apprise.Apprise.instantiate(url)
        if not isinstance(server, NotifyEmail):
            raise ValueError("OVERSIGHT_EMAIL_URL is not a mail URL (mailto:// or mailtos://)")
        name, address = server.from_addr
        return cls(
            host=server.smtp_host,
            port=int(server.port),
            mode=server.secure_mode,
            sender=address,
            sender_name=name or "Oversight",
            verify=server.verify_certificate,
            user=server.user,
            password=server.password,
        )

    @property
    def from_header(self) -> str:
        """The display name and the address as one mailbox: a name with a comma is quoted, a
        name that is not ASCII is encoded on its own (never the address with it)."""
        return formataddr((self.sender_name, self.sender))

    def tls(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


class _Watched:
    """smtplib's client, noting when the whole message has been handed over (the data's closing
    dot is sent): a connection lost after that leaves the message in doubt."""

    handed_over = False

    def send(self, s: bytes | str) -> None:
        super().send(s)  # type: ignore[misc]
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.handed_over = True


class _Plain(_Watched, smtplib.SMTP):
    pass


class _Tls(_Watched, smtplib.SMTP_SSL):
    pass


class SmtpChannel:
    """Sends each message to its one address through the relay, over a connection kept per
    sending thread (so a night's messages do not each pay for a connection, TLS and login)."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.settings = settings
        self.relay: Relay | None = None
        self.problem = "no OVERSIGHT_EMAIL_URL is configured"
        if settings.email_url:
            try:
                self.relay = Relay.from_url(settings.email_url)
            except ValueError as error:
                self.problem = str(error)
        self.sender = self.relay.sender if self.relay else None
        self.pace = pace_for(
            settings.senders_folder, self.sender, Limits(settings.send_rate, settings.daily_limit)
        )
        self.breaker = Breaker(
            f"the relay {self.relay.host}:{self.relay.port}" if self.relay else "the relay"
        )
        self._kept = threading.local()
        self._all: list[_Plain | _Tls] = []
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        relay = self.relay
        if relay is None:
            raise DeliveryFailed(self.problem, retry=False)
        email = as_email(message, relay.from_header)
        with_retries(lambda: self._once(relay, message, email), self.settings, self.breaker)
        return f"email:{message.address}"

    def close(self) -> None:
        """Say goodbye on every kept connection; a relay that does not answer is simply dropped."""
        with self._lock:
            connections, self._all = self._all, []
        for connection in connections:
            try:
                if connection.sock:
                    connection.sock.settimeout(2)  # a goodbye is not worth the full deadline
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    def _once(self, relay: Relay, message: Outgoing, email: bytes) -> None:
        """One attempt, within the send deadline: on the kept connection when there is one (a
        fresh one if the relay has since closed it), else on a new one."""
        if self.pace:
            self.pace.take_turn()
        current: list[_Plain | _Tls] = []
        deadline = Deadline(
            self.settings.send_deadline_seconds, lambda: current[-1].sock if current else None
        )
        with deadline:
            kept = getattr(self._kept, "connection", None)
            if kept is not None:
                current.append(kept)
                try:
                    return self._transfer(kept, relay.sender, message, email, deadline, reused=True)
                except _Stale:
                    self._drop(kept)
            self._connect(relay, deadline, current)
            return self._transfer(current[-1], relay.sender, message, email, deadline, reused=False)

    def _connect(self, relay: Relay, deadline: Deadline, current: list[_Plain | _Tls]) -> None:
        """A new connection, greeted, secured and logged in, appended to `current` as soon as it
        exists so that the deadline can cut it."""
        timeout = self.settings.send_deadline_seconds
        hostname = socket.gethostname()  # not getfqdn(): a reverse lookup can take seconds
        connection: _Plain | _Tls = (
            _Tls(local_hostname=hostname, timeout=timeout, context=relay.tls())
            if relay.mode == "ssl"
            else _Plain(local_hostname=hostname, timeout=timeout)
        )
        current.append(connection)
        try:
            connection.connect(relay.host, relay.port)
            if relay.mode == "starttls":
                connection.starttls(context=relay.tls())
            connection.ehlo_or_helo_if_needed()
            if relay.user:
                connection.login(relay.user, relay.password or "")
        except smtplib.SMTPResponseException as error:
            connection.close()
            self.breaker.answered()
            raise DeliveryFailed(
                f"the relay refused the connection: {_reply(error)}", retry=error.smtp_code < 500
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            connection.close()
            self.breaker.unanswered()
            raise DeliveryFailed(_unanswered(deadline, self.settings, error)) from None
        with self._lock:
            self._all.append(connection)
        self._kept.connection = connection

    def _transfer(
        self,
        connection: _Plain | _Tls,
        sender: str,
        message: Outgoing,
        email: bytes,
        deadline: Deadline,
        *,
        reused: bool,
    ) -> None:
        connection.handed_over = False
        try:
            connection.sendmail(sender, [message.address], email)
        except smtplib.SMTPRecipientsRefused as error:
            self.breaker.answered()
            code, reply = next(iter(error.recipients.values()))
            raise DeliveryFailed(
                f"the relay refused {message.address}: {code} {reply.decode(errors='replace')}",
                retry=code < 500,
            ) from None
        except smtplib.SMTPResponseException as error:
            self.breaker.answered()
            if error.smtp_code == 421:  # closing this connection: a new one may be welcome
                self._drop(connection)
                if reused:
                    raise _Stale(_reply(error)) from None
            raise DeliveryFailed(f"the relay answered {_reply(error)}", retry=error.smtp_code < 500) from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop(connection)
            if reused and not connection.handed_over and not deadline.expired:
                raise _Stale(f"the relay closed the connection: {error}") from None
            self.breaker.unanswered()
            if connection.handed_over:
                raise DeliveryFailed(
                    "the relay did not confirm the message after it was handed over; it may have "
                    "arrived, so this run does not send it again",
                    in_doubt=True,
                ) from None
            raise DeliveryFailed(_unanswered(deadline, self.settings, error)) from None
        self.breaker.answered()

    def _drop(self, connection: _Plain | _Tls) -> None:
        connection.close()
        with self._lock:
            if connection in self._all:
                self._all.remove(connection)
        if getattr(self._kept, "connection", None) is connection:
            self._kept.connection = None


class _Stale(Exception):
    """A kept connection the relay has closed since its last message: try a new one at once."""


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = (
        error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
    )
    return f"{error.smtp_code} {text}"


def _unanswered(deadline: Deadline, settings: DeliverySettings, error: Exception) -> str:
    if deadline.expired:
        return f"the relay did not finish within the send deadline of {settings.send_deadline_seconds:g} s"
    return f"could not reach the relay: {type(error).__name__}: {error}"
