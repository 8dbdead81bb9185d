"""Email through Microsoft Graph `sendMail`, as an Entra app registration (client credentials).

Microsoft is retiring password (Basic) logins for SMTP client submission to Exchange Online;
an unattended service sends with OAuth, and Graph is the way Microsoft recommends. The app's
token is fetched with a plain POST to the tenant's token endpoint (MSAL insists on an https
authority it can validate, which a loopback stand-in in the tests cannot be) and reused until
five minutes before it expires; a 401 fetches a new one once. Every request goes through
`notifications.posting`: the send deadline, kept connections, `Retry-After` honoured for every
thread, and a request that was handed over with no answer left in doubt, not sent again.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from urllib.parse import quote, urlencode

from models.messages import Outgoing
from notifications.attempts import with_retries
from notifications.channels import DeliveryFailed
from notifications.pace import Limits, pace_for
from notifications.posting import Endpoint, Poster
from notifications.settings import DeliverySettings, GraphAccount

EARLY_S = 300  # a token is renewed this long before it expires


def graph_message(message: Outgoing) -> dict[str, object]:
    """The `sendMail` body: the HTML part (Graph takes one body; Exchange adds the plain text
    part), kept out of the sender's Sent Items, with the message's key as a header of its own so
    that a resend can be recognised."""
    return {
        "message": {
            "subject": message.subject,
            "body": {"contentType": "HTML", "content": message.html},
            "toRecipients": [{"emailAddress": {"address": message.address}}],
            "internetMessageHeaders": [{"name": "X-Oversight-Key", "value": message.key}],
        },
        "saveToSentItems": False,
    }


class GraphChannel:
    """Sends each message as the account's sender mailbox."""

    def __init__(self, settings: DeliverySettings, account: GraphAccount) -> None:
        self.settings = settings
        self.account = account
        self.sender = account.sender
        self.pace = pace_for(
            settings.senders_folder, account.sender, Limits(settings.send_rate, settings.daily_limit)
        )
        self.poster = Poster("Microsoft Graph", settings)
        self.login = Endpoint.from_url(
            account.login_url, f"/{quote(account.tenant_id, safe='')}/oauth2/v2.0/token"
        )
        self.send_mail = Endpoint.from_url(
            account.api_url, f"/v1.0/users/{quote(account.sender, safe='@')}/sendMail"
        )
        self.scope = account.api_url.rstrip("/") + "/.default"
        self._token: tuple[str, float] | None = None  # the token, and when to renew it (monotonic)
        self._lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        body = json.dumps(graph_message(message)).encode()
        with_retries(lambda: self._once(body), self.settings, self.poster.breaker)
        return f"graph:{message.address}"

    def close(self) -> None:
        self.poster.close()

    def _once(self, body: bytes) -> None:
        token = self._current_token()
        if self.pace:
            self.pace.take_turn()
        answer = self.poster.post(self.send_mail, body, _headers(token))
        if answer.status == 401:  # revoked or expired early: one new token, then once more
            self._forget(token)
            token = self._current_token()
            if self.pace:
                self.pace.take_turn()
            answer = self.poster.post(self.send_mail, body, _headers(token))
        if 200 <= answer.status < 300:
            return
        raise DeliveryFailed(
            f"Microsoft Graph answered {answer.status} {_error(answer.body) or _reason(answer.status)}",
            retry=answer.status in (408, 429) or answer.status >= 500,
            after=answer.retry_after,
        )

    def _current_token(self) -> str:
        """The app's token, fetched by one thread while the others wait for it."""
        with self._lock:
            if self._token and time.monotonic() < self._token[1]:
                return self._token[0]
            form = urlencode(
                {
                    "client_id": self.account.client_id,
                    "client_secret": self.account.client_secret,
                    "scope": self.scope,
                    "grant_type": "client_credentials",
                }
            ).encode()
            try:
                answer = self.poster.post(
                    self.login, form, {"Content-Type": "application/x-www-form-urlencoded"}
                )
            except DeliveryFailed as failure:  # no token means no message sent: never in doubt
                raise DeliveryFailed(f"getting a token: {failure}", after=failure.after) from None
            if answer.status != 200:
                raise DeliveryFailed(
                    f"Microsoft Entra refused the app's token request for tenant {self.account.tenant_id}: "
                    f"{answer.status} {_error(answer.body) or _reason(answer.status)}",
                    retry=answer.status == 429 or answer.status >= 500,
                    after=answer.retry_after,
                )
            try:
                granted = json.loads(answer.body)
                token, lifetime = str(granted["access_token"]), float(granted.get("expires_in", 3599))
            except (ValueError, KeyError, TypeError):
                raise DeliveryFailed("Microsoft Entra's token answer could not be read", retry=True) from None
            renew_in = lifetime - EARLY_S if lifetime > 2 * EARLY_S else lifetime / 2
            self._token = (token, time.monotonic() + renew_in)
            return token

    def _forget(self, token: str) -> None:
        with self._lock:
            if self._token and self._token[0] == token:
                self._token = None


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def _error(body: bytes) -> str:
    """The error's code from a Graph or Entra answer (`ErrorAccessDenied`, `invalid_client`):
    the code only, since a message may quote an address or an identifier."""
    try:
        document = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(document, dict):
        return ""
    error = document.get("error")
    if isinstance(error, dict):
        return str(error.get("code") or "")[:80]
    return str(error or "")[:80]


def _reason(status: int) -> str:
    return http.client.responses.get(status, "")
