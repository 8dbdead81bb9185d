"""How long every English council's night takes when one service runs them all.

    python -m benchmarks.service [--councils N] [--workers K] [--limit L] [--prefect-database URL] [--json]

Generates N councils (default 153, as many as England's local authorities with children's
services) with a realistic spread of sizes, from a few dozen staff to one like the `large`
council, about 35,000 staff in all at N = 153, each with its own SQLite database and one of the
seed councils' policy presets. Then, as a council's IT team runs production: a real `prefect
server start`, a process work pool, `prefect deploy` of one deployment per council, and K
`prefect worker start --limit L` processes, each running L nights at a time (default 1). The
server keeps its state in its own SQLite, or with `--prefect-database` in an empty database of
the operator's (PostgreSQL, as production at this size should). Every council's email goes to
one loopback SMTP relay that the benchmark starts in a process of its own.

The councils are deployed and run in three stages, N/4, then N/4 more, then the other N/2 (each
stage with the same spread of sizes), so the growth shows whether the time per council stays
flat as the server holds more councils. Printed: the total wall time of the runs, each run's own
time (Running to Completed) at p50 and p95, the time each council took of a worker (`slot_s`:
wall time x workers / councils) and Prefect's own overhead per night (`overhead_s`: a night's
place on a worker, start to start, less the run's own time; `start_s`: from the worker taking the run to the night starting, p50), the
messages the councils recorded as sent and those the relay received, and, from the per-run
slots, the wall time two machines with one worker each would take (`two_machines_s`: the runs
shared out longest first).

With `--machines M` (default 2; 0 to skip), the same nights are then run again, on copies of
the councils' databases taken before the first run, by M workers that share nothing but the
server, the databases and the relay: each has its own environment, as a machine of its own would
(its own Prefect home, temporary folder, Oversight home and working folder). `machines` gives
their wall time against the one worker's (`one_worker_s`: the three stages' runs added up) in
the same benchmark, on the same server. Every process the benchmark starts is stopped on the way out.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml
from prefect.client.orchestration import SyncPrefectClient
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from sqlalchemy import func, select

from demo.council import DEMO_AS_OF, SCALES, Scale, generate, write_csvs
from models.db import open_database
from models.store import import_paths
from models.tables import FindingRow, MessageRow
from tests.loopback import smtp_relay_process
from tests.prefect_server import ROOT, PrefectServer, prefect_server, process_worker

COUNCILS = 153  # English local authorities with children's services
PRESETS = ("default", "havering", "nelincs", "shropshire", "stoke", "central_beds")
SMALLEST, LARGEST = 3, SCALES["large"].teams  # teams of nine: a few dozen staff, and `large`
SKEW = 2.3  # most councils are small: about 35,000 staff across 153 councils, as in England


@dataclass(frozen=True)
class Council:
    name: str
    scale: Scale
    policy: str
    seed: int

    @property
    def staff(self) -> int:
        return self.scale.teams * self.scale.workers_per_team

    @property
    def variable(self) -> str:
        return f"OVERSIGHT_{self.name.upper().replace('-', '_')}"

    @property
    def sender(self) -> str:
        return f"oversight@{self.name}.example"


@dataclass
class Night:
    """One council's night as the server and its database saw it."""

    council: Council
    run_id: UUID
    rows: int = 0  # imported into its database
    state: str = ""
    run_s: float = 0.0  # Running to Completed
    start_s: float = 0.0  # the worker taking the run (Pending) to the night starting (Running)
    findings: int = 0
    sent: int = 0
    received: list[str] = field(default_factory=list)  # the addresses the relay got mail for


@dataclass
class Stage:
    councils: int  # deployed on the server by the end of the stage
    nights: list[Night]
    deploy_s: float
    wall_s: float


def councils(count: int, largest: int = LARGEST) -> list[Council]:
    """`count` councils, smallest to largest: team counts spread geometrically from SMALLEST to
    `largest`, skewed so that most councils are small, as England's are."""
    spread = [
        round(SMALLEST * (largest / SMALLEST) ** ((index / max(1, count - 1)) ** SKEW))
        for index in range(count)
    ]
    return [
        Council(
            f"council-{index + 1:03d}",
            replace(SCALES["large"], teams=teams),
            PRESETS[index % len(PRESETS)],
            seed=index + 1,
        )
        for index, teams in enumerate(spread)
    ]


