"""The weekly summary: on the first working day of each week, every head of service, service
manager, assistant director and team manager in post gets their own figures from the night's
compliance report, with a link to their own view of it (their line or their team, only their
people named); those who may read the whole service's report (`Readers`) get its link too.

A summary is one message through the outbox like any digest, under a key fixed by the night and
the recipient, so a rerun never sends it twice. It carries counts and shares only: no child, no
record's content, no reason for anyone's absence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from models.compliance.report import ComplianceReport, ScopeFigures
from models.compliance.scopes import LINE_ROLES
from models.compliance.shares import Share
from models.compliance.views import Readers, view_of
from models.messages import Outgoing
from models.policy.away import away_on
from models.policy.calendar import WorkingCalendar
from models.policy.facts import Role, StaffMember
from notifications.render import environment
from notifications.settings import DeliverySettings
from notifications.tonight import message_key

SUMMARY_ROLES = (*LINE_ROLES, Role.TEAM_MANAGER)


@dataclass(frozen=True)
class Summary:
    """One manager's figures: their line (or their team), as their view of the report has them."""

    recipient: StaffMember
    figures: ScopeFigures
    last_month_end: Share
    cases: Share
    overdue: int
    overdue_cases: int
    report_link: str  # their own view
    whole_link: str | None  # the whole service's report, for those who may read it
    as_of: date


def is_first_working_day_of_week(day: date, calendar: WorkingCalendar) -> bool:
    """Monday, or Tuesday after a bank holiday Monday, and so on."""
    monday = day - timedelta(days=day.weekday())
    earlier = (monday + timedelta(days=n) for n in range(day.weekday()))
    return calendar.is_working_day(day) and not any(calendar.is_working_day(d) for d in earlier)


def weekly_summaries(
    report: ComplianceReport,
    cut: list[ComplianceReport],
    link_to: Callable[[ComplianceReport], str],
    readers: Readers,
) -> list[Summary]:
    """A summary for each manager in post, and not away, with a view of their own among `cut`
    (`models.compliance.views`); `link_to` says where a report's page is opened."""
    summaries = []
    away = away_on(report.absences, report.as_of)  # nobody is chased while away
    for member in report.staff_by_id.values():
        if member.role not in SUMMARY_ROLES or not member.is_active(report.as_of) or member.staff_id in away:
            continue
        view = view_of(member, cut)
        if view is None:
            continue
        figures = view.service
        summaries.append(
            Summary(
                member,
                figures,
                figures.trend[-1],
                Share.total(view.cases_by_team.values()),
                len(view.overdue),
                len(view.overdue_cases),
                link_to(view),
                link_to(report) if readers.may_read_all(member) else None,
                report.as_of,
            )
        )
    return sorted(summaries, key=lambda s: s.recipient.staff_id)


def compose_weekly(
    report: ComplianceReport,
    cut: list[ComplianceReport],
    link_to: Callable[[ComplianceReport], str],
    settings: DeliverySettings,
    readers: Readers,
) -> list[Outgoing]:
    """One email (or outbox file) per manager: never a Teams channel, which a whole team reads."""
    channel, _ = settings.channel_for(None)
    bands = report.policy.compliance
    messages = []
    for summary in weekly_summaries(report, cut, link_to, readers):
        recipient = summary.recipient.staff_id
        values = {"summary": summary, "bands": bands, "first_name": summary.recipient.name.split()[0]}
        subject = f"Supervision compliance, week of {summary.as_of:%-d %B %Y}: {summary.figures.scope.name}"
        messages.append(
            Outgoing(
                key=message_key(summary.as_of, recipient, channel, [("weekly-summary", "summary")]),
                recipient_id=recipient,
                channel=channel,
                address=summary.recipient.email,
                subject=subject,
                text=environment().get_template("weekly.txt").render(**values),
                html=environment().get_template("weekly.html").render(**values),
            )
        )
    return messages
