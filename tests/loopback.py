"""Real servers on 127.0.0.1 for tests: an SMTP server (aiosmtpd), an HTTPS server standing in
for a Teams Workflows endpoint, and a static site for pages a browser opens. Nothing here talks
to any other address."""

from __future__ import annotations

import asyncio
import datetime
import json
import multiprocessing
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
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
    """What the SMTP server received, as parsed messages with their envelope recipients, and over
    how many connections. It can misbehave: refuse every Nth message with a reply such as
    `421 4.7.0 Try again later` or `451 4.3.0 ...`, or refuse given recipients with a 550."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    delay_s: float = 0.0  # how long the relay takes over each message before it answers
    refuse_every: int = 0
    refusal: str = "451 4.3.0 Temporary failure, try again later"
    unknown: frozenset[str] = frozenset()  # addresses refused with 550
    connections: set[tuple[str, int]] = field(default_factory=set)
    data_commands: int = 0
    rcpt_commands: int = 0

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        self.rcpt_commands += 1
        if address in self.unknown:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.connections.add(session.peer)
        self.data_commands += 1
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.refuse_every and self.data_commands % self.refuse_every == 0:
            return self.refusal
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server(delay_s: float = 0.0, **misbehaviour: object) -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox(delay_s=delay_s, **misbehaviour)  # type: ignore[arg-type]
    port = free_port()
    controller = Controller(mailbox, hostname=LOOPBACK, port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Envelope:
    """One message as a relay received it: who from, to whom, and its size."""

    sender: str
    recipients: tuple[str, ...]
    size: int


@dataclass
class _Counting:
    received: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.received.append(Envelope(envelope.mail_from, tuple(envelope.rcpt_tos), len(envelope.content)))
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class RelayProcess:
    """An SMTP relay running in a process of its own, asked for what it has received."""

    port: int
    _pipe: Connection

    def received(self) -> list[Envelope]:
        self._pipe.send("report")
        return self._pipe.recv()


def _relay_main(port: int, pipe: Connection) -> None:
    counting = _Counting()
    controller = Controller(counting, hostname=LOOPBACK, port=port)
    controller.start()
    pipe.send("ready")
    try:
        while pipe.recv() == "report":
            pipe.send(list(counting.received))
    finally:
        controller.stop()


@contextmanager
def smtp_relay_process() -> Iterator[RelayProcess]:
    """A relay that accepts everything, in its own process: a benchmark then measures the sender,
    not a relay sharing the sender's interpreter lock. Stopped, whatever happened, on the way out."""
    context = multiprocessing.get_context("spawn")
    mine, theirs = context.Pipe()
    port = free_port()
    process = context.Process(target=_relay_main, args=(port, theirs), daemon=True)
    process.start()
    try:
        if not mine.poll(30):
            raise TimeoutError("the SMTP relay process did not start in 30 s")
        mine.recv()
        yield RelayProcess(port, mine)
    finally:
        if process.is_alive():
            mine.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()
            process.join()


@contextmanager
def broken_relay(behaviour: str) -> Iterator[int]:
    """A relay that accepts connections and then misbehaves: `silent` never says a word;
    `trickle` greets, then answers every command with a reply line that never ends, one byte
    every half second. Yields its port; every connection is cut on the way out."""
    listener = socket.create_server((LOOPBACK, 0))
    port = listener.getsockname()[1]
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve(connection: socket.socket) -> None:
        try:
            if behaviour == "trickle":
                connection.sendall(b"220 relay.example ESMTP\r\n")
                connection.recv(1024)
                connection.sendall(b"250-")
                while not stop.wait(0.5):
                    connection.sendall(b"x")
            else:
                stop.wait()
        except OSError:
            pass

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)
            threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield port
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        listener.close()
        for connection in held:
            connection.close()


@dataclass
class TeamsEndpoint:
    """Records each POSTed JSON body and when each attempt arrived and was answered; answers with
    the queued statuses (a 429 with `retry_after` as its `Retry-After`), then 202."""

    port: int
    statuses: list[int] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)
    attempts: int = 0
    delay_s: float = 0.0  # how long the endpoint takes before it answers (Power Automate can be slow)
    retry_after: str | None = None
    arrivals: list[float] = field(default_factory=list)
    answers: list[tuple[float, int]] = field(default_factory=list)

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
    folder: Path, statuses: list[int] | None = None, delay_s: float = 0.0, retry_after: str | None = None
) -> Iterator[TeamsEndpoint]:
    endpoint = TeamsEndpoint(
        port=free_port(), statuses=list(statuses or []), delay_s=delay_s, retry_after=retry_after
    )
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                endpoint.arrivals.append(time.monotonic())
            time.sleep(endpoint.delay_s)
            with lock:
                endpoint.attempts += 1
                status = endpoint.statuses.pop(0) if endpoint.statuses else 202
                if status < 300:
                    endpoint.received.append(json.loads(body))
                endpoint.answers.append((time.monotonic(), status))
            self.send_response(status)
            if status == 429 and endpoint.retry_after:
                self.send_header("Retry-After", endpoint.retry_after)
            self.send_header("Content-Length", "0")
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


@dataclass
class StaticSite:
    """A folder served on loopback, remembering every path asked for: a page that fetches
    nothing shows up as one request."""

    port: int
    requested: list[str] = field(default_factory=list)

    def url(self, name: str) -> str:
        return f"http://{LOOPBACK}:{self.port}/{name}"


@contextmanager
def static_site(folder: Path) -> Iterator[StaticSite]:
    site = StaticSite(free_port())

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
            site.requested.append(self.path)
            super().do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, site.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
