"""POSTing to an HTTP service the way a night's delivery needs: within a deadline, on a connection
kept per sending thread, with `Retry-After` honoured for every request to that host.

Shared by Teams (Power Automate Workflows) and Microsoft Graph. Each says what an answer means;
this module says what the transport means: a request that never reached the service may be sent
again at once, one that was handed over with no answer may have arrived (`in_doubt`).
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from ipaddress import ip_address
from urllib.parse import urlsplit

from notifications.attempts import Breaker, Deadline
from notifications.channels import DeliveryFailed
from notifications.settings import DeliverySettings

LARGEST_BODY = 64 * 1024  # of an answer, read whole so the connection can be kept
KEEP_FOR_SECONDS = 30.0  # a connection idle longer is not reused: the service may have closed it


@dataclass(frozen=True)
class Endpoint:
    """Where to POST. The path may carry a secret (a Workflows signature): never shown."""

    host: str
    port: int
    path: str = field(repr=False)
    secure: bool = True
    verify: bool = True

    @classmethod
    def from_url(cls, url: str, path: str = "") -> Endpoint:
        """`https://host[:port]` (with `path` after it); plain `http://` only to this machine's
        loopback, where a test's stand-in listens: nothing real is ever sent in the clear."""
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"{url!r} is not an https:// URL")
        if parts.scheme == "http" and not _loopback(parts.hostname):
            raise ValueError(f"{url!r} is plain http: only https is allowed, except to 127.0.0.1")
        secure = parts.scheme == "https"
        return cls(
            parts.hostname, parts.port or (443 if secure else 80), parts.path.rstrip("/") + path, secure
        )


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: float | None  # seconds, from `Retry-After`
    body: bytes


class Poster:
    """POSTs for one kind of service (`what`, as the messages name it), its breaker shared by
    every thread of the run."""

    def __init__(self, what: str, settings: DeliverySettings) -> None:
        self.what = what
        self.settings = settings
        self.breaker = Breaker(what)
        self._kept = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._resume_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def post(self, endpoint: Endpoint, body: bytes, headers: dict[str, str]) -> Answer:
        """One POST within the send deadline, on this thread's kept connection (a new one if the
        service closed it first). Any answer is returned, and a `Retry-After` on it holds back
        every later request to the host; no answer raises `DeliveryFailed`."""
        self._wait_while_asked(endpoint)
        current: list[http.client.HTTPConnection] = []
        deadline = Deadline(
            self.settings.send_deadline_seconds, lambda: current[-1].sock if current else None
        )
        with deadline:
            current.append(self._connection(endpoint))
            try:
                answer = self._exchange(current[-1], endpoint, body, headers, deadline)
            except _Closed:
                current.append(self._connection(endpoint))
                answer = self._exchange(current[-1], endpoint, body, headers, deadline)
        self.breaker.answered()
        if answer.retry_after is not None and answer.status in (429, 503):
            with self._lock:
                self._resume_at[endpoint.host] = max(
                    self._resume_at.get(endpoint.host, 0.0), time.monotonic() + answer.retry_after
                )
        return answer

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for connection in connections:
            connection.close()

    def _exchange(
        self,
        connection: http.client.HTTPConnection,
        endpoint: Endpoint,
        body: bytes,
        headers: dict[str, str],
        deadline: Deadline,
    ) -> Answer:
        """POST and read the answer whole. A kept connection that the service closed before it
        took the request is `_Closed` (post again on a new one); a failure once the request is
        sent leaves it in doubt, since it may have arrived."""
        reused = connection.sock is not None
        sent = False
        try:
            connection.request(
                "POST", endpoint.path, body=body, headers={"User-Agent": "Oversight", **headers}
            )
            sent = True
            response = connection.getresponse()
            content = response.read(LARGEST_BODY)
        except (OSError, http.client.HTTPException) as error:
            self._drop(connection)
            if reused and not sent and not deadline.expired:
                raise _Closed from None
            self.breaker.unanswered()
            if sent:
                waited = (
                    f"within the send deadline of {self.settings.send_deadline_seconds:g} s"
                    if deadline.expired
                    else f"({type(error).__name__})"
                )
                raise DeliveryFailed(
                    f"{self.what} did not answer {waited}; the message may have arrived, so this run "
                    "does not send it again",
                    in_doubt=True,
                ) from None
            raise DeliveryFailed(f"could not reach {self.what}: {type(error).__name__}: {error}") from None
        if response.will_close:
            self._drop(connection)
        return Answer(response.status, seconds(response.getheader("Retry-After")), content)

    def _connection(self, endpoint: Endpoint) -> http.client.HTTPConnection:
        """This thread's connection to the endpoint's host: kept while requests follow one
        another, new after a pause long enough for the service to have closed it."""
        kept: dict[tuple[str, int], tuple[http.client.HTTPConnection, float]] = (
            self._kept.__dict__.setdefault("by_host", {})
        )
        where = (endpoint.host, endpoint.port)
        held = kept.get(where)
        if held and time.monotonic() - held[1] > KEEP_FOR_SECONDS:
            self._drop(held[0])
            held = None
        if held is None:
            connection = self._new(endpoint)
            with self._lock:
                self._all.append(connection)
        else:
            connection = held[0]
        kept[where] = (connection, time.monotonic())
        return connection

    def _new(self, endpoint: Endpoint) -> http.client.HTTPConnection:
        timeout = self.settings.send_deadline_seconds
        if not endpoint.secure:
            return http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout)
        context = ssl.create_default_context()
        if not endpoint.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(endpoint.host, endpoint.port, timeout=timeout, context=context)

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        kept = self._kept.__dict__.get("by_host", {})
        for where, (held, _) in list(kept.items()):
            if held is connection:
                del kept[where]
        with self._lock:
            if connection in self._all:
                self._all.remove(connection)

    def _wait_while_asked(self, endpoint: Endpoint) -> None:
        """Every request to a host that asked us to wait (`Retry-After`) waits too."""
        with self._lock:
            wait = self._resume_at.get(endpoint.host, 0.0) - time.monotonic()
        if wait > self.settings.longest_wait_seconds:
            raise DeliveryFailed(
                f"{self.what} asked to wait {wait:.0f} s, longer than "
                f"{self.settings.longest_wait_seconds:g} s: left for the next run",
                retry=False,
            )
        if wait > 0:
            time.sleep(wait)


def seconds(retry_after: str | None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date."""
    if not retry_after:
        return None
    if retry_after.strip().isdigit():
        return float(retry_after)
    try:
        return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class _Closed(Exception):
    """A kept connection the service closed before taking the request."""
