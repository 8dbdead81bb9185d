"""Where a council's data lives: one folder per council, outside the checkout.

Whatever a night writes (the outbox, the compliance reports and evidence packs, the embedded
SQLite database) goes under `OVERSIGHT_HOME/<council>/`, by default the platform's user data
folder (`$XDG_DATA_HOME/oversight`, else `~/.local/share/oversight`). Never the working folder:
a `reports` folder written there hid the project's own `reports` package from the next night's
process, and two councils sharing `./outbox` overwrote each other's messages.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_COUNCIL = "default"  # the folder of an installation's one council, when none is named


def data_home(environ: Mapping[str, str] = os.environ) -> Path:
    """`OVERSIGHT_HOME`, else the platform's user data folder for Oversight."""
    if environ.get("OVERSIGHT_HOME"):
        return Path(environ["OVERSIGHT_HOME"]).expanduser()
    base = environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "oversight"


def council_home(council: str | None, environ: Mapping[str, str] = os.environ) -> Path:
    """The council's own folder under the data home (not created here)."""
    return data_home(environ) / (council or DEFAULT_COUNCIL)


def made(folder: Path) -> Path:
    """`folder`, created if need be, readable by this account only (it holds names and dates)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def default_database_url(environ: Mapping[str, str] = os.environ) -> str:
    """The embedded SQLite database of the installation's one council, in its own folder."""
    return f"sqlite:///{made(council_home(None, environ)) / 'oversight.db'}"


def private_files() -> None:
    """From now on, whatever this process creates (the SQLite database and its WAL, reports,
    the outbox, Prefect's own files) is readable by its account only, whatever the umask it was
    started with: the database holds absences, which are health data."""
    os.umask(0o077)
