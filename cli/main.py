"""`oversight import | findings | report | run | serve | demo | policy show | policy check`.

Only this module resolves "today" (in Europe/London) and reads the environment's defaults;
everything it calls takes them as parameters.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import replace
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from models.councils import CouncilSettingsError
from models.csvfiles import shown_problems
from models.db import check_writable, open_database
from models.db_errors import database_problem
from models.home import council_home, made, private_files
from models.nights import night_policy, resolved_digest
from models.policy.evaluate import evaluate
from models.policy.facts import INPUTS
from models.policy.findings import findings_document
from models.policy.policy import Policy, PolicyError, load_policy
from models.store import ImportRejected, import_paths, load_snapshot
from models.tables import INPUT_TABLES
from tasks.settings import CouncilSettings, council_settings

if TYPE_CHECKING:  # the flow module imports Prefect, which must see our settings first
    from flows.nightly import NightlySummary

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Oversight: supervision compliance for children's social care. Import a council's "
    "exports, see the findings, run the night (reminders and the compliance report), and serve "
    "its schedule.",
)
policy_app = typer.Typer(no_args_is_help=True, help="Show a preset or check a council's policy file.")
app.add_typer(policy_app, name="policy")

AsOf = Annotated[
    datetime | None,
    typer.Option(
        "--as-of", formats=["%Y-%m-%d"], help="The day to evaluate (default: today in Europe/London)."
    ),
]
CouncilOption = Annotated[
    str | None,
    typer.Option(
        "--council",
        envvar="OVERSIGHT_COUNCIL",
        help="Whose settings to use, in an installation of many councils (README); default: the one council.",
    ),
]
PolicyOption = Annotated[
    str,
    typer.Option("--policy", envvar="OVERSIGHT_POLICY", help="A preset name or a policy file."),
]


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"oversight {metadata.version('oversight')}")
        raise typer.Exit()


@app.callback()
def _every_command(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    private_files()


def today_in_london() -> date:
    return datetime.now(ZoneInfo("Europe/London")).date()


def _day(as_of: datetime | None) -> date:
    return as_of.date() if as_of else today_in_london()


def _policy_label(policy: str) -> str:
    """The preset name as given, or the name a council's own file declares."""
    return load_policy(policy).name if Path(policy).is_file() else policy


@app.command("import")
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="CSV files or folders of them.")],
    council: CouncilOption = None,
) -> None:
    """Import the contract's CSV files in one transaction: all of them, or none."""
    url = _settings(council).database_url
    try:
        report = import_paths(_database(url), paths)
    except ImportRejected as rejected:
        for line in shown_problems(rejected.problems):
            typer.echo(line, err=True)
        typer.echo(f"import rejected: {len(rejected.problems)} problem(s); nothing was changed", err=True)
        raise typer.Exit(2) from None
    except OperationalError as error:
        _database_exit(url, error, "nothing was changed")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if not report.counts:
        names = ", ".join(table.file for table in INPUTS)
        typer.echo(
            f"error: no contract file in {', '.join(map(str, paths))}: expected some of {names}", err=True
        )
        raise typer.Exit(2)
    summary = ", ".join(f"{count} {table}" for table, count in report.counts.items())
    typer.echo(f"imported {summary}")


@app.command()
def findings(as_of: AsOf = None, policy: PolicyOption = "default", council: CouncilOption = None) -> None:
    """Print the findings as JSON; sends nothing."""
    day = _day(as_of)
    rules = _load_policy_or_exit(policy)
    snapshot = load_snapshot(_database(_settings(council).database_url), day)
    document = findings_document(day, _policy_label(policy), evaluate(snapshot, rules, day))
    json.dump(document, sys.stdout, indent=2)
    sys.stdout.write("\n")


