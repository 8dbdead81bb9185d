"""Shared fixtures: a real database of each kind, and Prefect's test server once per session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator

import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import Engine, text

from models.db import make_engine, open_database

# Hypothesis keeps its examples and caches in the temporary folder: a test run leaves the
# checkout as it found it (`scripts/check-clean`)
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "oversight-hypothesis"))

POSTGRES_URL = os.environ.get("OVERSIGHT_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("OVERSIGHT_REQUIRE_POSTGRES") == "1"


def _postgres_or_skip() -> str:
    if POSTGRES_URL:
        return POSTGRES_URL
    if REQUIRE_POSTGRES:
        pytest.fail("OVERSIGHT_REQUIRE_POSTGRES=1 but OVERSIGHT_TEST_POSTGRES_URL is not set")
    pytest.skip("no PostgreSQL: run the tests through `make test` (scripts/with-postgres)")


@pytest.fixture(autouse=True)
def home_in_tmp(tmp_path, monkeypatch) -> None:
    """What a run writes (reports, outbox, the embedded database) goes to the test's own folder,
    never the checkout or the user's data folder."""
    monkeypatch.setenv("OVERSIGHT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("OVERSIGHT_REPORTS", str(tmp_path / "reports"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database, SQLite in a temporary file or a wiped PostgreSQL test database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'oversight.db'}"
    else:
        url = _postgres_or_skip()
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    open_database.cache_clear()
    yield url
    open_database.cache_clear()


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> Iterator[None]:
    """Prefect's test harness, started once; flows' heartbeats off to keep each call fast."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # the client's telemetry too: no traffic off loopback
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield
