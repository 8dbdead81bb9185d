"""Which channel takes each message: the outbox folder, email (Microsoft Graph or the council's
relay), or Teams."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from models.messages import Outgoing
from notifications.channels import Channel, OutboxFolder
from notifications.graph import GraphChannel
from notifications.pace import shortfall
from notifications.settings import DeliverySettings
from notifications.smtp import SmtpChannel
from notifications.teams import TeamsChannel


class Router:
    """Sends each message on the channel it was composed for. Used as a context manager, so the
    connections it keeps to the mail service and to Teams are closed when the run's delivery ends."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.outbox = OutboxFolder(settings.outbox)
        self.email: GraphChannel | SmtpChannel = (
            GraphChannel(settings, settings.graph) if settings.graph else SmtpChannel(settings)
        )
        self.teams = TeamsChannel(settings)

    def send(self, message: Outgoing) -> str:
        channel: Channel = {"outbox": self.outbox, "email": self.email, "teams": self.teams}[message.channel]
        return channel.send(message)

    def shortfall(self, emails: int, now: datetime, send_by: datetime) -> str | None:
        """Whether `emails` messages can all go by `send_by` and within the sender's quota, at the
        pace its mail service takes (other councils' turns included); None when they can."""
        pace = self.email.pace
        if not pace:
            return None
        used, free_at = pace.used()
        free = max(now, datetime.fromtimestamp(free_at, now.tzinfo))
        return shortfall(emails, pace.limits, used, free, send_by)

    def close(self) -> None:
        self.email.close()
        self.teams.close()

    def __enter__(self) -> Router:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
