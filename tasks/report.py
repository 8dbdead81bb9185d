"""The night's compliance report: built from the findings the night evaluated, written beside the
council's other files, and linked from the run in the Prefect UI."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.artifacts import create_link_artifact
from prefect.cache_policies import NO_CACHE

from models.compliance.report import build_report
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import Policy
from reports.publish import write_report


@task(cache_policy=NO_CACHE)
def publish_report(
    snapshot: Snapshot,
    policy: Policy,
    findings: list[Finding],
    as_of: date,
    council: str | None,
    folder: Path,
) -> list[Path]:
    """The HTML page and XLSX workbook for `as_of`; the page is linked from the run's artifacts."""
    report = build_report(snapshot, policy, findings, as_of, council)
    written = write_report(report, folder)
    page = written[0].resolve()
    create_link_artifact(
        key=f"oversight-{council or 'council'}-report",
        link=page.as_uri(),
        link_text=f"Compliance report {as_of}",
        description=f"Oversight compliance report for {council or 'the council'} on {as_of}: {page}",
    )
    return written
