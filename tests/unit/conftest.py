"""The demo council's night, made once for the unit tests that read its report."""

from __future__ import annotations

import pytest

from demo.council import DEMO_AS_OF, DEMO_POLICY, SCALES, generate, write_csvs
from models.compliance.report import ComplianceReport, build_report
from models.csvfiles import read_import
from models.policy.evaluate import evaluate
from models.policy.facts import INPUTS, Snapshot
from models.policy.findings import Finding
from models.policy.policy import load_policy


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Snapshot, list[Finding], ComplianceReport]:
    folder = tmp_path_factory.mktemp("demo")
    write_csvs(generate(SCALES["demo"]), folder)
    parsed = read_import([folder])
    snapshot = Snapshot(**{t.name: parsed.facts(t.name) for t in INPUTS})
    policy = load_policy(str(DEMO_POLICY))
    findings = evaluate(snapshot, policy, DEMO_AS_OF)
    return snapshot, findings, build_report(snapshot, policy, findings, DEMO_AS_OF, "demo")
