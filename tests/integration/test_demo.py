"""The demo council: the same every time, imports cleanly, and shows every kind of finding."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs
from models.policy.evaluate import evaluate
from models.policy.findings import Kind
from models.policy.policy import load_policy, preset_names
from models.store import import_paths, load_snapshot


def test_the_demo_council_is_the_same_every_time():
    assert generate(SCALES["demo"]) == generate(SCALES["demo"])


def test_the_demo_council_imports_cleanly_and_raises_every_kind_of_finding(engine, tmp_path):
    report = import_paths(engine, [d.parent for d in write_csvs(generate(SCALES["demo"]), tmp_path)][:1])
    assert report.warnings == [] and report.counts["staff"] > 20
    kinds = {f.kind for f in evaluate(load_snapshot(engine), load_policy(str(DEMO_POLICY)), DEMO_AS_OF)}
    # deemed agreement is Central Bedfordshire's rule, not the demo's (the default with every duty on)
    assert kinds == set(Kind) - {Kind.RECORD_DEEMED_AGREED}


@pytest.mark.usefixtures("prefect_server")
def test_oversight_demo_runs_the_nightly_flow_and_says_where_messages_went(tmp_path, monkeypatch):
    for name in ("OVERSIGHT_DATABASE_URL", "OVERSIGHT_OUTBOX", "OVERSIGHT_REPORTS"):
        monkeypatch.setenv(name, "")  # the demo sets these for its process: put them back afterwards
    result = CliRunner().invoke(app, ["demo", "--folder", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"sent: {tmp_path}/outbox/2026-11-24_" in result.output
    assert "policy.yaml, the default with every recurring duty switched on" in result.output
    assert len(list((tmp_path / "outbox").glob("*.eml"))) > 5
    # the hint works as printed, the virtual environment activated or not
    command = result.output.split("See the findings:  ", 1)[1].split()[1]
    assert command == "oversight" or Path(command).is_file()


def test_the_benchmark_generator_imports_cleanly_and_raises_every_kind(engine, tmp_path):
    """A slice of the `large` council: the same generator the benchmark measures."""
    rows = generate(SCALES["large"].fraction(0.01))
    report = import_paths(engine, [write_csvs(rows, tmp_path)[0].parent])
    assert report.warnings == [] and report.counts["discussions"] > 1000
    snapshot = load_snapshot(engine, DEMO_AS_OF)
    kinds = {
        f.kind
        for policy in (str(DEMO_POLICY), "central_beds")
        for f in evaluate(snapshot, load_policy(policy), DEMO_AS_OF)
    }
    assert kinds == set(Kind)


# a month end that is a bank holiday, and the day after one
@pytest.mark.parametrize("day", [DEMO_AS_OF, date(2026, 8, 31), date(2026, 5, 26)])
def test_a_council_loaded_for_a_day_decides_what_the_whole_council_would(engine, tmp_path, day):
    """Loaded for a day, a council leaves out its closed cases and all but the discussion each
    open case's next is due from: every preset must find the same as from every row."""
    import_paths(engine, [write_csvs(generate(SCALES["large"].fraction(0.01)), tmp_path)[0].parent])
    whole, for_the_day = load_snapshot(engine), load_snapshot(engine, day)
    assert len(for_the_day.discussions) < len(whole.discussions) / 5
    for preset in preset_names():
        policy = load_policy(preset)
        assert evaluate(for_the_day, policy, day) == evaluate(whole, policy, day), preset
