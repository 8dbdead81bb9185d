"""How long the nightly run takes at the size of the largest councils, and of a national service.

    python -m benchmarks.nightly --scale large [--json] [--database URL] [--no-growth]

Measured in one process: import (CSV to database), the same files imported again as each night
imports its export (`reimport_s`: nothing changed, nothing rewritten), the same export as one
XLSX workbook imported into a new SQLite database (`import_xlsx_s`), a bare SQL scan of the
rows evaluation reads, fetched from the driver as the load fetches them (the floor), evaluation (load and rules, no delivery), the compliance report beyond evaluation
(`report_s`: its figures and 12-month trend, the HTML page and XLSX workbook, and each manager's view as a page), the whole nightly flow with delivery to
the outbox folder, the same messages delivered as email to a loopback SMTP relay the benchmark
starts (`delivery_per_s`), then through a loopback stand-in for Microsoft Graph that answers 429
beyond 30 a minute, as Exchange Online does, for 90 s at Graph's default pace (`graph_per_min`,
`graph_429s`, and `graph_estimate`: what the night would tell its operators, had it started at
06:30), and peak memory. On SQLite, the same night is also run through a deployment
on a running `prefect server start` with a process worker, as production runs it, on a copy of
the database taken before the first run: `deployed_s` is the run's own time (Running to
Completed, no temporary server to start), `deployed_wall_s` adds the worker's pick-up and the
new process. The council's CSV files are generated in a child process so
that generating them does not count towards peak memory. With growth on, evaluation is also
timed at 1/4 and 1/2 of the council, to show its cost per row stays flat.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx
from sqlalchemy import text

from cli.main import _prefect_defaults
from demo.council import DEMO_AS_OF, SCALES, Scale, generate, write_csvs
from models.compliance.report import build_report
from models.compliance.views import views
from models.db import open_database
from models.heap import collector_paused
from models.policy.evaluate import evaluate
from models.policy.policy import load_policy
from models.store import driver_rows, import_paths, load_snapshot, snapshot_queries
from reports.publish import write_report

T = TypeVar("T")


def _write_council(scale: Scale, folder: Path) -> dict[str, int]:
    rows = generate(scale, DEMO_AS_OF)
    write_csvs(rows, folder)
    return {table: len(values) for table, values in rows.items()}


def _write_workbook(folder: Path, path: Path) -> None:
    """The council's CSV files as one XLSX workbook, a sheet each, as an HR system exports it
    (dates as date cells); written in a child process, as the CSV files are."""
    import csv
    from datetime import date

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for file in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(file.stem)
        with file.open(encoding="utf-8", newline="") as text:
            for row in csv.reader(text):
                sheet.append([_date_or_text(cell, date) for cell in row])
    book.save(path)


def _date_or_text(cell: str, date: Any) -> object:
    if len(cell) == 10 and cell[4] == "-" and cell[7] == "-" and cell[:4].isdigit():
        return date.fromisoformat(cell)
    return cell


def _timed(action: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def _fresh_database(url: str | None, folder: Path) -> str:
    if url is None:
        return f"sqlite:///{folder / 'oversight.db'}"
    engine = open_database(url)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    open_database.cache_clear()
    return url


def _scan(url: str) -> int:
    """The floor: run the queries the evaluation runs, fetch every row from the driver as the
    load does, and do nothing with it."""
    with open_database(url).connect() as connection:
        count = 0
        for query in snapshot_queries(DEMO_AS_OF).values():
            with driver_rows(connection, query) as (batches, _):
                count += sum(map(len, batches))
        return count


def _evaluate(url: str) -> int:
    snapshot = load_snapshot(open_database(url), DEMO_AS_OF)
    with collector_paused():  # as the night's evaluation runs
        return len(evaluate(snapshot, load_policy("default"), DEMO_AS_OF))


def _report_time(url: str, folder: Path) -> float:
    """The compliance report beyond the night's evaluation: its figures (the 12-month trend
    included) from the snapshot and findings the night already holds, then the HTML page and the
    XLSX workbook written, and every manager's view cut and written as a page."""
    snapshot = load_snapshot(open_database(url), DEMO_AS_OF)
    policy = load_policy("default")
    with collector_paused():  # as the night's steps run
        findings = evaluate(snapshot, policy, DEMO_AS_OF)
        started = time.perf_counter()
        report = build_report(snapshot, policy, findings, DEMO_AS_OF)
        write_report(report, folder, views=lambda: views(report))
        return time.perf_counter() - started


