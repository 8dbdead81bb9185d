"""Keeping Oversight's own tables to what audit needs (see `models.retention`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.db import open_database
from models.policy.policy import Policy
from models.retention import Retention, erase_leavers, prune, prune_files
from reports.publish import view_folders


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def prune_history(database_url: str, as_of: date, retention: Retention) -> dict[str, int]:
    return prune(open_database(database_url), as_of, retention)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def erase_old_leavers(database_url: str, as_of: date, policy: Policy) -> dict[str, int]:
    """The policy's retention rule for leavers' records, applied before the night is evaluated."""
    return erase_leavers(open_database(database_url), as_of, policy.retention)


@task(cache_policy=NO_CACHE)
def prune_old_files(folders: list[Path], as_of: date, policy: Policy) -> int:
    """Reports, evidence packs and outbox files of nights older than the policy keeps a leaver's
    records: they name people, and a leaver's name must go with their rows. Managers' views
    in the reports folders' scope folders go the same way."""
    return prune_files(
        [*folders, *(f for folder in folders for f in view_folders(folder))], as_of, policy.retention
    )
