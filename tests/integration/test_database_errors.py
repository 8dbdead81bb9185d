"""Every database URL mistake is one line naming the database, its password masked: exit 2 for
a mistake in the settings, 1 for a database that is there but cannot be reached now."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cli.main import app


@pytest.mark.parametrize(
    "why, url, status, says",
    [
        (
            "a SQLite file in a folder that does not exist",
            "sqlite:///{tmp}/no-such-folder/oversight.db",
            2,
            "error: cannot open the database sqlite:///{tmp}/no-such-folder/oversight.db: the folder "
            "{tmp}/no-such-folder does not exist",
        ),
        (
            "a misspelt scheme",
            "sqllite:///{tmp}/oversight.db",
            2,
            "error: the database URL sqllite:///{tmp}/oversight.db is not one Oversight can use",
        ),
        ("not a URL at all", "oversight.db", 2, "error: the database URL (not a database URL) is not one"),
        (
            "a PostgreSQL server that is not there (nothing listens on port 1)",
            "postgresql://oversight:s3cret@127.0.0.1:1/oversight",
            1,
            "error: cannot reach the database postgresql://oversight:***@127.0.0.1:1/oversight: connection failed",
        ),
    ],
)
@pytest.mark.parametrize("command", [["findings"], ["import", "."], ["run", "--dry-run"], ["report"]])
def test_a_database_url_mistake_is_one_line_never_a_traceback(
    why, url, status, says, command, tmp_path, monkeypatch
):
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", url.format(tmp=tmp_path))
    result = CliRunner().invoke(app, command)
    assert result.exit_code == status, (why, result.output)
    assert result.stderr.startswith(says.format(tmp=tmp_path)), why
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert "s3cret" not in result.output