def measure(scale_name: str, database: str | None, growth: bool) -> dict[str, Any]:
    scale = SCALES[scale_name]
    with tempfile.TemporaryDirectory(prefix="oversight-bench-") as work:
        folder = Path(work)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            counts = pool.apply(_write_council, (scale, folder / "csv"))
        url = _fresh_database(database, folder)
        _, import_s = _timed(lambda: import_paths(open_database(url), [folder / "csv"]))
        _, reimport_s = _timed(lambda: import_paths(open_database(url), [folder / "csv"]))
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            pool.apply(_write_workbook, (folder / "csv", folder / "export.xlsx"))
        xlsx_url = f"sqlite:///{folder / 'xlsx.db'}"
        _, import_xlsx_s = _timed(lambda: import_paths(open_database(xlsx_url), [folder / "export.xlsx"]))
        _, scan_s = _timed(lambda: _scan(url))
        findings, evaluate_s = _timed(lambda: _evaluate(url))
        report_s = _report_time(url, folder / "report")
        _prefect_defaults()
        from flows.nightly import nightly

        sqlite = database is None  # the benchmark's own SQLite file, which it can copy
        if sqlite:  # SQLite's backup API: a plain copy could miss what is still in the WAL
            with (
                sqlite3.connect(folder / "oversight.db") as source,
                sqlite3.connect(folder / "deployed.db") as copy,
            ):
                source.backup(copy)
        os.environ["OVERSIGHT_DATABASE_URL"] = url
        os.environ["OVERSIGHT_OUTBOX"] = str(folder / "outbox")
        os.environ["OVERSIGHT_REPORTS"] = str(folder / "reports")
        summary, nightly_s = _timed(lambda: nightly(as_of=DEMO_AS_OF))
        deployed = _deployed_run(folder, f"sqlite:///{folder / 'deployed.db'}") if sqlite else {}
        delivery = _delivery_rate(url, folder)
        result: dict[str, Any] = {
            "scale": scale_name,
            "database": open_database(url).dialect.name,
            "rows": sum(counts.values()),
            "import_s": round(import_s, 2),
            "reimport_s": round(reimport_s, 2),
            "import_xlsx_s": round(import_xlsx_s, 2),
            "scan_s": round(scan_s, 2),
            "evaluate_s": round(evaluate_s, 2),
            "ratio": round(evaluate_s / scan_s, 2),
            "report_s": round(report_s, 2),
            "nightly_s": round(nightly_s, 2),
            **deployed,
            "messages": len(summary.sent),
            **delivery,
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "findings": findings,
        }
    if growth:
        result["growth"] = [_growth_point(scale, share, database) for share in (0.25, 0.5, 1.0)]
    result["machine"] = (
        f"{platform.machine()}, {multiprocessing.cpu_count()} cores, Python {platform.python_version()}"
    )
    return result


def _delivery_rate(url: str, folder: Path) -> dict[str, Any]:
    """The night's messages sent again as email to a loopback SMTP relay (aiosmtpd) that this
    benchmark starts in a process of its own, from a fresh SQLite database, with the default
    settings: claims, kept connections and the records of what was sent included."""
    from sqlalchemy import select

    from models.messages import Outgoing, store
    from models.tables import MessageRow
    from notifications.settings import DeliverySettings
    from tests.faults import deliver
    from tests.loopback import smtp_relay_process

    with open_database(url).connect() as connection:
        rows = connection.execute(
            select(*MessageRow.__table__.columns).where(MessageRow.as_of == DEMO_AS_OF)
        ).all()
    emails = [
        Outgoing(
            f"{row.message_key}/email",
            row.recipient_id,
            "email",
            row.address,
            row.subject,
            row.body_text,
            row.body_html,
        )
        for row in rows
    ]
    engine = open_database(f"sqlite:///{folder / 'delivery.db'}")
    store(engine, DEMO_AS_OF, emails)
    with smtp_relay_process() as relay:
        settings = DeliverySettings(
            email_url=f"mailto://127.0.0.1:{relay.port}?from=oversight@council.example"
        )
        report, seconds = _timed(lambda: deliver(engine, settings, DEMO_AS_OF))
        received = len(relay.received())
    return {
        "delivery_s": round(seconds, 2),
        "delivery_per_s": round(len(report.sent) / seconds, 1) if seconds else 0.0,
        "delivered": received,
        **_graph_rate(emails, folder),
    }


GRAPH_WINDOW_S = 90  # how long the Graph rate is measured for: at 30 a minute, the night takes an hour


