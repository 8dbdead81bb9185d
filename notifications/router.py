"""Which channel takes each message: the outbox folder, the council's relay, or Teams."""

from __future__ import annotations

from types import TracebackType

from models.messages import Outgoing
from notifications.channels import OutboxFolder
from notifications.settings import DeliverySettings
from notifications.smtp import SmtpChannel
from notifications.teams import TeamsChannel


class Router:
    """Sends each message on the channel it was composed for. Used as a context manager, so the
    connections it keeps to the relay and to Teams are closed when the run's delivery ends."""

    def __init__(self, settings: DeliverySettings) -> None:
        self.outbox = OutboxFolder(settings.outbox)
        self.email = SmtpChannel(settings)
        self.teams = TeamsChannel(settings)

    def send(self, message: Outgoing) -> str:
        channel = {"outbox": self.outbox, "email": self.email, "teams": self.teams}[message.channel]
        return channel.send(message)

    def close(self) -> None:
        self.email.close()
        self.teams.close()

    def __enter__(self) -> Router:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
