"""A council's settings from Prefect Secret blocks on a real (test) Prefect server: each found in
its place in the lookup order, read from one list of the blocks that exist."""

from __future__ import annotations

import pytest

from tasks.settings import council_settings

pytestmark = pytest.mark.usefixtures("prefect_server")


@pytest.fixture
def blocks(monkeypatch):
    from prefect.blocks.system import Secret

    saved = {
        "oversight-kent-database-url": "sqlite:///kent.db",
        "oversight-email-url": "mailto://127.0.0.1:2525?from=oversight@shared.example",
        "oversight-kent-retries": "5",
        "oversight-medway-retries": "9",
    }
    for name, value in saved.items():
        Secret(value=value).save(name, overwrite=True)
    for name in ("OVERSIGHT_KENT_DATABASE_URL", "OVERSIGHT_EMAIL_URL", "OVERSIGHT_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    yield saved
    for name in saved:
        Secret.delete(name)


def test_settings_are_read_from_the_councils_own_blocks_then_the_shared_ones(blocks):
    kent = council_settings("kent")
    assert kent.database_url == "sqlite:///kent.db"
    assert kent.delivery.email_url == blocks["oversight-email-url"]
    assert kent.delivery.retries == 5  # its own, not medway's
    assert kent.delivery.workers == 4  # in no block: the default


def test_a_setting_in_the_environment_is_not_looked_up_in_blocks(blocks, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_KENT_RETRIES", "2")
    assert council_settings("kent").delivery.retries == 2
