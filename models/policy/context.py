"""What every rule shares: the day, the calendar, the policy, and who answers to whom.

Who answers to whom follows the organisation as it is on as-of (contract, "When people and
posts change"): a supervisor who has left leaves their supervisees with the manager told of
it; a supervisor away past the policy's threshold, or with cover recorded, has what would ask
them to act go to whoever covers. Nothing drops out of sight.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from models.policy.away import PastThreshold, away_on, past_threshold
from models.policy.calendar import WorkingCalendar
from models.policy.facts import CaseCategory, Role, Snapshot, StaffMember, SupervisionSession
from models.policy.findings import As, Finding, Kind, Recipient, Stage
from models.policy.policy import Policy
from models.policy.priority import tier


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
    _supervising: dict[str, object] = field(default_factory=dict, init=False, repr=False)

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
        staff_id: str | None,
        due: date,
        timing: Timing,
        notify: tuple[Recipient, ...],
        detail: str,
        rule: str,
        case_id: str | None = None,
        session_id: str | None = None,
        aspect: str | None = None,
    ) -> Finding:
        """A finding at the stage and lateness `timing` gives, in its risk tier."""
        member = self.snapshot.staff_by_id.get(staff_id or "")
        category = self._categories.get(case_id) if case_id else None
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
            tier=tier(kind, member, category, self.as_of),
        )

    @cached_property
    def _categories(self) -> dict[str, CaseCategory]:
        return {case.case_id: case.category for case in self.snapshot.cases}

    def held_one_to_ones(self, staff_id: str) -> list[SupervisionSession]:
        """The supervisee's 1:1s held by as-of: whose records are timed, what a cancellation must
        be followed by: a prefix of the snapshot's sorted list, kept per context, since the rules
        and the report each ask it of every supervisee."""
        held = self._held.get(staff_id)
        if held is None:
            days, sessions = self.snapshot.one_to_ones_held.get(staff_id, ([], []))
            held = self._held[staff_id] = sessions[: bisect_right(days, self.as_of)]
        return held

    def last_held_on(self, staff_id: str, by: date | None = None) -> date | None:
        """The day of the supervisee's latest 1:1 held by as-of (or by `by`), what sets their next
        one due: read off the snapshot's sorted days, as the report asks it at every month end."""
        days, _ = self.snapshot.one_to_ones_held.get(staff_id, ((), ()))
        index = bisect_right(days, by or self.as_of)
        return days[index - 1] if index else None

    def active(self, staff_id: str | None) -> StaffMember | None:
        """The member of staff, if they exist and are in post on as-of."""
        member = self.snapshot.staff_by_id.get(staff_id or "")
        return member if member and member.is_active(self.as_of) else None

    def has_left(self, member: StaffMember) -> bool:
        return member.end_date is not None and member.end_date < self.as_of

    def named_supervisor_id(self, member: StaffMember) -> str | None:
        """Whom the records name as supervisor: the latest agreement's, else the line manager
        (contract, "When people and posts change"), whether or not they are still in post."""
        latest = self.snapshot.latest_agreement.get(member.staff_id)
        return latest.supervisor_id if latest else member.line_manager_id

    def named_supervisor(self, member: StaffMember) -> StaffMember | None:
        """The member of staff the records name as supervisor (`named_supervisor_id`), in post or
        not, the same on every day; None when none is named or the id is no one on the staff list."""
        return self.snapshot.staff_by_id.get(self.named_supervisor_id(member) or "")

    def is_supervised(self, member: StaffMember) -> bool:
        """Whether anyone supervises them, on any day: all but a director whom no record names a
        supervisor for, the top of the tree."""
        return member.role is not Role.DIRECTOR or self.named_supervisor_id(member) is not None

    def manager_of(self, member: StaffMember) -> StaffMember | None:
        """The first manager in post up the member's line: their line manager, or when that
        manager has left, the leaver's own line manager, and so on."""
        seen = {member.staff_id}
        current = self.snapshot.staff_by_id.get(member.line_manager_id or "")
        while current is not None and current.staff_id not in seen:
            if current.is_active(self.as_of):
                return current
            seen.add(current.staff_id)
            current = self.snapshot.staff_by_id.get(current.line_manager_id or "")
        return None

    def recorded_cover(self, staff_id: str) -> StaffMember | None:
        """Who the council's cover records say acts for this person on as-of (the latest
        arrangement in force whose cover is in post)."""
        arrangements = [c for c in self.snapshot.cover_by_staff.get(staff_id, ()) if c.in_force(self.as_of)]
        for arrangement in sorted(arrangements, key=lambda c: c.from_, reverse=True):
            if cover := self.active(arrangement.cover_staff_id):
                return cover
        return None

    def past_threshold(self, staff_id: str) -> PastThreshold | None:
        """This person's absence in progress, once past the policy's threshold for cover."""
        absences = self.snapshot.absences_by_staff.get(staff_id)
        if not absences:
            return None
        return past_threshold(absences, self.policy.absence.thresholds, self.as_of)

    def cover_of(self, member: StaffMember) -> StaffMember | None:
        """Who acts for a supervisor or manager on as-of: their recorded cover; else, once their
        absence has passed the policy's threshold, their own manager. A short absence moves
        nothing: what is theirs waits for their return."""
        cover = self.recorded_cover(member.staff_id)
        if cover is None and member.is_active(self.as_of) and self.past_threshold(member.staff_id):
            cover = self.manager_of(member)
        return cover if cover is not None and cover.staff_id != member.staff_id else None

    def stand_in(self, person: StaffMember, as_: As, reason: str | None = None) -> Recipient:
        """Whom to tell what asks `person` to act as supervisor or manager: them, or whoever
        covers for them (`as: cover`), following cover a few steps (a cover may be covered)."""
        if as_ not in (As.SUPERVISOR, As.LINE_MANAGER, As.COVER):
            return Recipient(person.staff_id, as_, reason)
        seen = {person.staff_id}
        while (cover := self.cover_of(person)) is not None and cover.staff_id not in seen:
            away = self.is_absent(person.staff_id)
            as_, reason = As.COVER, f"{person.name} is away" if away else f"covering for {person.name}"
            seen.add(cover.staff_id)
            person = cover
        return Recipient(person.staff_id, as_, reason)

    def supervising(self, member: StaffMember) -> Supervising | None:
        """Who acts as the member's supervisor on as-of (None for someone no one in the records
        supervises: the Director at the top of the tree)."""
        found = self._supervising.get(member.staff_id, _UNKNOWN)
        if found is _UNKNOWN:
            found = self._supervising[member.staff_id] = self._find_supervising(member)
        return found  # type: ignore[return-value]

    def _find_supervising(self, member: StaffMember) -> Supervising | None:
        if not self.is_supervised(member):
            return None
        named_id = self.named_supervisor_id(member)
        if named_id is None:
            return Supervising(None, None, As.LINE_MANAGER, Missing(None, member.start_date))
        named = self.named_supervisor(member)
        if named is not None and named.is_active(self.as_of):
            return Supervising(named, named, As.SUPERVISOR)
        cover = self.recorded_cover(named_id)
        if named is not None and cover is not None:
            return Supervising(named, cover, As.COVER, reason=f"covering for {named.name}")
        left = named if named is not None and self.has_left(named) else None
        due = left.end_date + timedelta(days=1) if left and left.end_date else member.start_date
        manager = self.active(member.line_manager_id)
        if manager is None or manager.staff_id == named_id:
            manager = self.manager_of(named) if named is not None else self.manager_of(member)
        if manager is None:
            manager = self.manager_of(member)
        reason = f"{member.name} has no supervisor in post"
        return Supervising(named, manager, As.LINE_MANAGER, Missing(left, due), reason)

    def session_supervising(self, session: SupervisionSession, member: StaffMember) -> Supervising | None:
        """Who answers for a session's record or rebooking: its supervisor while in post, else
        whoever acts as the supervisee's supervisor now."""
        supervisor = self.active(session.supervisor_id)
        if supervisor is not None:
            return Supervising(supervisor, supervisor, As.SUPERVISOR)
        return self.supervising(member)

    def supervisor_of(self, member: StaffMember) -> StaffMember | None:
        """The member's supervisor in post, if any (not a cover or a manager standing in)."""
        supervising = self.supervising(member)
        return supervising.named if supervising and supervising.as_ is As.SUPERVISOR else None

    @cached_property
    def in_post_by_team(self) -> dict[str, list[StaffMember]]:
        found: dict[str, list[StaffMember]] = {}
        for member in self.snapshot.staff:
            if member.is_active(self.as_of):
                found.setdefault(member.team, []).append(member)
        return found

    @cached_property
    def supervisees(self) -> dict[str, list[StaffMember]]:
        """Each supervisor in post's supervisees in post, by the supervisor's id."""
        found: dict[str, list[StaffMember]] = {}
        for member in self.snapshot.staff:
            if member.is_active(self.as_of) and (supervisor := self.supervisor_of(member)):
                found.setdefault(supervisor.staff_id, []).append(member)
        return found

    def is_absent(self, staff_id: str) -> bool:
        return staff_id in self.away

    @cached_property
    def away(self) -> frozenset[str]:
        """Who is away on as-of, found once: nobody is chased while away."""
        return away_on(self.snapshot.absences, self.as_of)

    def tell(
        self, supervising: Supervising | None, timing: Timing, *also: Recipient
    ) -> tuple[Recipient, ...]:
        """Tell whoever acts as the supervisor (`supervising`), and on escalation their manager."""
        if supervising is None:
            return _unique(list(also))
        return self.notify_responsible(
            supervising.acting, supervising.as_, timing, *also, reason=supervising.reason
        )

    def notify_responsible(
        self,
        responsible: StaffMember | None,
        as_: As,
        timing: Timing,
        *also: Recipient,
        reason: str | None = None,
    ) -> tuple[Recipient, ...]:
        """Tell the person who must act, or whoever stands in for them; on escalation, their
        manager too. `also` are told as well (the worker, the supervisee)."""
        recipients: list[Recipient] = []
        if responsible:
            recipients.append(self.stand_in(responsible, as_, reason))
            manager = self.manager_of(responsible)
            if manager and timing.stage is Stage.ESCALATE:
                days = timing.working_days_overdue
                late = f"escalated: {days} working day{'s' if days != 1 else ''} overdue"
                recipients.append(self.stand_in(manager, As.LINE_MANAGER, late))
        recipients.extend(also)
        return _unique(recipients)


@dataclass(frozen=True)
class Missing:
    """No supervisor in post: who left (None when no one was ever named), and since when."""

    leaver: StaffMember | None
    due: date


@dataclass(frozen=True)
class Supervising:
    """Who acts as a member's supervisor on as-of: `named` is whom the records name (None when
    no one is); `acting` is who is told in their place and `as_` in what capacity: the supervisor
    themself, their recorded cover, or, when no supervisor is in post (`missing`), the manager
    told of it."""

    named: StaffMember | None
    acting: StaffMember | None
    as_: As
    missing: Missing | None = None
    reason: str | None = None


_UNKNOWN = object()


def _unique(recipients: list[Recipient]) -> tuple[Recipient, ...]:
    """Each person once, in the first capacity they were named in."""
    seen: set[str] = set()
    kept = []
    for recipient in recipients:
        if recipient.staff_id not in seen:
            seen.add(recipient.staff_id)
            kept.append(recipient)
    return tuple(kept)
