"""Microsoft Teams through Power Automate Workflows: each post an Adaptive Card, within a deadline,
on a kept connection, with `Retry-After` honoured for every post to that endpoint.

Channels are named by tags in an Apprise config file (`OVERSIGHT_APPRISE_CONFIG`), whose
`workflows://` URLs Apprise parses. The posting is ours (`notifications.posting`): Apprise hides
the `Retry-After` of a 429, re-posts a slow 202 once its read timeout passes, and cuts a body at
1,000 characters.
"""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlencode

import apprise
from apprise.plugins.workflows import NotifyWorkflows

from models.messages import Outgoing
from notifications.attempts import with_retries
from notifications.channels import DeliveryFailed
from notifications.posting import Endpoint, Poster
from notifications.settings import DeliverySettings


def workflow_endpoint(server: NotifyWorkflows) -> Endpoint:
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
    return Endpoint(
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
        self.poster = Poster("Teams", settings)

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
        with_retries(lambda: self._post(endpoint, body), self.settings, self.poster.breaker)
        return f"teams:tag {message.address}"

    def close(self) -> None:
        self.poster.close()

    def _post(self, endpoint: Endpoint, body: bytes) -> None:
        answer = self.poster.post(endpoint, body, {"Content-Type": "application/json"})
        if 200 <= answer.status < 300:
            return
        text = f"Teams answered {answer.status} {http.client.responses.get(answer.status, '')}".rstrip()
        raise DeliveryFailed(
            text, retry=answer.status in (408, 429) or answer.status >= 500, after=answer.retry_after
        )


def _endpoints(settings: DeliverySettings) -> dict[str, list[Endpoint]]:
    """Each tag in the operator's Apprise config with the Workflows endpoints it names, and the
    managers' channel when configuration gives it as a URL."""
    found: dict[str, list[Endpoint]] = {}
    if settings.apprise_config:
        config = apprise.AppriseConfig()
        config.add(settings.apprise_config)
        for server in config.servers():
            if isinstance(server, NotifyWorkflows):
                for tag in server.tags:
                    found.setdefault(tag, []).append(workflow_endpoint(server))
    channel = settings.managers_channel
    if channel and "://" in channel:
        server = apprise.Apprise.instantiate(channel)
        if isinstance(server, NotifyWorkflows):
            found[channel] = [workflow_endpoint(server)]
    return found