def stages(all_councils: Sequence[Council]) -> list[list[Council]]:
    """N/4, N/4 more, then the other N/2, interleaved so that each stage has the same spread (a
    stage left empty by a very small N is dropped)."""
    chosen = [
        [c for i, c in enumerate(all_councils) if i % 4 == 0],
        [c for i, c in enumerate(all_councils) if i % 4 == 2],
        [c for i, c in enumerate(all_councils) if i % 2 == 1],
    ]
    return [stage for stage in chosen if stage]


def _prepare(council: Council, folder: Path) -> int:
    """The council's CSV export imported into its own database; returns the rows imported."""
    rows = generate(council.scale, DEMO_AS_OF, seed=council.seed)
    write_csvs(rows, folder / council.name)
    engine = open_database(_database_url(council, folder))
    import_paths(engine, [folder / council.name])
    engine.dispose()
    return sum(len(values) for values in rows.values())


def _database_url(council: Council, folder: Path) -> str:
    return f"sqlite:///{folder / council.name}.db"


def _copy_databases(all_councils: Sequence[Council], folder: Path, to: Path) -> None:
    """Each council's database as it stands, copied with SQLite's online backup."""
    to.mkdir(parents=True, exist_ok=True)
    for council in all_councils:
        with closing(sqlite3.connect(folder / f"{council.name}.db")) as source:
            with closing(sqlite3.connect(to / f"{council.name}.db")) as copy:
                source.backup(copy)


def _machine(folder: Path, index: int) -> tuple[Path, dict[str, str]]:
    """A stand-in for a machine of its own: its working folder, and the environment that a
    machine keeps to itself (its Prefect home, temporary folder and Oversight home)."""
    home = folder / f"machine-{index}"
    own = {name: home / name.lower() for name in ("PREFECT_HOME", "TMPDIR", "OVERSIGHT_HOME")}
    for path in own.values():
        path.mkdir(parents=True, exist_ok=True)
    return home, {name: str(path) for name, path in own.items()} | {"HOME": str(home)}


def _environment(all_councils: Sequence[Council], folder: Path, relay_port: int) -> dict[str, str]:
    """Every council's settings, as the worker's environment holds them in production."""
    environment = {}
    for council in all_councils:
        environment[f"{council.variable}_DATABASE_URL"] = _database_url(council, folder)
        environment[f"{council.variable}_EMAIL_URL"] = (
            f"mailto://127.0.0.1:{relay_port}?from={council.sender}"
        )
        environment[f"{council.variable}_REPORTS"] = str(folder / "reports" / council.name)
    return environment


def _prefect_file(stage: Sequence[Council], folder: Path) -> Path:
    """prefect.yaml with the stage's councils as its deployments, in the README's form."""
    project = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    night = project["definitions"]["council-night"]
    project["deployments"] = [
        {**night, "name": council.name, "parameters": {"council": council.name, "policy": council.policy}}
        for council in stage
    ]
    path = folder / f"prefect-{stage[0].name}.yaml"
    path.write_text(yaml.safe_dump(project, sort_keys=False))
    return path


def _deploy(server: PrefectServer, stage: Sequence[Council], folder: Path) -> float:
    started = time.perf_counter()
    deployed = server.cli(
        "deploy", "--all", "--prefect-file", str(_prefect_file(stage, folder)), timeout=1800
    )
    if deployed.returncode != 0:
        raise RuntimeError(f"prefect deploy failed:\n{deployed.stdout[-3000:]}{deployed.stderr[-3000:]}")
    return time.perf_counter() - started


def _start_runs(client: SyncPrefectClient, stage: Sequence[Council], rows: dict[Council, int]) -> list[Night]:
    nights = []
    for council in stage:
        deployment = client.read_deployment_by_name(f"oversight-nightly/{council.name}")
        run = client.create_flow_run_from_deployment(deployment.id, parameters={"as_of": DEMO_AS_OF})
        nights.append(Night(council, run.id, rows[council]))
    return nights


def _wait(client: SyncPrefectClient, nights: Sequence[Night], timeout_s: float) -> None:
    """Until every night is final (or the deadline passes), then each night's state and times."""
    deadline = time.monotonic() + timeout_s
    by_id = {night.run_id: night for night in nights}
    flow_runs = FlowRunFilter(id=FlowRunFilterId(any_=list(by_id)))
    while True:
        runs = client.read_flow_runs(flow_run_filter=flow_runs, limit=len(by_id))
        if all(run.state and run.state.is_final() for run in runs) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for run in runs:
        night = by_id[run.id]
        night.state, night.run_s = run.state_name or "", run.total_run_time.total_seconds()
        when = {state.type.value: state.timestamp for state in client.read_flow_run_states(run.id)}
        if "PENDING" in when and "RUNNING" in when:
            night.start_s = (when["RUNNING"] - when["PENDING"]).total_seconds()


