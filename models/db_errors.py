"""A database that cannot be opened, said in one line: which database (its password masked)
and what is wrong, in words an operator can act on, never a traceback.

Configuration mistakes (an unknown scheme, a folder that does not exist, a wrong password) are
told apart from a database that is there but unavailable for now (locked, or not answering),
since the one is fixed in the settings and the other by waiting or by whoever runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError


@dataclass(frozen=True)
class DatabaseProblem:
    message: str
    configuration: bool  # a mistake in the settings (exit 2), else unavailable for now (exit 1)


def shown(url: str) -> str:
    """The URL as it may be shown: its password masked; nothing of it when it cannot be parsed."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def database_problem(url: str, error: Exception) -> DatabaseProblem | None:
    """What is wrong with opening `url`, from the error that opening it raised (None for an
    error that is not about reaching the database)."""
    where = shown(url)
    if isinstance(error, ArgumentError | ImportError):
        return DatabaseProblem(
            f"the database URL {where} is not one Oversight can use ({_first_line(error)}): "
            "use sqlite:///PATH or postgresql://USER@HOST/NAME",
            configuration=True,
        )
    if not isinstance(error, OperationalError | DBAPIError):
        return None
    reason = _first_line(error.orig) if error.orig else type(error).__name__
    if url.startswith("sqlite"):
        database = make_url(url).database or ""
        if database and not Path(database).parent.is_dir():
            return DatabaseProblem(
                f"cannot open the database {where}: the folder {Path(database).parent} does not exist",
                configuration=True,
            )
    lowered = reason.lower()
    if "locked" in lowered or "lock timeout" in lowered or "canceling statement" in lowered:
        return DatabaseProblem(
            f"the database {where} stayed locked ({reason}): another import or nightly run may be "
            "writing to it; try again when it has finished",
            configuration=False,
        )
    if "password" in lowered or "authentication" in lowered or "does not exist" in lowered:
        return DatabaseProblem(f"cannot open the database {where}: {reason}", configuration=True)
    return DatabaseProblem(f"cannot reach the database {where}: {reason}", configuration=False)


def _first_line(error: object) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
