"""Telling a council's operators something: a night that went wrong (`flows.alert`), or one whose
email cannot all go out by the morning (`warn_if_short`, before a night sends). Sent at once,
never stored: for an alert, the database may be the very thing that is broken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from models.messages import Outgoing, count_unsent
from notifications.channels import Channel, DeliveryFailed
from notifications.router import Router
from notifications.settings import DeliverySettings

LONDON = ZoneInfo("Europe/London")


def tell_operators(
    channel: Channel,
    delivery: DeliverySettings,
    key: str,
    subject: str,
    text: str,
    failed: Callable[[str], None],
) -> list[str]:
    """Send `text` to every operator; returns where it went, and says each failure to `failed`."""
    delivered = []
    for message in operator_messages(delivery, key, subject, text):
        try:
            delivered.append(channel.send(message))
        except (DeliveryFailed, OSError) as error:
            failed(f"to {message.address}: {error}")
    return delivered


def warn_if_short(
    engine: Engine,
    channel: Router,
    delivery: DeliverySettings,
    night: date,
    council: str,
    warn: Callable[[str], None],
    failed: Callable[[str], None],
    now: datetime | None = None,
) -> str | None:
    """Before a night sends: when its email cannot all go by `delivery.send_by` (London time,
    today) at the sender's pace, or within its quota, say so to `warn` and tell the operators at
    once; returns the warning, or None. The most urgent messages go first regardless."""
    now = now or datetime.now(LONDON)
    by = datetime.combine(now.date(), delivery.send_by, LONDON)
    warning = channel.shortfall(count_unsent(engine, night, "email"), now, by)
    if warning:
        warn(f"{council}: {warning}")
        tell_operators(
            channel,
            delivery,
            f"pace-{night}",
            f"Oversight: not all of tonight's email for {council} can go out by {delivery.send_by:%H:%M}",
            f"Tonight's reminders for {council} ({night}): {warning}.\n\nRaise the sender's limits, "
            "or give the council a sender of its own.\n",
            lambda error: failed(f"could not tell the operators {error}"),
        )
    return warning


def operator_messages(delivery: DeliverySettings, key: str, subject: str, text: str) -> list[Outgoing]:
    """One message per operator: a Teams tag the operator configured goes to Teams, an address by
    email (or to the outbox folder while no relay is configured). With no operators configured,
    the message is written to the outbox folder, so it is never dropped."""
    messages = []
    for operator in delivery.operators or ("operators",):
        if operator in delivery.teams_tags:
            channel, address = "teams", operator
        else:
            channel, address = ("email" if delivery.emails and "@" in operator else "outbox"), operator
        messages.append(
            Outgoing(
                key=f"alert-{key}-{len(messages)}",
                recipient_id="operators",
                channel=channel,
                address=address,
                subject=subject,
                text=text,
                html=f"<p>{escape(text)}</p>".replace("\n\n", "</p><p>"),
            )
        )
    return messages