def _tally(nights: Sequence[Night], folder: Path, received: Sequence[Any]) -> None:
    """What each council recorded (findings, messages sent) and what the relay got from it."""
    by_sender: dict[str, list[str]] = {}
    for envelope in received:
        by_sender.setdefault(envelope.sender, []).extend(envelope.recipients)
    for night in nights:
        engine = open_database(_database_url(night.council, folder))
        with engine.connect() as connection:
            night.findings = connection.scalar(
                select(func.count()).select_from(FindingRow).where(FindingRow.as_of == DEMO_AS_OF)
            )
            night.sent = connection.scalar(
                select(func.count())
                .select_from(MessageRow)
                .where(MessageRow.as_of == DEMO_AS_OF, MessageRow.status == "sent")
            )
        engine.dispose()
        night.received = by_sender.get(night.council.sender, [])


@contextmanager
def _workers(server: PrefectServer, count: int, limit: int, environment: dict[str, str]) -> Iterator[None]:
    with ExitStack() as stack:
        for index in range(count):
            stack.enter_context(
                process_worker(server, "oversight", environment, limit=limit, name=f"worker-{index + 1}")
            )
        yield


@contextmanager
def _machines(
    server: PrefectServer, count: int, limit: int, environment: dict[str, str], folder: Path
) -> Iterator[None]:
    """`count` workers, each in a stand-in machine of its own (`_machine`)."""
    with ExitStack() as stack:
        for index in range(1, count + 1):
            home, own = _machine(folder, index)
            stack.enter_context(
                process_worker(
                    server, "oversight", environment | own, limit=limit, name=f"machine-{index}", cwd=home
                )
            )
        yield


def _run_apart(
    server: PrefectServer,
    client: SyncPrefectClient,
    all_councils: Sequence[Council],
    rows: dict[Council, int],
    machines: int,
    limit: int,
    copies: Path,
) -> Stage:
    """Every council's night again, on the databases' copies, by `machines` stand-in machines."""
    with smtp_relay_process() as relay:
        with _machines(server, machines, limit, _environment(all_councils, copies, relay.port), copies):
            started = time.perf_counter()
            nights = _start_runs(client, all_councils, rows)
            _wait(client, nights, timeout_s=3600)
            wall_s = time.perf_counter() - started
        received = relay.received()
    _tally(nights, copies, received)
    return Stage(len(all_councils), nights, 0.0, wall_s)


def run_service(
    all_councils: Sequence[Council],
    workers: int,
    folder: Path,
    limit: int = 1,
    prefect_database: str | None = None,
    machines: int = 0,
) -> tuple[list[Stage], Stage | None]:
    """Prepare the councils in `folder`, then deploy and run their nights in three stages, the
    server on its own SQLite or on `prefect_database`; with `machines`, run them all again on
    that many stand-in machines. Should a stage fail, the end of the server's log is printed: the
    folder, and the log with it, is removed on the way out."""
    with multiprocessing.get_context("spawn").Pool() as pool:
        rows = dict(
            zip(all_councils, pool.starmap(_prepare, [(c, folder) for c in all_councils]), strict=True)
        )
    copies = folder / "apart"
    if machines:
        _copy_databases(all_councils, folder, copies)
    done: list[Stage] = []
    apart = None
    with (
        smtp_relay_process() as relay,
        prefect_server(folder / "prefect", prefect_database) as server,
        _log_shown_on_failure(server.log),
        SyncPrefectClient(server.api_url) as client,
    ):
        if server.cli("work-pool", "create", "oversight", "--type", "process").returncode != 0:
            raise RuntimeError("could not create the work pool")
        with _workers(server, workers, limit, _environment(all_councils, folder, relay.port)):
            for stage in stages(all_councils):
                deploy_s = _deploy(server, stage, folder)
                started = time.perf_counter()
                nights = _start_runs(client, stage, rows)
                _wait(client, nights, timeout_s=3600)
                wall_s = time.perf_counter() - started
                done.append(Stage(sum(len(s.nights) for s in done) + len(stage), nights, deploy_s, wall_s))
        received = relay.received()
        if machines:
            apart = _run_apart(server, client, all_councils, rows, machines, limit, copies)
    _tally([night for stage in done for night in stage.nights], folder, received)
    return done, apart


@contextmanager
def _log_shown_on_failure(log: Path) -> Iterator[None]:
    try:
        yield
    except Exception:
        sys.stderr.write(f"the end of the Prefect server's log:\n{log.read_text()[-5000:]}\n")
        raise


