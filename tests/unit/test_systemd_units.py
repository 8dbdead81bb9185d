"""The systemd units in `deploy/systemd/` start the project's own commands, restart them, and
keep what they write to the service account; `systemd-analyze verify` checks them where the
machine has it."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

UNITS = sorted((Path(__file__).parents[2] / "deploy" / "systemd").glob("*.service"))


def _read(unit: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(unit)
    return parser


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_runs_a_project_command_as_the_service_account(unit):
    service = _read(unit)["Service"]
    command = service["ExecStart"].split()
    assert Path(command[0]).name in ("prefect", "oversight") and command[0].startswith(
        "/opt/oversight/.venv/bin/"
    )
    assert command[1] in ("server", "worker", "serve")
    assert service["User"] == "oversight" and service["UMask"] == "0077"
    assert service["Restart"] in ("always", "on-failure")
    assert _read(unit)["Install"]["WantedBy"] == "multi-user.target"


def test_there_is_a_unit_for_the_server_the_worker_and_serve():
    assert [unit.name for unit in UNITS] == [
        "oversight-prefect-server.service",
        "oversight-serve@.service",
        "oversight-worker.service",
    ]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_analyze_verify_finds_nothing_but_the_uninstalled_commands(unit):
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True)
    # the installed paths do not exist on a test machine: that, and only that, is expected
    missing = re.compile(r"Command /opt/oversight/\S+ is not executable")
    problems = [line for line in result.stderr.splitlines() if line.strip() and not missing.search(line)]
    assert problems == [], result.stderr
