"""Grouping findings into one digest per recipient, sectioned by what they must do.

Pure: findings and staff in, digests out. A digest names a case by its reference and a
colleague by name and id; it never carries the content of a supervision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from models.policy.facts import StaffMember
from models.policy.findings import Action, As, Finding, Kind, Recipient, Stage


def action_for(finding: Finding, recipient: Recipient) -> Action:
    """The section a finding goes under for `recipient`: the kind's own action for the person
    it asks to act (named first), "escalated" for a line manager told because chasing failed
    or the person who must act is away, and a notice for a supervisee whose supervisor is away."""
    if finding.kind is Kind.SUPERVISOR_ABSENT:
        return Action.ABSENT if recipient.as_ is As.SUPERVISEE else Action.COVER
    if recipient.as_ is As.LINE_MANAGER and finding.notify and recipient != finding.notify[0]:
        return Action.ESCALATED
    return finding.kind.action


@dataclass(frozen=True)
class Item:
    """One line of a digest: a finding as one recipient sees it. `contact` is whom a supervisee
    goes to while their supervisor is away (the supervisor's line manager)."""

    finding: Finding
    about: StaffMember | None
    contact: StaffMember | None = None

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


def build_digests(
    notices: list[tuple[Finding, Recipient]], staff_by_id: dict[str, StaffMember], as_of: date
) -> list[Digest]:
    """One digest per person with anything to be told tonight, ordered by staff id."""
    by_recipient: dict[str, dict[Action, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for finding, recipient in notices:
        action = action_for(finding, recipient)
        about = staff_by_id.get(finding.staff_id)
        contact = staff_by_id.get(about.line_manager_id or "") if about and action is Action.ABSENT else None
        by_recipient[recipient.staff_id][action].append(Item(finding, about, contact))
    digests = []
    for staff_id in sorted(by_recipient):
        recipient = staff_by_id.get(staff_id)
        if recipient is None:
            continue
        sections = tuple(
            Section(action, action.title, tuple(by_recipient[staff_id][action]))
            for action in Action
            if action in by_recipient[staff_id]
        )
        digests.append(Digest(recipient, as_of, sections))
    return digests