def apart_summary(apart: Stage, done: Sequence[Stage], workers: int, machines: int) -> dict[str, Any]:
    """The stand-in machines' run against the staged run's, both on this server."""
    one = sum(stage.wall_s for stage in done)
    run_times = sorted(night.run_s for night in apart.nights)
    return {
        "machines": machines,
        "states": dict(Counter(night.state for night in apart.nights)),
        "wall_s": round(apart.wall_s, 1),
        ("one_worker_s" if workers == 1 else f"{workers}_workers_s"): round(one, 1),
        "speedup": round(one / apart.wall_s, 2),
        "run_p50_s": round(statistics.median(run_times), 2),
        "run_p95_s": round(_percentile(run_times, 0.95), 2),
        "messages_sent": sum(night.sent for night in apart.nights),
        "messages_delivered": sum(len(night.received) for night in apart.nights),
    }


def summary(done: Sequence[Stage], workers: int, limit: int = 1) -> dict[str, Any]:
    nights = [night for stage in done for night in stage.nights]
    wall = sum(stage.wall_s for stage in done)
    run_times = sorted(night.run_s for night in nights)
    slot = wall * workers / len(nights)
    lane = slot * limit  # one night's place on a worker, start to start
    overhead = lane - statistics.fmean(run_times)
    return {
        "councils": len(nights),
        "workers": workers,
        "limit": limit,
        "staff": sum(night.council.staff for night in nights),
        "rows": sum(night.rows for night in nights),
        "states": dict(Counter(night.state for night in nights)),
        "deploy_s": round(sum(stage.deploy_s for stage in done), 1),
        "wall_s": round(wall, 1),
        "run_p50_s": round(statistics.median(run_times), 2),
        "run_p95_s": round(_percentile(run_times, 0.95), 2),
        "run_max_s": round(run_times[-1], 2),
        "slot_s": round(slot, 2),
        "overhead_s": round(overhead, 2),
        "start_s": round(statistics.median(night.start_s for night in nights), 2),
        "two_machines_s": round(_two_machines(nights, overhead, limit), 1),
        "findings": sum(night.findings for night in nights),
        "messages_sent": sum(night.sent for night in nights),
        "messages_delivered": sum(len(night.received) for night in nights),
        "growth": [
            {
                "councils": stage.councils,
                "ran": len(stage.nights),
                "staff_per_council": round(statistics.fmean(n.council.staff for n in stage.nights)),
                "wall_s": round(stage.wall_s, 1),
                "per_council_s": round(stage.wall_s * workers / len(stage.nights), 2),
            }
            for stage in done
        ],
        "machine": f"{platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}",
    }


def _percentile(ordered: Sequence[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _two_machines(nights: Sequence[Night], overhead: float, limit: int) -> float:
    """The night on two machines with one worker each (`limit` nights at once): each night takes
    its own run time plus the overhead measured here, shared out longest first."""
    lanes = [0.0] * (2 * limit)
    for seconds in sorted((night.run_s + overhead for night in nights), reverse=True):
        lanes[lanes.index(min(lanes))] += seconds
    return max(lanes)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--councils", type=int, default=COUNCILS)
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--limit", type=int, default=1, help="nights each worker runs at once")
    parser.add_argument(
        "--prefect-database",
        metavar="URL",
        help="an empty database for the Prefect server, e.g. postgresql+asyncpg:///prefect?host=/var/run/postgresql "
        "(default: the server's own SQLite)",
    )
    parser.add_argument(
        "--machines",
        type=int,
        default=2,
        help="then run every night again on this many stand-in machines (0: do not)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oversight-service-") as work:
        stages, apart = run_service(
            councils(args.councils),
            args.workers,
            Path(work),
            args.limit,
            args.prefect_database,
            args.machines,
        )
        result = summary(stages, args.workers, args.limit)
        result["prefect_database"] = (args.prefect_database or "sqlite").split(":")[0].split("+")[0]
        if apart:
            result["machines"] = apart_summary(apart, stages, args.workers, args.machines)
    if args.json:
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
        return
    for key, value in result.items():
        if key not in ("growth", "machines"):
            print(f"{key:18} {value}")
    if "machines" in result:
        print("machines           " + ", ".join(f"{k} {v}" for k, v in result["machines"].items()))
    for point in result["growth"]:
        print(
            f"growth {point['councils']:>4} councils: ran {point['ran']:>3} "
            f"(~{point['staff_per_council']} staff each) in {point['wall_s']} s, {point['per_council_s']} s per council"
        )


if __name__ == "__main__":
    main()
