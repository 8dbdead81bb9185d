"""The production path, end to end, as the README tells a council's IT team to run it: a real
`prefect server start` (on its own SQLite, and on PostgreSQL), a process work pool, `prefect
deploy --all` from prefect.yaml with two councils added the documented way, a worker, and the
runs' results read back through Prefect's own CLI and client."""

from __future__ import annotations

import re
import signal
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from models.db import open_database
from models.policy.evaluate import evaluate
from models.policy.policy import load_policy
from models.store import import_paths, load_snapshot
from tests.browser import rendered_text
from tests.conftest import _postgres_or_skip
from tests.csvdata import GOOD, write_folder
from tests.prefect_server import ROOT, prefect_server, process_worker, running, wait_for_runs

TUESDAY = date(2026, 11, 24)
COUNCILS = {"north": "default", "south": "havering"}
# Two councils and one that is misconfigured (no database), in the README's few lines each.
ADDED = "".join(
    f"""
  - name: {name}
    <<: *council-night
    parameters: {{council: {name}, policy: {policy}}}
    schedules: [{{cron: "{35 + index} 5 * * *", timezone: Europe/London}}]
"""
    for index, (name, policy) in enumerate({**COUNCILS, "broken": "default"}.items())
)


def _server_database(kind: str) -> str | None:
    """None for the server's own SQLite; else a fresh PostgreSQL database for the server."""
    if kind == "sqlite":
        return None
    _postgres_or_skip()
    with psycopg.connect("dbname=oversight_test host=/var/run/postgresql", autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS prefect_e2e WITH (FORCE)")
        connection.execute("CREATE DATABASE prefect_e2e")
    return "postgresql+asyncpg:///prefect_e2e?host=/var/run/postgresql"


def _council(tmp_path: Path, name: str) -> tuple[str, set[str]]:
    """A council's database with the test council in it, and who tonight's digests are for."""
    url = f"sqlite:///{tmp_path / name}.db"
    engine = open_database(url)
    import_paths(engine, [write_folder(tmp_path / f"{name}-csv", GOOD)])
    findings = evaluate(load_snapshot(engine, TUESDAY), load_policy(COUNCILS[name]), TUESDAY)
    engine.dispose()
    return url, {recipient.staff_id for finding in findings for recipient in finding.notify}


def _run(server, deployment: str, night: date = TUESDAY) -> str:
    result = server.cli("deployment", "run", deployment, "--param", f"as_of={night}")
    assert result.returncode == 0, result.stdout + result.stderr
    return re.search(r"UUID: ([0-9a-f-]{36})", result.stdout).group(1)


@pytest.mark.server
@pytest.mark.parametrize("server_database", ["sqlite", "postgresql"])
def test_two_councils_deploy_run_and_report_and_a_failed_night_is_alerted(tmp_path, server_database):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    environment = {}
    expected = {}
    for name in COUNCILS:
        url, expected[name] = _council(tmp_path, name)
        environment[f"OVERSIGHT_{name.upper()}_DATABASE_URL"] = url
        environment[f"OVERSIGHT_{name.upper()}_OUTBOX"] = str(tmp_path / f"{name}-outbox")
    environment["OVERSIGHT_BROKEN_OUTBOX"] = str(tmp_path / "broken-outbox")
    prefect_file = tmp_path / "prefect.yaml"
    prefect_file.write_text((ROOT / "prefect.yaml").read_text() + ADDED)

    with prefect_server(tmp_path / "prefect", _server_database(server_database)) as server:
        assert server.cli("work-pool", "create", "oversight", "--type", "process").returncode == 0
        deployed = server.cli("deploy", "--all", "--prefect-file", str(prefect_file), timeout=240)
        assert deployed.returncode == 0, deployed.stdout[-3000:] + deployed.stderr[-3000:]
        with process_worker(server, "oversight", environment) as worker_log:
            runs = {name: _run(server, f"oversight-nightly/{name}") for name in (*COUNCILS, "broken")}
            states = wait_for_runs(server, list(runs.values()), timeout_s=180)
            alerts = _wait_for_files(tmp_path / "broken-outbox", timeout_s=120)
        ui = server.api_url.removesuffix("/api")
        deployments_page = rendered_text(f"{ui}/deployments", tmp_path / "chromium")
        run_page = rendered_text(f"{ui}/runs/flow-run/{runs['north']}", tmp_path / "chromium")
        listed = server.cli("deployment", "ls")
        flow_runs = server.cli("flow-run", "ls")
        with SyncPrefectClient(server.api_url) as client:
            summaries = {
                name: client.read_artifacts(
                    artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[f"oversight-{name}-summary"]))
                )
                for name in COUNCILS
            }

    assert states == {runs["north"]: "Completed", runs["south"]: "Completed", runs["broken"]: "Failed"}, (
        worker_log.read_text()[-4000:]
    )
    for name in COUNCILS:
        written = [path.name.split("_")[1] for path in (tmp_path / f"{name}-outbox").glob("*.eml")]
        assert sorted(written) == sorted(expected[name])
        [summary] = summaries[name]
        assert f"# Oversight: {name}, {TUESDAY}" in summary.data
        assert f"{len(expected[name])} message(s) sent, 0 failed" in summary.data
    assert listed.returncode == 0 and flow_runs.returncode == 0, listed.stderr + flow_runs.stderr
    assert {"oversight-nightly/north", "oversight-nightly/south", "oversight-alert/alert"} <= set(
        re.findall(r"oversight-[a-z]+/[a-z]+", listed.stdout)
    )
    for page in (deployments_page, run_page):
        assert "Something went wrong" not in page and "Can't connect" not in page
    assert {"north", "south", "broken", "alert"} <= set(
        re.findall(r">(north|south|broken|alert)<", deployments_page)
    )
    assert "Completed" in run_page
    [alert] = alerts
    text = alert.read_text()
    assert "Subject: Oversight: the night for broken is Failed" in text
    assert runs["broken"] in text


