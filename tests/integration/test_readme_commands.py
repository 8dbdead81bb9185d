"""The README's "Using it" commands, run as written: on the demo council's files for `exports/`
and a council's own policy file for `our-policy.yaml`, each must succeed. A command changed in
the code and not in the README (or the other way round) fails here."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from demo.council import DEMO_AS_OF, SCALES, generate, write_csvs

README = Path(__file__).parents[2] / "README.md"
OVERSIGHT = str(Path(sys.executable).with_name("oversight"))


def using_it() -> list[list[str]]:
    """The `oversight` commands of the README's "Using it" block, comments dropped."""
    section = README.read_text(encoding="utf-8").split("## Using it", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the README's Using it section has no sh block"
    commands = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    return [command[1:] for command in commands if command[:1] == ["oversight"]]


def test_the_block_holds_every_command_a_user_starts_with():
    assert [command[:1] for command in using_it()] == [
        ["import"],
        ["findings"],
        ["run"],
        ["run"],
        ["report"],
        ["report"],
        ["policy"],
        ["policy"],
    ]


@pytest.mark.usefixtures("prefect_server")
def test_every_command_of_using_it_runs_as_written(tmp_path):
    """Each command in a process of its own, as a user types it, on the embedded SQLite default
    (the commands do not depend on the database: the other tests run both), against the test
    session's Prefect server rather than a temporary one per command."""
    from prefect.settings import PREFECT_API_URL

    write_csvs(generate(SCALES["demo"], DEMO_AS_OF), tmp_path / "exports")
    (tmp_path / "our-policy.yaml").write_text("extends: default\nname: ours\ntitle: Our council\n")
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("OVERSIGHT_", "PREFECT_"))
    }
    environment.update(
        OVERSIGHT_HOME=str(tmp_path / "home"),
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_URL=str(PREFECT_API_URL.value()),
    )
    for command in using_it():
        result = subprocess.run(
            [OVERSIGHT, *command], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300
        )
        said = result.stdout + result.stderr
        assert result.returncode == 0, f"oversight {shlex.join(command)}:\n{said}"
        assert "Traceback" not in said, f"oversight {shlex.join(command)}:\n{said}"
