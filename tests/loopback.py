"""Real servers on 127.0.0.1 for delivery tests: an SMTP server (aiosmtpd) and an HTTPS server
standing in for a Teams Workflows endpoint. Nothing here talks to any other address."""

from __future__ import annotations

import asyncio
import datetime
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received, as parsed messages with their envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    delay_s: float = 0.0  # how long the relay takes over each message before it answers

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(delay_s: float = 0.0) -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox(delay_s=delay_s)
    port = free_port()
    controller = Controller(mailbox, hostname=LOOPBACK, port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass
class TeamsEndpoint:
    """Records each POSTed JSON body; answers with the queued statuses, then 202."""

    port: int
    statuses: list[int] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)
    attempts: int = 0
    delay_s: float = 0.0  # how long the endpoint takes before it answers (Power Automate can be slow)

    def url(self, workflow: str = "team1", signature: str = "sig1") -> str:
        return f"workflows://{LOOPBACK}:{self.port}/{workflow}/{signature}/?verify=no"


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "teams.crt", folder / "teams.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@contextmanager
def teams_endpoint(
    folder: Path, statuses: list[int] | None = None, delay_s: float = 0.0
) -> Iterator[TeamsEndpoint]:
    endpoint = TeamsEndpoint(port=free_port(), statuses=list(statuses or []), delay_s=delay_s)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            time.sleep(endpoint.delay_s)
            with lock:
                endpoint.attempts += 1
                status = endpoint.statuses.pop(0) if endpoint.statuses else 202
                if status < 300:
                    endpoint.received.append(json.loads(body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, endpoint.port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(folder))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        server.shutdown()
        server.server_close()