@app.command()
def report(
    as_of: AsOf = None,
    team: Annotated[str | None, typer.Option(help="One team's report (default: the whole service).")] = None,
    format: Annotated[
        list[str] | None,
        typer.Option("--format", help="html, xlsx or csv; repeat for several (default: html)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="The folder the report is written to (default: OVERSIGHT_REPORTS, else the council's own)."
        ),
    ] = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence",
            help="An inspection evidence pack: HTML and XLSX in one folder, with the policy in force "
            "and the exceptions (absences, deemed-agreed and disputed records).",
        ),
    ] = False,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            help="With --evidence: the start of the period its absences, disputed records and audits "
            "cover, such as the last inspection (default: the twelve months to the day).",
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            envvar="OVERSIGHT_POLICY",
            help="A preset name or a policy file (default: the policy the night of that day ran under).",
        ),
    ] = None,
    manager_views: Annotated[
        bool,
        typer.Option(
            "--views",
            help="Also each manager's view, their line or team with only their people named, as a "
            "page in its own folder (lines/, teams/), as the night writes them.",
        ),
    ] = False,
    council: CouncilOption = None,
) -> None:
    """Write the compliance report for a day: figures by service, line and team, with a 12-month trend.

    It applies the policy the night of that day ran under, so that the report, the evidence pack
    and the night's reminders agree; `--policy` applies another, and says so."""
    from models.compliance.report import build_report
    from models.compliance.views import views
    from models.evidence import escalations_of
    from models.heap import collector_paused
    from reports.private import UnsafeFolder
    from reports.publish import FORMATS, write_report

    if manager_views and (team or evidence):
        typer.echo(
            "error: --views is for the whole service's report: not with --team or --evidence", err=True
        )
        raise typer.Exit(2)
    formats = format or (["html", "xlsx"] if evidence else ["html"])
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        typer.echo(f"error: unknown format {unknown[0]!r}: use one of {', '.join(FORMATS)}", err=True)
        raise typer.Exit(2)
    day = _day(as_of)
    settings = _settings(council)
    engine = _database(settings.database_url)
    rules = _report_policy(engine, day, policy)
    snapshot = load_snapshot(engine, day)
    try:
        start = since.date() if since else None
        if start and start > day:
            raise ValueError(f"--since {start} is after the day reported on, {day}")
        with collector_paused():
            built = build_report(snapshot, rules, evaluate(snapshot, rules, day), day, council, team, start)
        if evidence:
            built = replace(built, escalations=escalations_of(engine, built))
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    try:
        with collector_paused():
            cut = (lambda: views(built)) if manager_views else ()  # cut while the workbook is written
            written = write_report(built, out or settings.reports, formats, evidence, cut)
    except UnsafeFolder as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    for path in written:
        typer.echo(f"wrote {path}")


def _report_policy(engine: Engine, day: date, asked: str | None) -> Policy:
    """The policy a report of `day` applies: the one the night ran under unless another is asked
    for; either way one line says which, and whether it is the night's."""
    night = night_policy(engine, day)
    if asked is None and night is not None:
        typer.echo(
            f"policy: {night.name}, as the night of {day} ran under it (sha256 {night.policy_sha256[:12]})"
        )
        return night.policy
    rules = _load_policy_or_exit(asked or "default")
    if night is None:
        typer.echo(f"policy: {asked or 'default'} (no night was recorded on {day})")
    elif resolved_digest(rules)[1] != night.policy_sha256:
        typer.echo(
            f"policy: {asked}, NOT the policy the night of {day} ran under ({night.name}): "
            "this report may disagree with that night's reminders"
        )
    else:
        typer.echo(f"policy: {asked}, the same as the night of {day} ran under")
    return rules


@app.command()
def run(
    as_of: AsOf = None,
    policy: PolicyOption = "default",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent; store and send nothing.")
    ] = False,
    council: CouncilOption = None,
) -> None:
    """The nightly flow, now: evaluate, queue reminders, deliver them, print a summary.

    Exits 1 when anything was left unsent: a message failed or was given up, or delivery stopped
    on an unavailable database, so a scheduler or an operator sees it."""
    _load_policy_or_exit(policy)
    url = _settings(council).database_url
    engine = _database(url)
    _nothing_imported_yet(engine)
    if not dry_run:
        try:
            check_writable(engine)
        except OperationalError as error:
            _database_exit(url, error, "the night was not run")
    summary = _run_nightly(_day(as_of), policy, dry_run, council)
    _print_summary(summary)
    if summary.undelivered:
        raise typer.Exit(1)


@app.command()
def serve(
    council: CouncilOption = None,
    policy: PolicyOption = "default",
    cron: Annotated[str, typer.Option(help="When the night runs, in Europe/London time.")] = "30 6 * * *",
) -> None:
    """Run one council's nightly schedule, and its failure alerts, in this process (no work pool).

    Needs a Prefect server (PREFECT_API_URL): the embedded temporary server cannot schedule."""
    _load_policy_or_exit(policy)
    _settings(council)
    if not os.environ.get("PREFECT_API_URL"):
        typer.echo(
            "oversight serve needs a Prefect server to keep the schedule: start one with "
            "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api",
            err=True,
        )
        raise typer.Exit(2)
    # served runs log at INFO to the UI (the CLI's own runs are quiet: WARNING by default)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    _prefect_defaults()
    from flows.serving import serve_council

    serve_council(council, policy, cron)


