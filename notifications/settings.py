"""Where reminders go, read once per run: the one documented place for channels.

Each setting is looked up for the council being run (`models.councils`: `OVERSIGHT_<COUNCIL>_X`,
its Secret block, then the installation-wide `OVERSIGHT_X`):

| variable | meaning |
|---|---|
| `OVERSIGHT_EMAIL_URL` | an Apprise mail URL of the council's relay, without `to=`: `mailtos://user:pass@relay:587?from=oversight@council.gov.uk` |
| `OVERSIGHT_APPRISE_CONFIG` | an Apprise config file whose tags name Teams Workflows URLs; `staff.csv`'s `teams` column names a tag |
| `OVERSIGHT_TEAMS_MANAGERS` | the tag (in that file) or URL of the managers' channel, where escalations are also posted |
| `OVERSIGHT_OUTBOX` | the folder messages are written to when no channel is configured (default: the council's own folder's `outbox`, `models.home`) |
| `OVERSIGHT_DELIVERY_WORKERS` | how many messages are sent at once (default 4) |
| `OVERSIGHT_RETRIES`, `OVERSIGHT_RETRY_BACKOFF` | attempts per message (default 3) and the first wait in seconds (default 2, doubling) |
| `OVERSIGHT_SEND_DEADLINE` | seconds one attempt at one message may take, connecting included (default 30) |
| `OVERSIGHT_LONGEST_WAIT` | the longest wait between attempts, a `Retry-After` included, before a message is left for the next run (default 60) |
| `OVERSIGHT_RUN_DEADLINE` | seconds delivery may run before it leaves the rest for the next run (default 1800) |
| `OVERSIGHT_DATABASE_WAIT` | seconds a locked or unreachable database is waited for during delivery (default 60) |
| `OVERSIGHT_GIVE_UP_AFTER_NIGHTS` | a recipient whose messages fail this many nights running is given up and reported (default 3) |
| `OVERSIGHT_OPERATORS` | who is told when a night fails: email addresses and configured Teams tags, comma-separated |

Secrets live in these variables or in the config file they point to, never in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.councils import CouncilLookup
from models.home import council_home


@dataclass(frozen=True)
class DeliverySettings:
    email_url: str | None = None
    apprise_config: str | None = None
    teams_tags: frozenset[str] = frozenset()
    managers_channel: str | None = None
    outbox: Path = Path("outbox")  # as configured: `from_lookup` gives the council's own folder
    workers: int = 4
    retries: int = 3
    backoff_seconds: float = 2.0
    operators: tuple[str, ...] = ()
    send_deadline_seconds: float = 30.0
    run_deadline_seconds: float = 1800.0
    database_wait_seconds: float = 60.0
    give_up_after_nights: int = 3
    longest_wait_seconds: float = 60.0

    @property
    def lease_seconds(self) -> float:
        """How long a claim on a message holds: longer than any one send can take, with its
        retries and their waits, so a live run's claim never lapses under it."""
        return self.retries * self.send_deadline_seconds + (self.retries - 1) * self.longest_wait_seconds + 10

    @classmethod
    def from_lookup(cls, settings: CouncilLookup) -> DeliverySettings:
        config = settings.get("APPRISE_CONFIG")
        return cls(
            email_url=settings.get("EMAIL_URL"),
            apprise_config=config,
            teams_tags=_tags_in(config),
            managers_channel=settings.get("TEAMS_MANAGERS"),
            outbox=Path(
                settings.own_folder("OUTBOX") or council_home(settings.council, settings.environ) / "outbox"
            ),
            workers=int(settings.get("DELIVERY_WORKERS") or 4),
            retries=int(settings.get("RETRIES") or 3),
            backoff_seconds=float(settings.get("RETRY_BACKOFF") or 2.0),
            send_deadline_seconds=float(settings.get("SEND_DEADLINE") or 30),
            run_deadline_seconds=float(settings.get("RUN_DEADLINE") or 1800),
            database_wait_seconds=float(settings.get("DATABASE_WAIT") or 60),
            give_up_after_nights=int(settings.get("GIVE_UP_AFTER_NIGHTS") or 3),
            longest_wait_seconds=float(settings.get("LONGEST_WAIT") or 60),
            operators=tuple(
                part.strip() for part in (settings.get("OPERATORS") or "").split(",") if part.strip()
            ),
        )

    def channel_for(self, teams: str | None) -> tuple[str, str | None]:
        """A person's channel from their `teams` column: Teams when it names a tag the operator
        configured, else email when a relay is configured, else the outbox folder. A value that
        is not a configured tag (an address stored before import checked it) is never used:
        the data does not choose where a message goes."""
        if teams and teams in self.teams_tags:
            return "teams", teams
        if self.email_url:
            return "email", None
        return "outbox", None


def _tags_in(config: str | None) -> frozenset[str]:
    """The tags an Apprise config file defines (its Teams channels)."""
    if not config:
        return frozenset()
    import apprise

    loaded = apprise.AppriseConfig()
    loaded.add(config)
    return frozenset(tag for server in loaded.servers() for tag in server.tags)
