"""Microsoft Teams through Power Automate Workflows: each post an Adaptive Card, within a deadline,
on a kept connection, with `Retry-After` honoured for every post to that endpoint.

Channels are named by tags in an Apprise config file (`OVERSIGHT_APPRISE_CONFIG`), whose
`workflows://` URLs Apprise parses. The posting is ours: Apprise hides the `Retry-After` of a
429, re-posts a slow 202 once its read timeout passes, and cuts a body at 1,000 characters.
"""

from __future__ import annotations

import http.client
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

import apprise
from apprise.plugins.workflows import NotifyWorkflows

from models.messages import Outgoing
from notifications.attempts import Breaker, Deadline, with_retries
from notifications.channels import DeliveryFailed
from notifications.settings import DeliverySettings

LARGEST_BODY = 64 * 1024  # of an endpoint's answer, read so the connection can be kept
KEEP_FOR_SECONDS = 30.0  # a connection idle longer is not reused: the endpoint may have closed it


@dataclass(frozen=True)
class Workflow:
    """One Workflows endpoint. Its path carries the signature, which is a secret: never shown."""

    host: str
    port: int
    path: str = field(repr=False)
    verify: bool = True

    @classmethod
    def from_server(cls, server: NotifyWorkflows) -> Workflow:
        """The endpoint Apprise's Workflows plugin would post to, from the URL it parsed."""
        prefix = "/powerautomate/automations/direct" if server.power_automate else ""
        if prefix and server.routing_id:
            prefix += f"/cu/{server.routing_id}"
        query = urlencode(
            {
                "api-version": server.api_version,
                "sp": "/triggers/manual/run",
                "sv": "1.0",
                "sig": server.signature,
            }
        )
        return cls(
            host=server.host,
            port=int(server.port or 443),
            path=f"{prefix}/workflows/{server.workflow}/triggers/manual/paths/invoke?{query}",
            verify=bool(server.verify_certificate),
        )


def adaptive_card(title: str, text: str) -> dict[str, object]:
    """A Workflows message holding one Adaptive Card: the title in bold, then the text (Teams
    renders its bold and lists)."""
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "msteams": {"width": "Full"},
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": title,
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": text, "wrap": True},
                    ],
                },
            }
        ],
    }


