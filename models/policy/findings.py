"""Findings: what the rules conclude, as typed values compared whole in tests.

The JSON form is the contract's ("Data out: findings JSON"); `rule` names the policy rule that
raised a finding so that messages and administrators can cite it, and stays out of that JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    """The sections of a digest, in the order a digest lists them: what its reader must do."""

    COVER = "cover", "Arrange cover for an absent supervisor"
    UNSUPERVISED = "unsupervised", "Find a supervisor: no supervisor in post"
    ALLOCATE = "allocate", "Allocate cases with no worker"
    ESCALATED = "escalated", "Escalated to you: follow these up"
    BOOK = "book", "Book and hold supervision"
    WRITE = "write", "Write up supervision records"
    CLOSE = "close", "Close records as deemed agreed"
    SIGN = "sign", "Sign your supervision records"
    COUNTERSIGN = "countersign", "Countersign supervision records"
    CASES = "cases", "Discuss cases in supervision"
    AGREEMENTS = "agreements", "Supervision agreements"
    OBSERVE = "observe", "Observe practice and supervision"
    APPRAISE = "appraise", "Hold appraisals"
    AUDIT = "audit", "Audit supervision files"
    ABSENT = "absent", "Your supervisor is away"

    title: str

    def __new__(cls, value: str, title: str) -> Action:
        member = str.__new__(cls, value)
        member._value_ = value
        member.title = title
        return member


class Figure(StrEnum):
    """The parts of the compliance report, each with the sentence saying how it is computed."""

    SUPERVISION = "supervision"
    RECORDS = "records"
    CASES = "cases"
    PEOPLE = "people"
    DUTIES = "duties"


class Kind(StrEnum):
    """Every kind of finding, declared once: its contract name, what it means in a manager's
    words, the digest section where the person who must act finds it, and the report figure
    that counts it. Which rule raises it is declared beside the rules (`evaluate.RULES`)."""

    SUPERVISION_UPCOMING = (
        "supervision_upcoming",
        "1:1 supervision coming up",
        Action.BOOK,
        Figure.SUPERVISION,
    )
    SUPERVISION_OVERDUE = "supervision_overdue", "1:1 supervision overdue", Action.BOOK, Figure.SUPERVISION
    REBOOK_OVERDUE = "rebook_overdue", "cancelled 1:1 not rebooked", Action.BOOK, Figure.SUPERVISION
    RECORD_NOT_WRITTEN = "record_not_written", "supervision record not written", Action.WRITE, Figure.RECORDS
    RECORD_UNSIGNED = "record_unsigned", "supervision record not signed", Action.SIGN, Figure.RECORDS
    RECORD_DEEMED_AGREED = (
        "record_deemed_agreed",
        "record unsigned past the deadline: deemed agreed",
        Action.CLOSE,
        Figure.RECORDS,
    )
    RECORD_NOT_COUNTERSIGNED = (
        "record_not_countersigned",
        "supervision record not signed by the supervisor",
        Action.COUNTERSIGN,
        Figure.DUTIES,
    )
    SUPERVISOR_ABSENT = "supervisor_absent", "supervisor away: cover needed", Action.COVER, Figure.PEOPLE
    SUPERVISOR_MISSING = (
        "supervisor_missing",
        "no supervisor in post",
        Action.UNSUPERVISED,
        Figure.PEOPLE,
    )
    CASE_UNALLOCATED = "case_unallocated", "case with no worker", Action.ALLOCATE, Figure.CASES
    CASE_DISCUSSION_UPCOMING = (
        "case_discussion_upcoming",
        "case discussion coming up",
        Action.CASES,
        Figure.CASES,
    )
    CASE_DISCUSSION_OVERDUE = "case_discussion_overdue", "case discussion overdue", Action.CASES, Figure.CASES
    AGREEMENT_MISSING = (
        "agreement_missing",
        "no signed supervision agreement",
        Action.AGREEMENTS,
        Figure.SUPERVISION,
    )
    AGREEMENT_REVIEW_DUE = (
        "agreement_review_due",
        "supervision agreement due for review",
        Action.AGREEMENTS,
        Figure.SUPERVISION,
    )
    OBSERVATION_DUE = "observation_due", "observation due", Action.OBSERVE, Figure.DUTIES
    APPRAISAL_DUE = "appraisal_due", "appraisal due", Action.APPRAISE, Figure.DUTIES
    SUPERVISION_AUDIT_DUE = "supervision_audit_due", "supervision file audit due", Action.AUDIT, Figure.DUTIES

    label: str
    action: Action
    figure: Figure

    def __new__(cls, value: str, label: str, action: Action, figure: Figure) -> Kind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.action = action
        member.figure = figure
        return member


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
    COVER = "cover"


@dataclass(frozen=True)
class Recipient:
    """Someone told of a finding, in a capacity; `reason` says in plain words why it reached
    them when they are not the one it first asks ("escalated: 7 working days overdue", "Sam
    Bashir is away"). It stays out of the contract's JSON and of equality."""

    staff_id: str
    as_: As
    reason: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Finding:
    kind: Kind
    staff_id: str | None  # None only for a case that never had a worker
    due: date
    stage: Stage
    detail: str
    rule: str
    case_id: str | None = None
    session_id: str | None = None
    working_days_overdue: int = 0
    notify: tuple[Recipient, ...] = field(default=())
    aspect: str | None = None  # which of two duties of one kind (observation of practice or of
    # supervision): part of the key, so the two are told and kept apart; not in the contract's JSON
    tier: int = field(default=0, compare=False)  # its risk tier (`models.policy.priority`): the
    # order managers act in; not in the contract's JSON

    @property
    def risk_order(self) -> tuple[int, bool, int, date, tuple[str, ...]]:
        """Riskiest first: by tier, overdue before coming up, most overdue first, then soonest due."""
        upcoming = self.stage is Stage.UPCOMING
        return (self.tier, upcoming, -self.working_days_overdue, self.due, self.order)

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        """The contract's order: `(kind, staff_id, case_id, session_id)`. The kind is a `StrEnum`
        member, so it sorts and joins as its text (`.value` would cost a property call each)."""
        return (self.kind, self.staff_id or "", self.case_id or "", self.session_id or "")

    @property
    def order(self) -> tuple[str, ...]:
        """The contract's order, then the aspect: the same day's findings always sort alike."""
        return (*self.sort_key, self.aspect or "")

    @property
    def key(self) -> str:
        """One string naming the finding across nights (its kind, person, case and session, and
        its aspect where a kind has two)."""
        key = "|".join(self.sort_key)
        return f"{key}|{self.aspect}" if self.aspect else key

    @staticmethod
    def parts_of(key: str) -> tuple[str, str | None, str | None]:
        """A `key`'s kind, person and case, as stored with a notice or a message."""
        kind, staff_id, case_id, *_ = key.split("|")
        return kind, staff_id or None, case_id or None

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
        "findings": [f.to_json() for f in sorted(findings, key=lambda f: f.order)],
    }
