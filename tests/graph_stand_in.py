"""A stand-in for Microsoft Entra's token endpoint and Microsoft Graph's `sendMail`, in plain HTTP
on 127.0.0.1: it grants app tokens for one registration's credentials, takes mail only with a
token it granted and has not revoked, and can answer as the real ones do when they are busy
(429 or 503 with `Retry-After`), forbidding (403), or slow."""

from __future__ import annotations

import json
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

from notifications.settings import GraphAccount
from tests.loopback import LOOPBACK, free_port

SECRET = "not-a-real-secret-4f9c"  # the stand-in's client secret: a test checks it is never shown


@dataclass
class GraphService:
    port: int
    tenant: str = "tenant-1"
    client_id: str = "app-1"
    statuses: list[int] = field(default_factory=list)  # sendMail's next answers, then 202
    retry_after: str | None = None  # on a 429 or 503
    delay_s: float = 0.0  # before sendMail answers
    expires_in: int = 3599
    revoke_after: int | None = None  # revoke every token granted once this many are sent
    per_minute: int | None = None  # as Exchange Online: 429 for a request beyond this many a minute
    granted: list[str] = field(default_factory=list)
    revoked: set[str] = field(default_factory=set)
    sent: list[dict] = field(default_factory=list)  # {"sender": ..., "body": ...} of each 202
    arrivals: list[float] = field(default_factory=list)  # each sendMail, monotonic
    answers: list[int] = field(default_factory=list)  # each sendMail's status
    logged: list[str] = field(default_factory=list)  # what a server's access log would hold

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def account(self, sender: str = "oversight@council.example", secret: str = SECRET) -> GraphAccount:
        return account_at(self.url, self.tenant, self.client_id, sender, secret)

    def environment(self) -> dict[str, str]:
        """The settings that send a council's email through this stand-in."""
        account = self.account()
        return {
            "OVERSIGHT_GRAPH_TENANT_ID": account.tenant_id,
            "OVERSIGHT_GRAPH_CLIENT_ID": account.client_id,
            "OVERSIGHT_GRAPH_CLIENT_SECRET": account.client_secret,
            "OVERSIGHT_GRAPH_SENDER": account.sender,
            "OVERSIGHT_GRAPH_LOGIN_URL": self.url,
            "OVERSIGHT_GRAPH_API_URL": self.url,
        }

    def revoke_all(self) -> None:
        self.revoked.update(self.granted)

    def received(self) -> list[str]:
        """The address each message accepted was for."""
        return [sent["body"]["message"]["toRecipients"][0]["emailAddress"]["address"] for sent in self.sent]


def account_at(
    url: str,
    tenant: str = "tenant-1",
    client_id: str = "app-1",
    sender: str = "oversight@council.example",
    secret: str = SECRET,
) -> GraphAccount:
    """The registration the stand-in at `url` grants tokens to (from another process, too)."""
    return GraphAccount(tenant, client_id, secret, sender, login_url=url, api_url=url)


@contextmanager
def graph_service(**behaviour: object) -> Iterator[GraphService]:
    service = GraphService(port=free_port(), **behaviour)  # type: ignore[arg-type]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # connections are kept, as Graph's are

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                service.logged.append(self.path)
            if self.path == f"/{service.tenant}/oauth2/v2.0/token":
                self._token(parse_qs(body.decode()))
            elif self.path.startswith("/v1.0/users/") and self.path.endswith("/sendMail"):
                self._send_mail(unquote(self.path.split("/")[3]), body)
            else:
                self._answer(404, {"error": {"code": "ResourceNotFound"}})

        def _token(self, form: dict[str, list[str]]) -> None:
            wanted = {
                "client_id": [service.client_id],
                "client_secret": [SECRET],
                "grant_type": ["client_credentials"],
                "scope": [f"{service.url}/.default"],
            }
            if form != wanted:
                self._answer(401, {"error": "invalid_client", "error_description": "AADSTS7000215"})
                return
            with lock:
                token = f"token-{len(service.granted) + 1}"
                service.granted.append(token)
            self._answer(
                200, {"token_type": "Bearer", "expires_in": service.expires_in, "access_token": token}
            )

        def _send_mail(self, sender: str, body: bytes) -> None:
            with lock:
                now = time.monotonic()
                service.arrivals.append(now)
                last_minute = sum(1 for t in service.arrivals if t > now - 60)
            time.sleep(service.delay_s)
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with lock:
                if token not in service.granted or token in service.revoked:
                    status = 401
                elif service.per_minute and last_minute > service.per_minute:
                    status = 429
                else:
                    status = service.statuses.pop(0) if service.statuses else 202
                service.answers.append(status)
                if status == 202:
                    service.sent.append({"sender": sender, "body": json.loads(body)})
                    if len(service.sent) == service.revoke_after:
                        service.revoke_all()
            errors = {
                401: "InvalidAuthenticationToken",
                403: "ErrorAccessDenied",
                429: "ApplicationThrottled",
            }
            self._answer(
                status,
                {"error": {"code": errors.get(status, "ServiceUnavailable")}} if status != 202 else None,
            )

        def _answer(self, status: int, document: object) -> None:
            content = json.dumps(document).encode() if document is not None else b""
            self.send_response(status)
            if status in (429, 503) and service.retry_after:
                self.send_header("Retry-After", service.retry_after)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, service.port), Handler)
    server.handle_error = _quiet_when_hung_up  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


def _quiet_when_hung_up(request: object, address: object) -> None:
    """A client that hung up (a send deadline passed) is expected; anything else is shown."""
    if not isinstance(sys.exc_info()[1], ConnectionError):
        traceback.print_exc()
