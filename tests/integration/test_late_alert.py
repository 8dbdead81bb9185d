"""With every worker stopped, a night that does not start still reaches the operators: the
server's own automation posts to their webhook (a plain HTTP stand-in on loopback here)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.loopback import LOOPBACK
from tests.prefect_server import ROOT, prefect_server


@contextmanager
def webhook() -> Iterator[tuple[list[dict], str]]:
    """A loopback endpoint answering 202 to every POST, keeping each JSON body."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield received, f"http://{LOOPBACK}:{server.server_address[1]}/workflow"
    finally:
        server.shutdown()


@pytest.mark.server
def test_a_night_that_never_starts_reaches_the_operators_with_every_worker_stopped(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.states import Scheduled

    oversight = str(Path(sys.executable).with_name("oversight"))
    with (
        webhook() as (received, url),
        prefect_server(tmp_path / "prefect", settings={"TZ": "Europe/London"}) as server,
    ):
        assert server.cli("work-pool", "create", "oversight", "--type", "process").returncode == 0
        deployed = server.cli("deploy", "--all", "--prefect-file", str(ROOT / "prefect.yaml"), timeout=240)
        assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
        installed = subprocess.run(
            [oversight, "late-alert", url],
            env=server.environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert installed.returncode == 0, installed.stderr
        # no worker was ever started: tonight's run, due a minute ago, can only turn Late
        due = datetime.now(UTC) - timedelta(minutes=1)
        with SyncPrefectClient(server.api_url) as client:
            deployment = client.read_deployment_by_name("oversight-nightly/nightly")
            run = client.create_flow_run_from_deployment(deployment.id, state=Scheduled(scheduled_time=due))
        deadline = time.monotonic() + 150
        while not received and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(3)  # a second post for the same night would be a defect: give it time to show

    [card] = received
    text = " ".join(block["text"] for block in card["attachments"][0]["content"]["body"])
    assert "Oversight: the night for nightly has not started" in text
    assert f"({run.name})" in text and "no worker of its pool is running" in text
    assert f"was due at {due.astimezone(ZoneInfo('Europe/London')):%Y-%m-%d %H:%M %Z}" in text  # London time
    assert "None" not in text
