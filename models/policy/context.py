"""What every rule shares: the day, the calendar, the policy, and who answers to whom."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from models.policy.calendar import WorkingCalendar
from models.policy.facts import SessionStatus, Snapshot, StaffMember, SupervisionSession
from models.policy.findings import As, Finding, Kind, Recipient, Stage
from models.policy.policy import Policy


@dataclass(frozen=True)
class Timing:
    """Where as-of falls against a due date: its stage and how many working days late."""

    stage: Stage
    working_days_overdue: int


@dataclass
class Context:
    snapshot: Snapshot
    policy: Policy
    as_of: date
    calendar: WorkingCalendar
    _held: dict[str, list[SupervisionSession]] = field(default_factory=dict, init=False, repr=False)

    def timing(self, due: date) -> Timing | None:
        """Upcoming within the policy's window, chase once overdue, escalate after the ladder's
        working days; None while the due date is further off than the window."""
        if self.as_of <= due:
            if due - self.as_of <= timedelta(days=self.policy.upcoming_within_days):
                return Timing(Stage.UPCOMING, 0)
            return None
        late = self.calendar.working_days_between(due, self.as_of)
        stage = Stage.ESCALATE if late > self.policy.escalation.after_working_days else Stage.CHASE
        return Timing(stage, late)

    def finding(
        self,
        kind: Kind,
        staff_id: str,
        due: date,
        timing: Timing,
        notify: tuple[Recipient, ...],
        detail: str,
        rule: str,
        case_id: str | None = None,
        session_id: str | None = None,
        aspect: str | None = None,
    ) -> Finding:
        """A finding at the stage and lateness `timing` gives."""
        return Finding(
            kind=kind,
            staff_id=staff_id,
            case_id=case_id,
            session_id=session_id,
            due=due,
            stage=timing.stage,
            working_days_overdue=timing.working_days_overdue,
            notify=notify,
            detail=detail,
            rule=rule,
            aspect=aspect,
        )

    def held_one_to_ones(self, staff_id: str) -> list[SupervisionSession]:
        """The supervisee's 1:1s held by as-of: what sets the next due date, whose records are
        timed, what a cancellation must be followed by. Sorted out of their sessions once per
        context, since the rules and the report each ask it of every supervisee."""
        held = self._held.get(staff_id)
        if held is None:
            held = self._held[staff_id] = [
                s
                for s in self.snapshot.sessions_by_supervisee.get(staff_id, ())
                if s.status is SessionStatus.HELD
                and s.is_one_to_one
                and s.held_on is not None
                and s.held_on <= self.as_of
            ]
        return held

    def active(self, staff_id: str | None) -> StaffMember | None:
        """The member of staff, if they exist and are in post on as-of."""
        member = self.snapshot.staff_by_id.get(staff_id or "")
        return member if member and member.is_active(self.as_of) else None

    def supervisor_of(self, member: StaffMember) -> StaffMember | None:
        """The line manager supervises; an agreement names the supervisor where no line manager is
        recorded."""
        if member.line_manager_id:
            return self.active(member.line_manager_id)
        agreements = self.snapshot.agreements_by_staff.get(member.staff_id, [])
        latest = max(agreements, key=lambda a: a.signed_on or date.min, default=None)
        return self.active(latest.supervisor_id) if latest else None

    def is_absent(self, staff_id: str) -> bool:
        return staff_id in self._absent

    @cached_property
    def _absent(self) -> frozenset[str]:
        """Who is away on as-of, found once: a line manager is told of every finding of theirs."""
        return frozenset(a.staff_id for a in self.snapshot.absences if a.covers(self.as_of))

    def notify_responsible(
        self, responsible: StaffMember | None, as_: As, stage: Stage, *also: Recipient
    ) -> tuple[Recipient, ...]:
        """Tell the person who must act; on escalation, or while they are absent, their line
        manager too. `also` are told as well (the worker, the supervisee)."""
        recipients: list[Recipient] = []
        if responsible:
            recipients.append(Recipient(responsible.staff_id, as_))
            manager = self.active(responsible.line_manager_id)
            if manager and (stage is Stage.ESCALATE or self.is_absent(responsible.staff_id)):
                recipients.append(Recipient(manager.staff_id, As.LINE_MANAGER))
        recipients.extend(also)
        return _unique(recipients)


def _unique(recipients: list[Recipient]) -> tuple[Recipient, ...]:
    """Each person once, in the first capacity they were named in."""
    seen: set[str] = set()
    kept = []
    for recipient in recipients:
        if recipient.staff_id not in seen:
            seen.add(recipient.staff_id)
            kept.append(recipient)
    return tuple(kept)
