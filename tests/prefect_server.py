"""A real `prefect server start` and process worker on loopback, as a council's IT team runs them.

Every process is started in its own process group and stopped, group and all, on the way out,
whatever happened; each wait has a deadline.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.loopback import LOOPBACK, free_port

ROOT = Path(__file__).parents[1]
PREFECT = str(Path(sys.executable).with_name("prefect"))


@dataclass(frozen=True)
class PrefectServer:
    api_url: str
    environment: dict[str, str]
    log: Path

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Prefect's own command line against this server, from the checkout's root."""
        return subprocess.run(
            [PREFECT, "--no-prompt", *args],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def prefect_environment(home: Path, extra: Mapping[str, str] = {}) -> dict[str, str]:
    """The environment of every Prefect process here: its own home, no telemetry (server or
    client), quick polls,
    and no OVERSIGHT_* setting leaking in from the developer's shell."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("OVERSIGHT_", "PREFECT_"))
    }
    environment.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",  # Prefect's client telemetry: nothing leaves loopback
        PREFECT_LOGGING_LEVEL="INFO",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_WORKER_PREFETCH_SECONDS="5",
        PREFECT_RUNNER_POLL_FREQUENCY="1",
    )
    environment.update(extra)
    return environment


@contextmanager
def running(
    command: list[str], environment: Mapping[str, str], log: Path, cwd: Path = ROOT
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as output:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=dict(environment),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def prefect_server(
    home: Path, database_url: str | None = None, startup_s: float = 120, settings: Mapping[str, str] = {}
) -> Iterator[PrefectServer]:
    """`prefect server start` on a free loopback port, on its own SQLite or on `database_url`,
    with `settings` in its environment too."""
    port = free_port()
    api_url = f"http://{LOOPBACK}:{port}/api"
    extra = {"PREFECT_SERVER_DATABASE_CONNECTION_URL": database_url} if database_url else {}
    extra.update(settings)
    environment = prefect_environment(home, {**extra, "PREFECT_API_URL": api_url})
    # host and port as settings, not only flags: the UI reads them to find its API
    server_environment = {k: v for k, v in environment.items() if k != "PREFECT_API_URL"}
    server_environment.update(PREFECT_SERVER_API_HOST=LOOPBACK, PREFECT_SERVER_API_PORT=str(port))
    log = home / "server.log"
    home.mkdir(parents=True, exist_ok=True)
    command = [PREFECT, "server", "start", "--host", LOOPBACK, "--port", str(port)]
    with running(command, server_environment, log) as process:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"prefect server exited {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"prefect server not up in {startup_s} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield PrefectServer(api_url, environment, log)


@contextmanager
def process_worker(
    server: PrefectServer,
    pool: str,
    environment: Mapping[str, str] = {},
    *,
    limit: int | None = None,
    name: str | None = None,
    cwd: Path = ROOT,
) -> Iterator[Path]:
    """`prefect worker start --pool POOL` in `cwd`, with the councils' settings in its
    environment; with `limit`, running at most that many flow runs at once."""
    log = server.log.with_name(f"worker-{name or pool}.log")
    command = [PREFECT, "worker", "start", "--pool", pool, "--type", "process"]
    command += ["--limit", str(limit)] if limit else []
    command += ["--name", name] if name else []
    with running(command, {**server.environment, **environment}, log, cwd):
        yield log


def wait_for_runs(server: PrefectServer, run_ids: list[str], timeout_s: float) -> dict[str, str]:
    """Each run's final state name, once all are final (or their state at the deadline)."""
    final = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
    deadline = time.monotonic() + timeout_s
    while True:
        states = {run_id: _state(server, run_id) for run_id in run_ids}
        if all(state_type in final for state_type, _ in states.values()) or time.monotonic() > deadline:
            return {run_id: name for run_id, (_, name) in states.items()}
        time.sleep(1)


def _state(server: PrefectServer, run_id: str) -> tuple[str, str]:
    run = httpx.get(f"{server.api_url}/flow_runs/{run_id}", timeout=10).raise_for_status().json()
    return run["state_type"], run["state_name"]
