"""The weekly summary: on the first working day of each week, every head of service, service
manager, assistant director and team manager in post gets their own figures from the night's
compliance report, with a link to the whole report.

A summary is one message through the outbox like any digest, under a key fixed by the night and
the recipient, so a rerun never sends it twice. It carries counts and shares only: no child, no
record's content, no reason for anyone's absence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from models.compliance.report import ComplianceReport, ScopeFigures
from models.compliance.scopes import LINE_ROLES
from models.compliance.shares import Share
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
    """One manager's figures: their line (or their team), as the report computed them."""

    recipient: StaffMember
    figures: ScopeFigures
    last_month_end: Share
    cases: Share
    overdue: int
    overdue_cases: int
    report_link: str
    as_of: date


def is_first_working_day_of_week(day: date, calendar: WorkingCalendar) -> bool:
    """Monday, or Tuesday after a bank holiday Monday, and so on."""
    monday = day - timedelta(days=day.weekday())
    earlier = (monday + timedelta(days=n) for n in range(day.weekday()))
    return calendar.is_working_day(day) and not any(calendar.is_working_day(d) for d in earlier)


def weekly_summaries(report: ComplianceReport, report_link: str) -> list[Summary]:
    """A summary for each manager in post, and not away, whose line or team the report has
    figures for."""
    lines = {f.scope.owner_id: f for f in report.scopes if f.scope.kind == "line"}
    teams = {f.scope.name: f for f in report.scopes if f.scope.kind == "team"}
    summaries = []
    away = away_on(report.absences, report.as_of)  # nobody is chased while away
    for member in report.staff_by_id.values():
        if member.role not in SUMMARY_ROLES or not member.is_active(report.as_of) or member.staff_id in away:
            continue
        figures = lines.get(member.staff_id) or (
            teams.get(member.team) if member.role is Role.TEAM_MANAGER else None
        )
        if figures is None:
            continue
        people = figures.scope.staff_ids
        summaries.append(
            Summary(
                member,
                figures,
                figures.trend[-1],
                Share.total(
                    report.cases_by_team.get(team, Share(0, 0))
                    for team in figures.scope.teams or (member.team,)
                ),
                sum(o.finding.staff_id in people for o in report.overdue),
                sum(
                    c.worker.staff_id in people if c.worker else c.team in figures.scope.teams
                    for c in report.overdue_cases
                ),
                report_link,
                report.as_of,
            )
        )
    return sorted(summaries, key=lambda s: s.recipient.staff_id)


def compose_weekly(report: ComplianceReport, report_link: str, settings: DeliverySettings) -> list[Outgoing]:
    """One email (or outbox file) per manager: never a Teams channel, which a whole team reads."""
    channel, _ = settings.channel_for(None)
    bands = report.policy.compliance
    messages = []
    for summary in weekly_summaries(report, report_link):
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