def _wait_for_files(folder: Path, timeout_s: float) -> list[Path]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = sorted(folder.glob("*.eml"))
        if found:
            time.sleep(2)  # a second alert for the same night would be a defect: give it time to show
            return sorted(folder.glob("*.eml"))
        time.sleep(1)
    return []


@pytest.mark.server
def test_oversight_serve_runs_night_after_night_apart_from_the_work_pool_and_stops_on_sigterm(tmp_path):
    from prefect.client.orchestration import SyncPrefectClient
    from prefect.states import Scheduled

    """Served from a working folder of its own, as an operator's shell or systemd would: two
    nights in a row complete (the second used to crash on the first's `./reports`), nothing is
    written into that folder, the served deployments have names of their own, and SIGTERM stops
    serve within seconds, leaving its night unpaused (a stopped serve's night turns Late, and
    the alert says so)."""
    url, expected = _council(tmp_path, "north")
    outbox = tmp_path / "north-outbox"
    settings = {
        "OVERSIGHT_NORTH_DATABASE_URL": url,
        "OVERSIGHT_NORTH_OUTBOX": str(outbox),
        "OVERSIGHT_HOME": str(tmp_path / "home"),
    }
    oversight = str(Path(sys.executable).with_name("oversight"))
    folder = tmp_path / "working-folder"
    folder.mkdir()
    log = tmp_path / "serve.log"
    with prefect_server(tmp_path / "prefect") as server:
        command = [oversight, "serve", "--council", "north", "--cron", "0 6 * * 1-5"]
        with running(command, {**server.environment, **settings}, log, cwd=folder) as serving:
            deadline = time.monotonic() + 90
            # serve registers the night, then the alert: wait for both before asserting on either
            wanted = ("oversight-nightly/serve-north", "oversight-alert/serve-north-alert")
            while not all(server.cli("deployment", "inspect", name).returncode == 0 for name in wanted):
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(1)
            states = {}
            for night in (date(2026, 11, 23), TUESDAY):
                run = _run(server, "oversight-nightly/serve-north", night)
                states.update(wait_for_runs(server, [run], timeout_s=120))
            # a night run late (due yesterday, started now), with no as_of: it evaluates its own night
            yesterday = datetime.now(UTC) - timedelta(days=1)
            with SyncPrefectClient(server.api_url) as client:
                deployment = client.read_deployment_by_name("oversight-nightly/serve-north")
                late = client.create_flow_run_from_deployment(
                    deployment.id, state=Scheduled(scheduled_time=yesterday)
                )
            states.update(wait_for_runs(server, [str(late.id)], timeout_s=120))
            stopping = time.monotonic()
            serving.send_signal(signal.SIGTERM)
            serving.wait(20)
            stopped_in = time.monotonic() - stopping
        schedule = server.cli("deployment", "inspect", "oversight-nightly/serve-north").stdout

    assert list(states.values()) == ["Completed", "Completed", "Completed"], log.read_text()[-3000:]
    assert "0 6 * * 1-5" in schedule and "Europe/London" in schedule
    assert "'paused': False" in schedule
    assert stopped_in < 10
    # the night due yesterday may have turned Late before serve started it: its alert is there too
    digests = [path for path in outbox.glob("*.eml") if not path.name.startswith("alert-")]
    assert sorted({path.name.split("_")[1] for path in digests}) == sorted(expected)
    assert list(folder.iterdir()) == []  # nothing in the working folder: no `reports` to hide a package
    reports = tmp_path / "home" / "north" / "reports"
    night = yesterday.astimezone(ZoneInfo("Europe/London")).date()
    assert {p.name for p in reports.glob("*.html")} == {
        "compliance-2026-11-23.html",
        "compliance-2026-11-24.html",
        f"compliance-{night}.html",  # the late run's: its own night, not the day it ran
    }
