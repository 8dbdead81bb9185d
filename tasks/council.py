"""Resolving a council's settings, loading it, evaluating its policy, and keeping the night's findings."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from models.db import open_database
from models.heap import collector_paused
from models.nights import record_night
from models.policy.evaluate import evaluate
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import Policy, load_policy
from models.store import load_snapshot, save_findings
from tasks.settings import CouncilSettings, council_settings


@task(cache_policy=NO_CACHE)
def resolve_council(council: str | None) -> CouncilSettings:
    return council_settings(council)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def load_council(database_url: str, as_of: date) -> Snapshot:
    return load_snapshot(open_database(database_url), as_of)


@task(cache_policy=NO_CACHE)
def read_policy(policy: str) -> Policy:
    """The policy, read once a night and handed to each step that needs it."""
    return load_policy(policy)


@task(cache_policy=NO_CACHE)
@collector_paused()
def evaluate_council(snapshot: Snapshot, policy: Policy, as_of: date) -> list[Finding]:
    return evaluate(snapshot, policy, as_of)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def record_findings(
    database_url: str, as_of: date, policy: str, rules: Policy, findings: list[Finding]
) -> None:
    """Keep the night's findings, and the policy it ran under (for its report and evidence)."""
    engine = open_database(database_url)
    save_findings(engine, as_of, policy, findings)
    record_night(engine, as_of, policy, rules)


@task(cache_policy=NO_CACHE)
def publish_summary(
    council: str, as_of: date, policy: str, findings: dict[str, int], sent: int, failed: int
) -> None:
    """The night's figures in the Prefect UI: counts only, never a name, a case or a message.

    A table and a markdown summary, each under the council's own key, so that the UI lists each
    council's history apart and an operator running many councils can find each one."""
    rows = [{"finding": kind, "count": count} for kind, count in sorted(findings.items())]
    rows += [{"finding": "messages sent", "count": sent}, {"finding": "messages failed", "count": failed}]
    create_table_artifact(
        key=f"oversight-{council}-nightly",
        table=rows,
        description=f"Oversight nightly run for {council} on {as_of} under the {policy} policy",
    )
    lines = [
        f"# Oversight: {council}, {as_of}",
        "",
        f"Policy **{policy}**: {sum(findings.values())} finding(s); {sent} message(s) sent, {failed} failed.",
        "",
        "| finding | count |",
        "|---|---:|",
        *(f"| {kind} | {count} |" for kind, count in sorted(findings.items())),
    ]
    create_markdown_artifact(
        key=f"oversight-{council}-summary",
        markdown="\n".join(lines) + "\n",
        description=f"Oversight nightly summary for {council}",
    )
