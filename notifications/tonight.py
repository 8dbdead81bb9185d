"""Deciding tonight's reminders: pure, plain data in and messages out, no database and no clock.

The working-day gate, the reminder cadence, grouping into one digest per person, the choice of
channel and the rendering, in one function (`decide`) that a test can call with a table of
findings and a notice history. Gathering what it needs (`models.messages.notice_history`) and
applying what it decides (store, then deliver) are the flow's other steps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from models.messages import Outgoing
from models.policy.calendar import WorkingCalendar
from models.policy.facts import StaffMember
from models.policy.findings import Finding, Recipient, Stage
from notifications.cadence import NoticeKey, due_notices
from notifications.digest import Digest, build_digests
from notifications.render import render, render_escalations, render_teams
from notifications.settings import DeliverySettings


@dataclass(frozen=True)
class Tonight:
    working_day: bool
    messages: list[Outgoing]


def decide(
    findings: list[Finding],
    staff_by_id: dict[str, StaffMember],
    calendar: WorkingCalendar,
    told: Mapping[NoticeKey, date],
    as_of: date,
    remind_every_working_days: int,
    settings: DeliverySettings,
    away: frozenset[str] = frozenset(),
) -> Tonight:
    """One digest per recipient of what they are due to be told tonight and have not been told
    (first notices, reminders at the policy's cadence, new stages), on the channel configuration
    gives them; nothing on a day that is not a working day, and nothing to anyone `away`: what
    is theirs is told when they are back, since it was never sent."""
    if not calendar.is_working_day(as_of):
        return Tonight(False, [])
    notices = due_notices(findings, told, as_of, calendar, remind_every_working_days)
    return Tonight(True, compose(notices, staff_by_id, as_of, settings, away))


def compose(
    notices: list[tuple[Finding, Recipient]],
    staff_by_id: dict[str, StaffMember],
    as_of: date,
    settings: DeliverySettings,
    away: frozenset[str] = frozenset(),
) -> list[Outgoing]:
    """One digest per recipient on their channel, and the night's escalations for the managers'
    Teams channel when one is configured."""
    messages = []
    digests = build_digests(notices, staff_by_id, as_of, away)
    for digest in digests:
        channel, teams = settings.channel_for(digest.recipient.teams)
        if channel == "teams":
            for post in render_teams(digest):
                messages.append(
                    _outgoing(
                        post.digest, as_of, channel, teams or "", post.subject, post.text, "", post.piece
                    )
                )
        else:
            rendered = render(digest)
            address = digest.recipient.email
            messages.append(
                _outgoing(digest, as_of, channel, address, rendered.subject, rendered.text, rendered.html)
            )
    escalated = [digest for digest in digests if digest.escalations]
    if escalated and settings.managers_channel:
        text = render_escalations(escalated, as_of)
        messages.append(
            Outgoing(
                key=message_key(as_of, "managers", "teams", ((text, ""),)),
                recipient_id="managers",
                channel="teams",
                address=settings.managers_channel,
                subject=f"Escalated supervision items ({as_of})",
                text=text,
                html="",
            )
        )
    return messages


def _outgoing(
    digest: Digest,
    as_of: date,
    channel: str,
    address: str,
    subject: str,
    text: str,
    html: str,
    piece: int = 0,
) -> Outgoing:
    """A message telling the digest's recipient of its items, keyed by what it tells (and, for
    one piece of an item split across posts, which piece)."""
    told = tuple(
        sorted({(item.finding.key, item.finding.stage.value) for s in digest.sections for item in s.items})
    )
    recipient = digest.recipient.staff_id
    key = message_key(as_of, recipient, channel, told)
    return Outgoing(
        key=f"{key}/{piece}" if piece else key,
        recipient_id=recipient,
        channel=channel,
        address=address,
        subject=subject,
        text=text,
        html=html,
        notices=told,
    )


def message_key(as_of: date, recipient: str, channel: str, told: Iterable[tuple[str, str]]) -> str:
    """Night, recipient, channel, and a digest of what the message tells: the same digest twice
    is one message; a second digest the same night (something new was found) is another."""
    what = hashlib.sha256("\n".join(f"{key}\t{stage}" for key, stage in told).encode()).hexdigest()[:12]
    return f"{as_of}/{recipient}/{channel}/{what}"


URGENCY = {Stage.ESCALATE.value: 0, Stage.CHASE.value: 1, Stage.UPCOMING.value: 2}  # then summaries


def most_urgent_first(messages: Iterable[Outgoing]) -> list[Outgoing]:
    """The night's messages in the order they should go when not all can go at once (a mail
    service's pace or quota): escalations, then chases, then what is coming up, then the weekly
    summaries; each message ranked by the most urgent item it carries, ties kept in order."""
    return sorted(
        messages,
        key=lambda m: min((URGENCY.get(stage, len(URGENCY)) for _, stage in m.notices), default=len(URGENCY)),
    )
