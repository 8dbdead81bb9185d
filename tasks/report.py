"""The night's compliance report: its figures built from the findings the night evaluated, each
manager's view of it, the weekly summaries taken from them, and the pages and workbook written
beside the council's other files and linked from the run in the Prefect UI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NO_CACHE

from models.compliance.report import ComplianceReport, build_report
from models.compliance.views import Readers, views
from models.heap import collector_paused
from models.messages import Outgoing
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import Policy
from notifications.settings import DeliverySettings
from notifications.weekly import compose_weekly, is_first_working_day_of_week
from reports.publish import page_path, write_report


@task(cache_policy=NO_CACHE)
@collector_paused()
def build_compliance(
    snapshot: Snapshot, policy: Policy, findings: list[Finding], as_of: date, council: str | None
) -> ComplianceReport:
    return build_report(snapshot, policy, findings, as_of, council)


@task(cache_policy=NO_CACHE)
@collector_paused()
def cut_views(report: ComplianceReport) -> list[ComplianceReport]:
    """Each manager's view of the report: their line or their team, only their people named."""
    return views(report)


@task(cache_policy=NO_CACHE)
@collector_paused()
def decide_weekly_summaries(
    report: ComplianceReport,
    cut: list[ComplianceReport],
    folder: Path,
    link_base: str | None,
    delivery: DeliverySettings,
    readers: Readers,
) -> list[Outgoing]:
    """Each manager's weekly summary, on the first working day of the week; none on other days.
    Each links to the manager's own view; the whole report's link goes to `readers` only."""
    assert report.measures is not None
    if not is_first_working_day_of_week(report.as_of, report.measures.ctx.calendar):
        return []

    def link_to(page: ComplianceReport) -> str:
        path = page_path(page)
        return f"{link_base.rstrip('/')}/{path}" if link_base else (folder / path).resolve().as_uri()

    return compose_weekly(report, cut, link_to, delivery, readers)


@task(cache_policy=NO_CACHE)
@collector_paused()
def publish_report(report: ComplianceReport, cut: list[ComplianceReport], folder: Path) -> list[Path]:
    """The HTML page and XLSX workbook, linked from the run's artifacts, and each manager's
    view as a page in its scope's folder; the page and workbook are returned."""
    written = write_report(report, folder, views=cut)
    written = written[: len(written) - len(cut)]  # the views' pages come last
    page = written[0].resolve()
    council = report.council or "council"
    create_link_artifact(
        key=f"oversight-{council}-report",
        link=page.as_uri(),
        link_text=f"Compliance report {report.as_of}",
        description=f"Oversight compliance report for {council} on {report.as_of}: {page}",
    )
    return written
