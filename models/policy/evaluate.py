"""One entry point for the rules: a snapshot, a policy and a day in; findings out, in order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from models.policy.absence import absence_findings
from models.policy.agreements import agreement_findings
from models.policy.calendar import WorkingCalendar
from models.policy.cases import case_findings, unallocated_findings
from models.policy.context import Context
from models.policy.duties import countersign_findings, duty_findings
from models.policy.facts import Snapshot
from models.policy.findings import Finding, Kind
from models.policy.policy import Policy
from models.policy.records import record_findings
from models.policy.supervision import missing_supervisor_findings, rebook_findings, supervision_findings

Rule = Callable[[Context], Iterable[Finding]]

# Every rule with the kinds of finding it raises (a test checks each kind has its rule).
RULES: tuple[tuple[Rule, tuple[Kind, ...]], ...] = (
    (supervision_findings, (Kind.SUPERVISION_UPCOMING, Kind.SUPERVISION_OVERDUE)),
    (rebook_findings, (Kind.REBOOK_OVERDUE,)),
    (record_findings, (Kind.RECORD_NOT_WRITTEN, Kind.RECORD_UNSIGNED, Kind.RECORD_DEEMED_AGREED)),
    (countersign_findings, (Kind.RECORD_NOT_COUNTERSIGNED,)),
    (absence_findings, (Kind.SUPERVISOR_ABSENT,)),
    (missing_supervisor_findings, (Kind.SUPERVISOR_MISSING,)),
    (unallocated_findings, (Kind.CASE_UNALLOCATED,)),
    (case_findings, (Kind.CASE_DISCUSSION_UPCOMING, Kind.CASE_DISCUSSION_OVERDUE)),
    (agreement_findings, (Kind.AGREEMENT_MISSING, Kind.AGREEMENT_REVIEW_DUE)),
    (duty_findings, (Kind.OBSERVATION_DUE, Kind.APPRAISAL_DUE, Kind.SUPERVISION_AUDIT_DUE)),
)


def evaluate(snapshot: Snapshot, policy: Policy, as_of: date) -> list[Finding]:
    """Every finding for the council on `as_of`, sorted as the contract says."""
    calendar = WorkingCalendar(closure.date for closure in snapshot.closures)
    ctx = Context(snapshot=snapshot, policy=policy, as_of=as_of, calendar=calendar)
    findings = [finding for rule, _ in RULES for finding in rule(ctx)]
    return sorted(findings, key=lambda f: f.order)
