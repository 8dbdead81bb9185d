"""Evaluating a test council under a preset, and reading findings back in table form."""

from __future__ import annotations

from datetime import date

from models.policy.evaluate import evaluate
from models.policy.facts import Snapshot
from models.policy.findings import Finding
from models.policy.policy import load_policy


def findings(
    snapshot: Snapshot,
    as_of: date,
    policy: str = "default",
    kinds: tuple[str, ...] = (),
    about: str | None = "S",
) -> list[Finding]:
    """The findings of the given kinds about one member of staff (S, unless told)."""
    found = evaluate(snapshot, load_policy(policy), as_of)
    return [f for f in found if (not kinds or f.kind in kinds) and (about is None or f.staff_id == about)]


def row(finding: Finding) -> tuple:
    """What a table row states about a finding: kind, due, working days late, stage."""
    return (finding.kind.value, finding.due, finding.working_days_overdue, finding.stage.value)


def notified(finding: Finding) -> list[tuple[str, str]]:
    return [(r.staff_id, r.as_.value) for r in finding.notify]