@app.command("late-alert")
def late_alert(
    webhook: Annotated[
        str,
        typer.Argument(
            envvar="OVERSIGHT_OPERATORS_WEBHOOK",
            help="The operators' Teams Workflows URL (or any webhook taking JSON); kept in a Secret of a Prefect block.",
            show_default=False,
        ),
    ],
) -> None:
    """Have the Prefect server itself tell the operators when a night is Late: no worker needed."""
    if not os.environ.get("PREFECT_API_URL"):
        typer.echo("oversight late-alert needs PREFECT_API_URL: the server that keeps the schedule", err=True)
        raise typer.Exit(2)
    _prefect_defaults()
    from flows.late_alert import AUTOMATION, BLOCK, install_late_alert

    install_late_alert(webhook)
    typer.echo(f"installed: the automation {AUTOMATION!r}, posting through the block {BLOCK!r}")


@app.command()
def demo(
    folder: Annotated[
        Path | None,
        typer.Option(
            help="Where the demo council's files, database and outbox go (default: OVERSIGHT_HOME/demo)."
        ),
    ] = None,
) -> None:
    """Build a demo council on the embedded default and run the nightly flow on it."""
    from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs

    folder = made((folder or council_home("demo")).resolve())
    database = folder / "oversight.db"
    database.unlink(missing_ok=True)
    csv_folder = folder / "csv"
    write_csvs(generate(SCALES["demo"], DEMO_AS_OF), csv_folder)
    url = f"sqlite:///{database}"
    # the demo is this installation's one council, for this process only
    os.environ["OVERSIGHT_DATABASE_URL"] = url
    os.environ["OVERSIGHT_OUTBOX"] = str(folder / "outbox")
    os.environ["OVERSIGHT_REPORTS"] = str(folder / "reports")
    report = import_paths(open_database(url), [csv_folder])
    typer.echo(f"Demo council written to {csv_folder}")
    typer.echo(
        "Imported " + ", ".join(f"{n} {table}" for table, n in report.counts.items()) + f" into {database}"
    )
    typer.echo(
        f"Running the nightly flow for {DEMO_AS_OF} (policy: {DEMO_POLICY}, the default with every "
        "recurring duty switched on) ..."
    )
    summary = _run_nightly(DEMO_AS_OF, str(DEMO_POLICY), False, None)
    _print_summary(summary)
    typer.echo(
        f"\nSee the findings:  OVERSIGHT_DATABASE_URL={url} {_this_command()} findings --as-of {DEMO_AS_OF} "
        f"--policy {DEMO_POLICY}"
    )


def _this_command() -> str:
    """`oversight` when that is this command on the PATH, else its full path (`make demo` runs
    `.venv/bin/oversight` with the virtual environment not activated): a hint that works as printed."""
    found = shutil.which("oversight")
    here = Path(sys.executable).with_name("oversight")
    return "oversight" if found and Path(found).resolve() == here.resolve() else str(here)


@policy_app.command("show")
def policy_show(policy: Annotated[str, typer.Argument(help="A preset name or a policy file.")]) -> None:
    """Print a policy resolved in full, each rule with its source."""
    resolved = _load_policy_or_exit(policy)
    typer.echo(
        yaml.safe_dump(resolved.model_dump(mode="json"), sort_keys=False, width=100, allow_unicode=True),
        nl=False,
    )


@policy_app.command("check")
def policy_check(file: Annotated[Path, typer.Argument(help="A council's policy file.")]) -> None:
    """Validate a council's own policy file, listing every mistake."""
    _load_policy_or_exit(str(file))
    typer.echo(f"{file}: valid")


def _load_policy_or_exit(policy: str) -> Policy:
    try:
        return load_policy(policy)
    except PolicyError as error:
        for problem in error.problems:
            typer.echo(problem, err=True)
        typer.echo(f"policy {policy!r} is not valid: {len(error.problems)} problem(s)", err=True)
        raise typer.Exit(2) from None