class TeamsChannel:
    """Posts each message to the Workflows endpoint its tag names in the operator's config (or to
    the managers' channel URL). A tag must name exactly one endpoint, so a post is never half
    delivered and then repeated."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.settings = settings
        self.endpoints = _endpoints(settings)
        self.breaker = Breaker("the Teams endpoint")
        self._kept = threading.local()
        self._all: list[http.client.HTTPConnection] = []
        self._resume_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        found = self.endpoints.get(message.address, [])
        if len(found) != 1:
            why = "no" if not found else f"{len(found)}"
            raise DeliveryFailed(
                f"{why} Teams Workflows URL(s) tagged {message.address!r} in the Apprise config; "
                "a tag must name exactly one",
                retry=False,
            )
        [endpoint] = found
        body = json.dumps(adaptive_card(message.subject, message.text)).encode()
        with_retries(lambda: self._post(endpoint, body), self.settings, self.breaker)
        return f"teams:tag {message.address}"

    def close(self) -> None:
        with self._lock:
            connections, self._all = self._all, []
        for connection in connections:
            connection.close()

    def _post(self, endpoint: Workflow, body: bytes) -> None:
        self._wait_while_asked(endpoint)
        current: list[http.client.HTTPConnection] = []
        deadline = Deadline(
            self.settings.send_deadline_seconds, lambda: current[-1].sock if current else None
        )
        with deadline:
            current.append(self._connection(endpoint))
            try:
                status, retry_after = self._exchange(current[-1], endpoint, body, deadline)
            except _Closed:
                current.append(self._connection(endpoint))
                status, retry_after = self._exchange(current[-1], endpoint, body, deadline)
        self.breaker.answered()
        if 200 <= status < 300:
            return
        if retry_after is not None:
            with self._lock:
                self._resume_at[endpoint.host] = max(
                    self._resume_at.get(endpoint.host, 0.0), time.monotonic() + retry_after
                )
        text = f"Teams answered {status} {http.client.responses.get(status, '')}".rstrip()
        raise DeliveryFailed(text, retry=status in (408, 429) or status >= 500, after=retry_after)

    def _exchange(
        self, connection: http.client.HTTPConnection, endpoint: Workflow, body: bytes, deadline: Deadline
    ) -> tuple[int, float | None]:
        """POST and read the answer whole. A kept connection that the endpoint closed before it
        took the request is `_Closed` (post again on a new one); a failure once the request is
        sent leaves the post in doubt, since it may have arrived."""
        reused = connection.sock is not None
        sent = False
        try:
            connection.request(
                "POST",
                endpoint.path,
                body=body,
                headers={"Content-Type": "application/json", "User-Agent": "Oversight"},
            )
            sent = True
            response = connection.getresponse()
            response.read(LARGEST_BODY)
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
                    f"Teams did not answer {waited}; the post may have arrived, so this run does "
                    "not post it again",
                    in_doubt=True,
                ) from None
            raise DeliveryFailed(f"could not reach Teams: {type(error).__name__}: {error}") from None
        if response.will_close:
            self._drop(connection)
        return response.status, _seconds(response.getheader("Retry-After"))

    def _connection(self, endpoint: Workflow) -> http.client.HTTPConnection:
        """This thread's connection to the endpoint: kept while posts follow one another, new
        after a pause long enough for the endpoint to have closed it."""
        kept: dict[Workflow, tuple[http.client.HTTPConnection, float]] = self._kept.__dict__.setdefault(
            "by_endpoint", {}
        )
        held = kept.get(endpoint)
        if held and time.monotonic() - held[1] > KEEP_FOR_SECONDS:
            self._drop(held[0])
            held = None
        if held is None:
            context = ssl.create_default_context()
            if not endpoint.verify:
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
            connection = http.client.HTTPSConnection(
                endpoint.host, endpoint.port, timeout=self.settings.send_deadline_seconds, context=context
            )
            with self._lock:
                self._all.append(connection)
        else:
            connection = held[0]
        kept[endpoint] = (connection, time.monotonic())
        return connection

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        kept = self._kept.__dict__.get("by_endpoint", {})
        for endpoint, (held, _) in list(kept.items()):
            if held is connection:
                del kept[endpoint]
        with self._lock:
            if connection in self._all:
                self._all.remove(connection)

    def _wait_while_asked(self, endpoint: Workflow) -> None:
        """Every post to an endpoint that asked us to wait (429 with `Retry-After`) waits too."""
        with self._lock:
            wait = self._resume_at.get(endpoint.host, 0.0) - time.monotonic()
        if wait > self.settings.longest_wait_seconds:
            raise DeliveryFailed(
                f"Teams asked to wait {wait:.0f} s, longer than {self.settings.longest_wait_seconds:g} s: "
                "left for the next run",
                retry=False,
            )
        if wait > 0:
            time.sleep(wait)


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date."""
    if not retry_after:
        return None
    if retry_after.strip().isdigit():
        return float(retry_after)
    try:
        return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _endpoints(settings: DeliverySettings) -> dict[str, list[Workflow]]:
    """Each tag in the operator's Apprise config with the Workflows endpoints it names, and the
    managers' channel when configuration gives it as a URL."""
    found: dict[str, list[Workflow]] = {}
    if settings.apprise_config:
        config = apprise.AppriseConfig()
        config.add(settings.apprise_config)
        for server in config.servers():
            if isinstance(server, NotifyWorkflows):
                for tag in server.tags:
                    found.setdefault(tag, []).append(Workflow.from_server(server))
    channel = settings.managers_channel
    if channel and "://" in channel:
        server = apprise.Apprise.instantiate(channel)
        if isinstance(server, NotifyWorkflows):
            found[channel] = [Workflow.from_server(server)]
    return found


class _Closed(Exception):
    """A kept connection the endpoint closed before taking the request."""
