"""Resolving one council's settings when its run starts: the environment, then Prefect Secret
blocks (see `models.councils` for the order). Prefect is imported only to read a block, so the
CLI can resolve settings without starting Prefect."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from models.compliance.views import Readers
from models.councils import CouncilLookup
from models.home import council_home, default_database_url
from models.retention import Retention
from notifications.settings import DeliverySettings


@dataclass(frozen=True)
class CouncilSettings:
    """Everything a night needs to know about where one council lives; resolved when the run
    starts and never passed as a flow parameter, since it holds secrets."""

    council: str | None
    database_url: str
    delivery: DeliverySettings
    retention: Retention
    reports: Path  # where the compliance reports go: the council's own folder by default
    reports_url: str | None = None  # where managers open the reports folder, for the weekly link
    readers: Readers = Readers()  # who may open the whole service's report

    @property
    def label(self) -> str:
        return self.council or "council"


def read_secret_block(name: str) -> str | None:
    """The value of the Prefect Secret block `name`, or None when there is no such block."""
    from prefect.blocks.system import Secret

    try:
        return Secret.load(name, _sync=True).get()  # type: ignore[union-attr]
    except ValueError:
        return None


class SecretBlocks:
    """The Prefect Secret blocks one run reads its settings from. A run asks for some twenty
    settings, most of them never set; asking the server for each missing block took 1.1 s of
    every run (measured against `prefect server start`). So the names of the Secret blocks are
    read once, in one request (the server answers with every block of a type; its values are
    left out), and only a block that exists is loaded."""

    def __init__(self) -> None:
        self._names: frozenset[str] | None = None

    def __call__(self, name: str) -> str | None:
        if self._names is None:
            from prefect.client.orchestration import get_client

            with get_client(sync_client=True) as client:
                blocks = client.read_block_documents_by_type("secret", include_secrets=False)
            self._names = frozenset(block.name for block in blocks if block.name)
        return read_secret_block(name) if name in self._names else None


def council_lookup(council: str | None, *, secrets: bool = True) -> CouncilLookup:
    return CouncilLookup(council, os.environ, SecretBlocks() if secrets else None)


def council_settings(council: str | None, *, secrets: bool = True) -> CouncilSettings:
    """A council's database and channels from the environment and Prefect Secret blocks."""
    lookup = council_lookup(council, secrets=secrets)
    url = lookup.require("DATABASE_URL") if council else lookup.get("DATABASE_URL") or default_database_url()
    return CouncilSettings(
        council,
        url,
        DeliverySettings.from_lookup(lookup),
        Retention.from_lookup(lookup),
        Path(lookup.own_folder("REPORTS") or council_home(council) / "reports"),
        lookup.get("REPORTS_URL"),
        Readers.parse(lookup.get("REPORT_READERS")),
    )
