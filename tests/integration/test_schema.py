"""The migrations build exactly the tables the code declares (the inputs derive theirs from
`INPUTS`), on SQLite and PostgreSQL: a new input or column without its migration fails here."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import models.tables  # noqa: F401  (registers every table on the metadata)
from models.db import Base


def test_the_migrations_build_the_schema_the_tables_declare(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
