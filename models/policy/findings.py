"""Findings: what the rules conclude, as typed values compared whole in tests.

The JSON form is the contract's ("Data out: findings JSON"); `rule` names the policy rule that
raised a finding so that messages and administrators can cite it, and stays out of that JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    SUPERVISION_UPCOMING = "supervision_upcoming"
    SUPERVISION_OVERDUE = "supervision_overdue"
    REBOOK_OVERDUE = "rebook_overdue"
    RECORD_NOT_WRITTEN = "record_not_written"
    RECORD_UNSIGNED = "record_unsigned"
    RECORD_DEEMED_AGREED = "record_deemed_agreed"
    SUPERVISOR_ABSENT = "supervisor_absent"
    CASE_DISCUSSION_UPCOMING = "case_discussion_upcoming"
    CASE_DISCUSSION_OVERDUE = "case_discussion_overdue"
    AGREEMENT_MISSING = "agreement_missing"
    AGREEMENT_REVIEW_DUE = "agreement_review_due"

    @property
    def label(self) -> str:
        """What the finding means, in a manager's words."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.SUPERVISION_UPCOMING: "1:1 supervision coming up",
    Kind.SUPERVISION_OVERDUE: "1:1 supervision overdue",
    Kind.REBOOK_OVERDUE: "cancelled 1:1 not rebooked",
    Kind.RECORD_NOT_WRITTEN: "supervision record not written",
    Kind.RECORD_UNSIGNED: "supervision record not signed",
    Kind.RECORD_DEEMED_AGREED: "record unsigned past the deadline: deemed agreed",
    Kind.SUPERVISOR_ABSENT: "supervisor away: cover needed",
    Kind.CASE_DISCUSSION_UPCOMING: "case discussion coming up",
    Kind.CASE_DISCUSSION_OVERDUE: "case discussion overdue",
    Kind.AGREEMENT_MISSING: "no signed supervision agreement",
    Kind.AGREEMENT_REVIEW_DUE: "supervision agreement due for review",
}


class Stage(StrEnum):
    UPCOMING = "upcoming"
    CHASE = "chase"
    ESCALATE = "escalate"


class As(StrEnum):
    """The capacity in which someone is told of a finding."""

    SUPERVISEE = "supervisee"
    SUPERVISOR = "supervisor"
    LINE_MANAGER = "line_manager"
    WORKER = "worker"


@dataclass(frozen=True)
class Recipient:
    staff_id: str
    as_: As


@dataclass(frozen=True)
class Finding:
    kind: Kind
    staff_id: str
    due: date
    stage: Stage
    detail: str
    rule: str
    case_id: str | None = None
    session_id: str | None = None
    working_days_overdue: int = 0
    notify: tuple[Recipient, ...] = field(default=())

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        """The contract's order: `(kind, staff_id, case_id, session_id)`."""
        return (self.kind.value, self.staff_id, self.case_id or "", self.session_id or "")

    @property
    def key(self) -> str:
        """One string naming the finding across nights (its kind, person, case and session)."""
        return "|".join(self.sort_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "staff_id": self.staff_id,
            "case_id": self.case_id,
            "session_id": self.session_id,
            "due": self.due.isoformat(),
            "working_days_overdue": self.working_days_overdue,
            "stage": self.stage.value,
            "notify": [{"staff_id": r.staff_id, "as": r.as_.value} for r in self.notify],
            "detail": self.detail,
        }


def findings_document(as_of: date, policy_name: str, findings: list[Finding]) -> dict[str, Any]:
    """The contract's findings JSON document, findings in contract order."""
    return {
        "as_of": as_of.isoformat(),
        "policy": policy_name,
        "findings": [f.to_json() for f in sorted(findings, key=lambda f: f.sort_key)],
    }