def _graph_rate(emails: list[Any], folder: Path) -> dict[str, Any]:
    """The night's email through the loopback Graph stand-in, which answers 429 beyond 30 a
    minute as Exchange Online does, with Graph's default pace, for `GRAPH_WINDOW_S`; beside it,
    the estimate the night gives its operators for the whole night, had it started at 06:30."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from models.messages import store
    from notifications.pace import Limits, minutes_needed, shortfall
    from notifications.settings import EXCHANGE_ONLINE_DAILY, EXCHANGE_ONLINE_RATE, DeliverySettings
    from tests.faults import deliver
    from tests.graph_stand_in import graph_service

    engine = open_database(f"sqlite:///{folder / 'graph.db'}")
    store(engine, DEMO_AS_OF, emails)
    limits = Limits(EXCHANGE_ONLINE_RATE, EXCHANGE_ONLINE_DAILY)
    london = ZoneInfo("Europe/London")
    with graph_service(per_minute=EXCHANGE_ONLINE_RATE) as service:
        settings = DeliverySettings(
            graph=service.account(),
            send_rate=limits.per_minute,
            daily_limit=limits.daily,
            senders_folder=folder / "senders",
            run_deadline_seconds=GRAPH_WINDOW_S,
        )
        report, seconds = _timed(lambda: deliver(engine, settings, DEMO_AS_OF))
    morning = datetime.combine(DEMO_AS_OF, time(6, 30), london)
    return {
        "graph_per_min": round(len(report.sent) / seconds * 60, 1),
        "graph_429s": service.answers.count(429),
        "graph_estimate": shortfall(
            len(emails), limits, 0, morning, datetime.combine(DEMO_AS_OF, time(9, 0), london)
        )
        or f"all {len(emails):,} by {morning + timedelta(minutes=minutes_needed(len(emails), EXCHANGE_ONLINE_RATE)):%H:%M}",
    }


def _deployed_run(folder: Path, url: str) -> dict[str, Any]:
    """The night through `prefect deploy`, a process worker and a running server."""
    from tests.prefect_server import ROOT, prefect_server, process_worker, wait_for_runs

    council = "\n  - name: bench\n    <<: *council-night\n    parameters: {council: bench, policy: default}\n"
    prefect_file = folder / "prefect.yaml"
    prefect_file.write_text((ROOT / "prefect.yaml").read_text() + council)
    settings = {
        "OVERSIGHT_BENCH_DATABASE_URL": url,
        "OVERSIGHT_BENCH_OUTBOX": str(folder / "deployed-outbox"),
        "OVERSIGHT_BENCH_REPORTS": str(folder / "deployed-reports"),
    }
    with prefect_server(folder / "prefect") as server:
        server.cli("work-pool", "create", "oversight", "--type", "process")
        server.cli("deploy", "--all", "--prefect-file", str(prefect_file), timeout=300)
        with process_worker(server, "oversight", settings):
            started = time.perf_counter()
            ran = server.cli("deployment", "run", "oversight-nightly/bench", "--param", f"as_of={DEMO_AS_OF}")
            run_id = ran.stdout.split("UUID: ")[1].split()[0]
            states = wait_for_runs(server, [run_id], timeout_s=900)
            wall = time.perf_counter() - started
        run = httpx.get(f"{server.api_url}/flow_runs/{run_id}", timeout=10).json()
    return {
        "deployed_state": states[run_id],
        "deployed_s": round(run["total_run_time"], 2),
        "deployed_wall_s": round(wall, 2),
        "deployed_messages": len(list((folder / "deployed-outbox").glob("*.eml"))),
    }


def _growth_point(scale: Scale, share: float, database: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="oversight-growth-") as work:
        folder = Path(work)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            counts = pool.apply(_write_council, (scale.fraction(share), folder / "csv"))
        url = _fresh_database(database, folder)
        import_paths(open_database(url), [folder / "csv"])
        seconds = min(_timed(lambda: _evaluate(url))[1] for _ in range(3))  # best of 3: less noise
        rows = sum(counts.values())
        return {
            "share": share,
            "rows": rows,
            "evaluate_s": round(seconds, 3),
            "us_per_row": round(seconds / rows * 1e6, 2),
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="large")
    parser.add_argument("--database", help="a SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-growth", action="store_true", help="skip the 1/4 and 1/2 runs")
    args = parser.parse_args(argv)
    result = measure(args.scale, args.database, growth=not args.no_growth)
    if args.json:
        json.dump(result, sys.stdout)
        sys.stdout.write("\n")
        return
    for key, value in result.items():
        if key != "growth":
            print(f"{key:12} {value}")
    for point in result.get("growth", []):
        print(
            f"growth {point['share']:>4}: {point['rows']:>8} rows, evaluate {point['evaluate_s']:>7} s, "
            f"{point['us_per_row']} µs/row"
        )


if __name__ == "__main__":
    main()
