"""The policy in force in plain English, one sentence per rule with the source it comes from:
what an inspector reads beside the figures (`oversight policy show` prints the same policy as
data)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from models.policy.policy import Policy, Staged


@dataclass(frozen=True)
class PolicyRule:
    area: str
    text: str
    source: str


def policy_rules(policy: Policy) -> list[PolicyRule]:
    return list(_rules(policy))


def _rules(policy: Policy) -> Iterator[PolicyRule]:
    supervision = policy.supervision
    yield PolicyRule(
        "1:1 supervision",
        f"Staff whose role is not named below have a 1:1 supervision at least {supervision.default.every}.",
        supervision.default.source,
    )
    for role, frequency in supervision.roles.items():
        yield PolicyRule(
            "1:1 supervision",
            f"Staff in the role {_words(role)}: at least {frequency.every}.",
            frequency.source,
        )
    yield PolicyRule(
        "1:1 supervision",
        f"ASYEs, from their ASYE start: {_phases(supervision.asye)}.",
        supervision.asye.source,
    )
    yield PolicyRule(
        "1:1 supervision",
        f"Staff on probation, from their start: {_phases(supervision.probation)}.",
        supervision.probation.source,
    )
    if supervision.calendar_month:
        yield PolicyRule(
            "1:1 supervision",
            "Monthly means once a calendar month: the next is due by the end of the month after the last.",
            supervision.calendar_month.source,
        )
    if supervision.part_time_pro_rata:
        yield PolicyRule(
            "1:1 supervision",
            "Part-time staff: the interval stretches to the equivalent of their working time.",
            supervision.part_time_pro_rata.source,
        )
    if supervision.max_missed_calendar_months is not None:
        yield PolicyRule(
            "1:1 supervision",
            f"No more than {supervision.max_missed_calendar_months.months} whole calendar month(s) without "
            "a 1:1; past that, overdue supervision is escalated at once.",
            supervision.max_missed_calendar_months.source,
        )
    yield PolicyRule(
        "1:1 supervision",
        "Group supervision supplements a 1:1 but never replaces it.",
        "all five seed policies",
    )
    yield PolicyRule(
        "Rebooking",
        f"A cancelled 1:1 is rebooked and held within {policy.rebooking.within_working_days} working days "
        "of the cancellation, or of the return to work when cancelled for sickness.",
        policy.rebooking.source,
    )
    records = policy.records
    yield PolicyRule(
        "Records",
        f"The supervisor writes the record within {records.written.within_working_days} working days of the session.",
        records.written.source,
    )
    yield PolicyRule(
        "Records",
        f"The supervisee signs it within {records.signed.within_working_days} working days of receiving it"
        + ("; unsigned after that, it is deemed agreed." if records.signed.deemed_agreed else "."),
        records.signed.source,
    )
    # Not which thresholds, nor their sources: they differ by kind of absence, and beside the
    # report's dates they would tell a reader why a colleague is away (sickness is health data).
    yield PolicyRule(
        "Supervisor absence",
        "A supervisor away longer than the policy allows: their line manager arranges supervision "
        "for their supervisees, and acts as cover until it is arranged. The policy's thresholds "
        "depend on the kind of absence and are not shown, so that no one's absence can be read "
        "off this report.",
        "absence.thresholds: the council's policy document",
    )
    cases = policy.cases
    yield PolicyRule(
        "Case discussions",
        f"Every open case is discussed in supervision at least {cases.default.every} unless its category says otherwise.",
        cases.default.source,
    )
    for category, frequency in cases.categories.items():
        yield PolicyRule(
            "Case discussions",
            f"{category.label.capitalize()}: at least {frequency.every}.",
            frequency.source,
        )
    if cases.first is not None:
        yield PolicyRule(
            "Case discussions",
            f"A newly allocated case is first discussed within {cases.first.within_working_days} working days.",
            cases.first.source,
        )
    if cases.caseload is not None:
        yield PolicyRule(
            "Caseloads",
            f"A worker holding more than {cases.caseload.above} open cases is flagged in the report.",
            cases.caseload.source,
        )
    agreements = policy.agreements
    yield PolicyRule(
        "Supervision agreements",
        f"Signed within {agreements.signed.within.as_span()} of starting.",
        agreements.signed.source,
    )
    yield PolicyRule(
        "Supervision agreements",
        f"Reviewed every {agreements.review.every.as_span()}.",
        agreements.review.source,
    )
    yield from _duties(policy)
    escalation = policy.escalation
    yield PolicyRule(
        "Reminders",
        f"Upcoming work is shown {policy.upcoming_within_days} days ahead; overdue work is chased, and "
        f"escalated to the line manager after {escalation.after_working_days} working days; an unresolved "
        f"item is raised again every {escalation.remind_every_working_days} working days.",
        escalation.source,
    )
    yield PolicyRule(
        "This report",
        f"Green at {policy.compliance.green_from:g}% or more, amber from {policy.compliance.amber_from:g}%, red below.",
        policy.compliance.source,
    )


def _began(day: date | None) -> str:
    """When a duty began, where the policy says: nothing is owed under it before then."""
    return f" In force from {day}." if day else ""


def _duties(policy: Policy) -> Iterator[PolicyRule]:
    """The recurring duties the policy sets, if any."""
    observations = policy.observations
    if observations and observations.practice:
        duty = observations.practice
        yield PolicyRule(
            "Observations",
            f"The supervisor observes each supervisee's practice every {duty.every.as_span()}."
            + _began(duty.from_),
            duty.source,
        )
    if observations and observations.supervision:
        duty = observations.supervision
        whose = (
            ", ".join(_words(role) + "s" for role in duty.roles) if duty.roles else "everyone who supervises"
        )
        yield PolicyRule(
            "Observations",
            f"Their line manager observes {whose} holding supervision every {duty.every.as_span()}."
            + _began(duty.from_),
            duty.source,
        )
    if policy.appraisals:
        yield PolicyRule(
            "Appraisals",
            f"The line manager holds an appraisal every {policy.appraisals.every.as_span()}."
            + _began(policy.appraisals.from_),
            policy.appraisals.source,
        )
    for role, duty in policy.audits.roles.items() if policy.audits else ():
        yield PolicyRule(
            "Audits of supervision files",
            f"Each {_words(role)} audits a supervision file every {duty.every.as_span()}."
            + _began(duty.from_),
            duty.source,
        )
    if policy.countersigning:
        yield PolicyRule(
            "Records",
            "The supervisor signs the personal record too, within "
            f"{policy.countersigning.within_working_days} working days of the supervisee."
            + _began(policy.countersigning.from_),
            policy.countersigning.source,
        )
    if policy.retention:
        yield PolicyRule(
            "Retention",
            f"A leaver's records are kept {policy.retention.leavers_kept_for.as_span()} after they leave, "
            "then destroyed.",
            policy.retention.source,
        )


def _phases(staged: Staged) -> str:
    return ", then ".join(f"{phase.every} for the first {phase.until.as_span()}" for phase in staged.phases)


def _words(name: str) -> str:
    return name.replace("_", " ")
