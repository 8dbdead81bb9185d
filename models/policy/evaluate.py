"""One entry point for the rules: a snapshot, a policy and a day in; findings out, in order."""

from __future__ import annotations

from datetime import date

from models.policy.absence import absence_findings
from models.policy.agreements import agreement_findings
from models.policy.calendar import WorkingCalendar
from models.policy.cases import case_findings
from models.policy.context import Context
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import Policy
from models.policy.records import record_findings
from models.policy.supervision import rebook_findings, supervision_findings

RULES = (
    supervision_findings,
    rebook_findings,
    record_findings,
    absence_findings,
    case_findings,
    agreement_findings,
)


def evaluate(snapshot: Snapshot, policy: Policy, as_of: date) -> list[Finding]:
    """Every finding for the council on `as_of`, sorted as the contract says."""
    calendar = WorkingCalendar(closure.date for closure in snapshot.closures)
    ctx = Context(snapshot=snapshot, policy=policy, as_of=as_of, calendar=calendar)
    findings = [finding for rule in RULES for finding in rule(ctx)]
    return sorted(findings, key=lambda f: f.sort_key)
