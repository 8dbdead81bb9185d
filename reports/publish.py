"""Writing a report to disk in the formats asked for: the nightly page and workbook, an on-demand
report, or an inspection evidence pack (one folder to hand over)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from models.compliance.report import ComplianceReport
from reports.files import write_csvs, write_workbook
from reports.html import render_html
from reports.private import private_folder, write_private
from reports.tables import report_tables

FORMATS = ("html", "xlsx", "csv")


def write_report(
    report: ComplianceReport, folder: Path, formats: Iterable[str] = ("html", "xlsx"), evidence: bool = False
) -> list[Path]:
    """The report's files in `folder`, named for the day (and team): `compliance-2026-11-24.html`,
    `.xlsx`, or a `-csv` folder of one file per table. An evidence pack goes into its own
    `evidence-<day>` folder, HTML and workbook side by side."""
    name = report_name(report, evidence)
    if evidence:
        folder = folder / name
    private_folder(folder)
    tables = report_tables(report, evidence)
    written = []
    for format in formats:
        if format == "html":
            path = folder / f"{name}.html"
            written.append(write_private(path, render_html(report, tables, evidence).encode("utf-8")))
        elif format == "xlsx":
            heading = f"Supervision compliance {report.council or ''} {report.as_of} ({report.policy.title})"
            written.append(write_workbook(tables, folder / f"{name}.xlsx", " ".join(heading.split())))
        elif format == "csv":
            written.append(write_csvs(tables, folder / f"{name}-csv")[0].parent)
        else:
            raise ValueError(f"unknown report format {format!r}: use one of {', '.join(FORMATS)}")
    return written


def report_name(report: ComplianceReport, evidence: bool = False) -> str:
    """The file name, without extension, of a report: the day, and the team if it is one team's."""
    stem = "evidence" if evidence else "compliance"
    return f"{stem}-{report.as_of}" + (f"-{_slug(report.team)}" if report.team else "")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