def _settings(council: str | None) -> CouncilSettings:
    """The council's settings from the environment (and Secret blocks, when a Prefect server is
    configured), or a clear message and exit status 2."""
    try:
        return council_settings(council, secrets=bool(os.environ.get("PREFECT_API_URL")))
    except CouncilSettingsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None


def _database(url: str) -> Engine:
    """The council's database, opened (and its schema brought up to date), or one line saying
    what is wrong: exit 2 for a mistake in the settings, 1 for a database unavailable for now."""
    try:
        return open_database(url)
    except (ArgumentError, ImportError, DBAPIError) as error:
        _database_exit(url, error)


def _nothing_imported_yet(engine: Engine) -> None:
    """A night on a database with no staff would say "0 findings" and succeed: say what is wrong."""
    staff = INPUT_TABLES["staff"]
    with engine.connect() as connection:
        if connection.execute(select(staff.c.staff_id).limit(1)).first() is None:
            typer.echo(
                "error: nothing imported yet: run `oversight import` with the council's files first", err=True
            )
            raise typer.Exit(2)


def _database_exit(url: str, error: Exception, changed: str = "") -> NoReturn:
    problem = database_problem(url, error)
    if problem is None:
        raise error
    typer.echo(f"error: {problem.message}" + (f"; {changed}" if changed else ""), err=True)
    raise typer.Exit(2 if problem.configuration else 1) from None


def _run_nightly(as_of: date, policy: str, dry_run: bool, council: str | None) -> NightlySummary:
    _prefect_defaults()
    from flows.nightly import UndeliveredMessages, nightly

    try:
        return nightly(council=council, as_of=as_of, policy=policy, dry_run=dry_run)
    except UndeliveredMessages as undelivered:
        return undelivered.summary


def _prefect_defaults() -> None:
    """Oversight's own Prefect home and quiet, patient defaults for the embedded local server."""
    home = Path(os.environ.setdefault("PREFECT_HOME", str(Path.home() / ".oversight" / "prefect")))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # and none from the client: nothing leaves the council
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def _print_summary(summary: NightlySummary) -> None:
    total = sum(summary.findings.values())
    typer.echo(f"\n{summary.as_of} ({summary.policy}): {total} finding(s)")
    for kind, count in sorted(summary.findings.items()):
        typer.echo(f"  {kind:28} {count}")
    if summary.dry_run:
        typer.echo(f"\nDry run: {len(summary.messages)} message(s) would be sent; nothing stored or sent.")
        for message in summary.messages:
            typer.echo(f"  to {message.recipient_id} <{message.address}>: {message.subject}")
        return
    if not summary.working_day:
        typer.echo(f"\n{summary.as_of} is not a working day: no reminders are sent.")
    elif not summary.queued and not summary.sent and not summary.failed:
        typer.echo("\nNothing new to send.")
    typer.echo(
        f"\nMessages: {summary.queued} queued, {len(summary.sent)} sent, {len(summary.failed)} failed"
        f" (tried again by the next run), {len(summary.delivery.given_up)} given up"
    )
    for where in summary.sent:
        typer.echo(f"  sent: {where}")
    if summary.delivery.unrecorded:
        typer.echo(
            f"  {summary.delivery.unrecorded} of those sent could not be recorded (the database was "
            "unavailable): the next run may send them again"
        )
    for key, error in summary.failed.items():
        typer.echo(f"  FAILED {key}: {error}")
    for key, error in summary.delivery.given_up.items():
        typer.echo(f"  GIVEN UP {key}: {error}")
    if summary.delivery.superseded:
        typer.echo(
            f"  {summary.delivery.superseded} unsent message(s) of earlier nights superseded by tonight's digests"
        )
    if summary.delivery.left:
        typer.echo(
            f"  {summary.delivery.left} message(s) left for another run (still being sent, or past the deadline)"
        )
    if summary.delivery.warning:
        typer.echo(f"  warning: {summary.delivery.warning}")
    if summary.delivery.error:
        typer.echo(f"error: {summary.delivery.error}", err=True)
    if summary.erased:
        counts = ", ".join(f"{table} {count}" for table, count in summary.erased.items())
        typer.echo(
            f"\nRetention: removed {sum(summary.erased.values())} row(s) of leavers whose records are "
            f"past the policy's period ({counts})"
        )
    if summary.report:
        typer.echo("\nCompliance report: " + ", ".join(str(path) for path in summary.report))
