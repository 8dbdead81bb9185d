"""Grouping findings into one digest per recipient, sectioned by what they must do.

Pure: findings and staff in, digests out. A digest names a case by its reference and a
colleague by name and id; it never carries the content of a supervision, nor why anyone is
away. Within each section, items come riskiest first (`Finding.risk_order`), overdue apart from
coming up; each says in plain words what the council's policy asks, and, when it reached
someone other than the person it first asks, why it reached them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models.policy.facts import Role, StaffMember
from models.policy.findings import Action, As, Finding, Kind, Recipient, Stage

# Who is never told of what is not yet due: they act on what is late (the people-and-posts issue).
SENIOR_ROLES = frozenset({Role.HEAD_OF_SERVICE, Role.ASSISTANT_DIRECTOR, Role.DIRECTOR})

# What the council's policy asks, in plain words, for each kind of finding: the rule's source
# belongs in the report's methods and the evidence pack, not in someone's email. Never which
# absence threshold applies: thresholds differ by kind of absence.
POLICY_WORDS: dict[Kind, str] = {
    Kind.SUPERVISION_UPCOMING: "1:1 supervision is held at the interval the policy sets for each role.",
    Kind.SUPERVISION_OVERDUE: "1:1 supervision is held at the interval the policy sets for each role.",
    Kind.REBOOK_OVERDUE: "A cancelled 1:1 is rebooked and held within a few working days.",
    Kind.RECORD_NOT_WRITTEN: "The supervisor writes up each supervision within a few working days.",
    Kind.RECORD_UNSIGNED: "The supervisee signs the record, or says what they would change, within a few working days.",
    Kind.RECORD_DEEMED_AGREED: "A record left unsigned past its deadline is closed as deemed agreed.",
    Kind.RECORD_NOT_COUNTERSIGNED: "The supervisor signs the personal record too, soon after the supervisee.",
    Kind.SUPERVISOR_ABSENT: "When a supervisor is away for a while, their line manager makes sure supervision goes ahead.",
    Kind.SUPERVISOR_MISSING: "Everyone in post has a supervisor in post.",
    Kind.CASE_DISCUSSION_UPCOMING: "Every open case is discussed in supervision at the interval set for its category.",
    Kind.CASE_DISCUSSION_OVERDUE: "Every open case is discussed in supervision at the interval set for its category.",
    Kind.CASE_UNALLOCATED: "Every open case has a worker; until it does, its manager holds it.",
    Kind.AGREEMENT_MISSING: "A supervision agreement is signed early in each supervisory relationship.",
    Kind.AGREEMENT_REVIEW_DUE: "Supervision agreements are reviewed regularly.",
    Kind.OBSERVATION_DUE: "Practice and supervision are observed at the interval the policy sets.",
    Kind.APPRAISAL_DUE: "Everyone has a regular appraisal.",
    Kind.SUPERVISION_AUDIT_DUE: "Supervision files are audited at the interval the policy sets.",
}


def action_for(finding: Finding, recipient: Recipient) -> Action:
    """The section a finding goes under for `recipient`: the kind's own action for the person
    it asks to act (named first), "escalated" for a line manager told because chasing failed
    or the person who must act is away, and a notice for a supervisee whose supervisor is away."""
    if finding.kind is Kind.SUPERVISOR_ABSENT:
        return Action.ABSENT if recipient.as_ is As.SUPERVISEE else Action.COVER
    if finding.kind is Kind.CASE_UNALLOCATED:
        return Action.ALLOCATE
    if recipient.as_ is As.LINE_MANAGER and finding.notify and recipient != finding.notify[0]:
        return Action.ESCALATED
    return finding.kind.action


@dataclass(frozen=True)
class Item:
    """One line of a digest: a finding as one recipient sees it. `contact` is whom a supervisee
    goes to while their supervisor is away (the supervisor's line manager); `reason` why it
    reached this recipient, when it is not theirs first ("escalated: 7 working days overdue")."""

    finding: Finding
    about: StaffMember | None
    contact: StaffMember | None = None
    reason: str | None = None

    @property
    def policy(self) -> str:
        return POLICY_WORDS[self.finding.kind]

    @property
    def is_upcoming(self) -> bool:
        return self.finding.stage is Stage.UPCOMING

    @property
    def away_notice(self) -> str:
        """What a supervisee is told while their supervisor is away: whom to go to, never why."""
        who = self.about.name if self.about else "Your supervisor"
        contact = self.contact.name if self.contact else "your service manager"
        return (
            f"{who} is away at the moment. Until they are back, {contact} will make sure your "
            "supervision goes ahead: please speak to them about your next 1:1."
        )

    @property
    def late(self) -> str:
        if self.finding.stage is Stage.UPCOMING:
            return f"due {self.finding.due}"
        days = self.finding.working_days_overdue
        return f"due {self.finding.due}, {days} working day{'s' if days != 1 else ''} late"


@dataclass(frozen=True)
class Section:
    action: Action
    title: str
    items: tuple[Item, ...]

    @property
    def overdue(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if not item.is_upcoming)

    @property
    def upcoming(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.is_upcoming)


@dataclass(frozen=True)
class Digest:
    """Everything one person must act on tonight."""

    recipient: StaffMember
    as_of: date
    sections: tuple[Section, ...]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    @property
    def escalations(self) -> tuple[Item, ...]:
        """What reached this person because chasing failed, for the managers' channel."""
        return tuple(
            item
            for section in self.sections
            if section.action in (Action.ESCALATED, Action.COVER)
            for item in section.items
        )

    def halves(self) -> tuple[Digest, Digest]:
        """The digest's items split in two at the middle, sections kept in order: for a channel
        that cannot carry them all in one message."""
        items = [(section, item) for section in self.sections for item in section.items]
        middle = len(items) // 2
        return self._with(items[:middle]), self._with(items[middle:])

    def _with(self, items: list[tuple[Section, Item]]) -> Digest:
        sections = tuple(
            Section(section.action, section.title, tuple(item for owner, item in items if owner is section))
            for section in self.sections
            if any(owner is section for owner, _ in items)
        )
        return Digest(self.recipient, self.as_of, sections)

    @property
    def is_only_sign_off(self) -> bool:
        """A supervisee with nothing but records to sign gets the short, kind nudge."""
        return all(section.action is Action.SIGN for section in self.sections)


def every_notice(findings: list[Finding]) -> list[tuple[Finding, Recipient]]:
    """Each finding paired with each person it names, with no cadence applied."""
    return [(finding, recipient) for finding in findings for recipient in finding.notify]


def may_be_told(finding: Finding, recipient: StaffMember, away: frozenset[str]) -> bool:
    """Nobody is chased while away (their items wait for their return, or went to their cover),
    and what is not yet due never reaches a head of service or above."""
    if recipient.staff_id in away:
        return False
    return not (finding.stage is Stage.UPCOMING and recipient.role in SENIOR_ROLES)


def build_digests(
    notices: list[tuple[Finding, Recipient]],
    staff_by_id: dict[str, StaffMember],
    as_of: date,
    away: frozenset[str] = frozenset(),
) -> list[Digest]:
    """One digest per person with anything to be told tonight (and who may be told it: see
    `may_be_told`), ordered by staff id; each section's items riskiest first."""
    by_recipient: dict[str, dict[Action, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for finding, recipient in notices:
        member = staff_by_id.get(recipient.staff_id)
        if member is None or not may_be_told(finding, member, away):
            continue
        action = action_for(finding, recipient)
        about = staff_by_id.get(finding.staff_id or "")
        contact = staff_by_id.get(about.line_manager_id or "") if about and action is Action.ABSENT else None
        by_recipient[recipient.staff_id][action].append(Item(finding, about, contact, recipient.reason))
    digests = []
    for staff_id in sorted(by_recipient):
        recipient = staff_by_id.get(staff_id)
        if recipient is None:
            continue
        sections = tuple(
            Section(
                action,
                action.title,
                tuple(sorted(by_recipient[staff_id][action], key=lambda item: item.finding.risk_order)),
            )
            for action in Action
            if action in by_recipient[staff_id]
        )
        digests.append(Digest(recipient, as_of, sections))
    return digests
