"""Keeping Oversight's own tables to what audit needs (see `models.retention`)."""

from __future__ import annotations

from datetime import date

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.db import open_database
from models.retention import Retention, prune


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=10)
def prune_history(database_url: str, as_of: date, retention: Retention) -> dict[str, int]:
    return prune(open_database(database_url), as_of, retention)
