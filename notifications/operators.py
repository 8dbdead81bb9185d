"""Telling a council's operators something: a night that went wrong (`flows.alert`), or one whose
email cannot all go out by the morning (`tasks.reminders`). Sent at once, never stored: the
database may be the very thing that is broken."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from models.messages import Outgoing
from notifications.channels import Channel, DeliveryFailed
from notifications.settings import DeliverySettings


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
