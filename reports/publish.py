"""Writing a report to disk in the formats asked for: the nightly page and workbook, an on-demand
report, or an inspection evidence pack (one folder to hand over)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path, PurePosixPath

from models.compliance.report import ComplianceReport
from reports.files import write_csvs, write_workbook
from reports.html import RowCache, render_html
from reports.private import private_folder, write_private
from reports.table import Table
from reports.tables import report_tables
from reports.workbook_process import WorkbookProcess

FORMATS = ("html", "xlsx", "csv")
VIEW_KINDS = ("lines", "teams")  # the folders of managers' views, by the kind of their scope
# A workbook of this many cells or more (a council of about 900 staff) is written by a process
# of its own while this one renders the pages (`reports.workbook_process`): XlsxWriter takes about
# 9 µs a cell, starting the process and sending it the tables 0.2 to 0.3 s.
WORKBOOK_PROCESS_CELLS = 50_000


def write_report(
    report: ComplianceReport,
    folder: Path,
    formats: Iterable[str] = ("html", "xlsx"),
    evidence: bool = False,
    views: Sequence[ComplianceReport] | Callable[[], Sequence[ComplianceReport]] = (),
) -> list[Path]:
    """The report's files in `folder`, named for the day (and team): `compliance-2026-11-24.html`,
    `.xlsx`, or a `-csv` folder of one file per table. An evidence pack goes into its own
    `evidence-<day>` folder, HTML and workbook side by side. Then the managers' `views` of the
    report, each a page in its scope's folder (`write_views`), taking the rows the report's page
    rendered. A large workbook is written meanwhile by a process of its own; `views` may be the
    function that cuts them, so that cutting them waits for nothing either. Returns the report's
    files, then the views' pages."""
    if evidence and (callable(views) or views):
        raise ValueError("an evidence pack is the whole service's: it has no managers' views")
    unknown = [format for format in formats if format not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format {unknown[0]!r}: use one of {', '.join(FORMATS)}")
    top, name = folder, report_name(report, evidence)
    if evidence:
        folder = folder / name
    private_folder(folder)
    tables = report_tables(report, evidence)
    heading = " ".join(
        f"Supervision compliance {report.council or ''} {report.as_of} ({report.policy.title})".split()
    )
    written: dict[str, Path | WorkbookProcess] = {}
    rendered: RowCache = {}
    with ExitStack() as beside:
        for format in sorted(dict.fromkeys(formats), key=lambda format: format != "xlsx"):  # workbook first
            if format == "xlsx":
                written[format] = _start_workbook(tables, folder / f"{name}.xlsx", heading, beside)
            elif format == "html":
                page = render_html(report, tables, evidence, rendered)
                written[format] = write_private(folder / f"{name}.html", page.encode("utf-8"))
            else:
                written[format] = write_csvs(tables, folder / f"{name}-csv")[0].parent
        pages = write_views(views() if callable(views) else views, top, rendered)
        files = [_finished(written[format]) for format in dict.fromkeys(formats)]
    return files + pages


def _start_workbook(
    tables: list[Table], path: Path, heading: str, beside: ExitStack
) -> Path | WorkbookProcess:
    """The workbook written now, or when it is large begun in a process of its own that `beside`
    waits for (`WORKBOOK_PROCESS_CELLS`)."""
    if sum(len(table.rows) * len(table.columns) for table in tables) < WORKBOOK_PROCESS_CELLS:
        return write_workbook(tables, path, heading)
    return beside.enter_context(WorkbookProcess(tables, path, heading))


def _finished(file: Path | WorkbookProcess) -> Path:
    """A file written, once it is (a workbook's process raises here what it raised)."""
    return file.result() if isinstance(file, WorkbookProcess) else file


def report_name(report: ComplianceReport, evidence: bool = False) -> str:
    """The file name, without extension, of a report: the day, and the team if it is one team's."""
    stem = "evidence" if evidence else "compliance"
    return f"{stem}-{report.as_of}" + (f"-{_slug(report.team)}" if report.team else "")


def page_path(report: ComplianceReport) -> PurePosixPath:
    """Where a report's page lives in the reports folder: the whole service's at the top, each
    manager's view in a folder of its scope's own (`teams/team-3/`, `lines/<head's staff id>/`),
    so a web server or file share can grant each folder to its managers alone."""
    page = PurePosixPath(f"{report_name(report)}.html")
    if report.view is None:
        return page
    if report.view.kind == "line":
        return PurePosixPath(VIEW_KINDS[0], _slug(report.view.owner_id or report.view.name), page)
    return PurePosixPath(VIEW_KINDS[1], _slug(report.view.name), page)


def write_views(
    cut: Sequence[ComplianceReport], folder: Path, rendered: RowCache | None = None
) -> list[Path]:
    """Each manager's view as a page in its scope's folder (the page only: the workbook, with a
    row per person, is the whole report's). A row already in `rendered` is not rendered again.
    A thread writes each page while the next is rendered: writing thousands of files is the
    kernel's work, a fifth of the views' time at a national service's size, done without the
    interpreter's lock."""
    rendered = {} if rendered is None else rendered
    with ThreadPoolExecutor(1, thread_name_prefix="oversight-views") as files:
        written = [
            files.submit(
                _write_page,
                folder / page_path(view),
                render_html(view, report_tables(view, page_only=True), rendered=rendered),
            )
            for view in cut
        ]
    return [page.result() for page in written]


def _write_page(path: Path, page: str) -> Path:
    private_folder(path.parent.parent)
    private_folder(path.parent)
    return write_private(path, page.encode("utf-8"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def view_folders(folder: Path) -> list[Path]:
    """The folders managers' views are written to, as they stand (for pruning old pages)."""
    return sorted(
        scope
        for kind in VIEW_KINDS
        if (folder / kind).is_dir() and not (folder / kind).is_symlink()
        for scope in (folder / kind).iterdir()
        if scope.is_dir() and not scope.is_symlink()
    )
