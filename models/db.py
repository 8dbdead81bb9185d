"""The database: one declarative base with a naming convention, and the engine built on request.

Nothing connects at import: `make_engine` is called once at start-up by the CLI or a flow task.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, MetaData, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from models.home import default_database_url

BATCH = 5000  # rows per executemany: big enough to be quick, small enough to stay lean
T = TypeVar("T")
MIGRATIONS = Path(__file__).parent / "migrations"

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url() -> str:
    """`OVERSIGHT_DATABASE_URL`, or the embedded SQLite file in the council's own folder."""
    return os.environ.get("OVERSIGHT_DATABASE_URL") or default_database_url()


def lock_wait_seconds() -> float:
    """How long one statement waits for a lock another process holds before it fails:
    `OVERSIGHT_DATABASE_LOCK_WAIT`, 30 s by default, the same on SQLite and PostgreSQL (where
    without it a statement would wait for ever)."""
    return float(os.environ.get("OVERSIGHT_DATABASE_LOCK_WAIT") or 30)


CONNECT_TIMEOUT = 15  # seconds to reach a PostgreSQL server


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    wait_ms = int(lock_wait_seconds() * 1000)
    if url.startswith("postgresql"):
        # a server that does not answer is given up after CONNECT_TIMEOUT, not waited for for ever
        options = {"options": f"-c lock_timeout={wait_ms}", "connect_timeout": CONNECT_TIMEOUT}
        return create_engine(url, connect_args=options)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda connection, _: _sqlite_pragmas(connection, wait_ms))
    return engine


def _sqlite_pragmas(dbapi_connection: Any, wait_ms: int) -> None:
    """WAL lets `oversight findings` read while an import writes; a busy timeout waits for it.
    In WAL mode `synchronous=NORMAL` is safe from corruption and makes each delivered message's
    own small commit cheap (it may lose the last commits on power loss, not on a crash)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
    # what is deleted is overwritten, not left in a free page: a leaver erased under the
    # retention rule must not be readable from the file afterwards
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to the newest migration (Alembic), or to `revision`, creating it on a new
    database. Alembic is imported here, not at the top: each night's process starts faster
    without it."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@cache
def open_database(url: str) -> Engine:
    """The engine for `url`, its schema brought up to date on first use in this process."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


# the tables a night writes before it sends
NIGHT_WRITES = ("findings", "finding_spans", "messages", "notices")


def check_writable(engine: Engine) -> None:
    """Take, and at once give back, the write locks a night needs, waiting no longer than a
    statement would: a database another process holds raises `OperationalError` here, before
    the night starts, rather than half-way through it."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"LOCK TABLE {', '.join(NIGHT_WRITES)} IN ROW EXCLUSIVE MODE")
        else:  # SQLite locks the whole file for a write, even one that changes nothing
            connection.exec_driver_sql("DELETE FROM findings WHERE 0 = 1")


def upsert_insert(dialect: str, table: Table) -> Any:
    """An INSERT that can take ON CONFLICT clauses, in the dialect named (`sqlite`, `postgresql`)."""
    return {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect](table)


def batches(rows: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
