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
| `OVERSIGHT_GRAPH_TENANT_ID`, `OVERSIGHT_GRAPH_CLIENT_ID`, `OVERSIGHT_GRAPH_CLIENT_SECRET`, `OVERSIGHT_GRAPH_SENDER` | email through Microsoft Graph `sendMail` as the app registration (client credentials), sent as the `SENDER` mailbox; all four, or none. Set, they take email instead of the relay |
| `OVERSIGHT_GRAPH_LOGIN_URL`, `OVERSIGHT_GRAPH_API_URL` | Microsoft Entra's and Graph's addresses (default `https://login.microsoftonline.com`, `https://graph.microsoft.com`): set for a national cloud |
| `OVERSIGHT_SEND_RATE` | email messages a minute per sender, shared by every sending thread and every council on the machine (default 30 for Graph and for `smtp.office365.com`, else none; 0 for none) |
| `OVERSIGHT_DAILY_LIMIT` | email recipients per sender in any 24 hours (default 10,000 for Graph and `smtp.office365.com`, else none; 0 for none) |
| `OVERSIGHT_SEND_BY` | the London time by which the morning's email should be out (default 09:00): a night that cannot make it at the send rate says so |

Secrets live in these variables or in the config file they point to, never in the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from urllib.parse import urlsplit

from models.councils import CouncilLookup, CouncilSettingsError
from models.home import council_home, data_home

EXCHANGE_ONLINE_RATE = 30  # messages a minute per mailbox (Exchange Online's sending limits)
EXCHANGE_ONLINE_DAILY = 10_000  # recipients a day per mailbox
EXCHANGE_ONLINE_RELAY = "smtp.office365.com"
GRAPH_SETTINGS = ("TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "SENDER")


@dataclass(frozen=True)
class GraphAccount:
    """The Entra app registration Oversight sends as, and the mailbox it sends from. The secret
    is never shown, logged, stored or passed as a Prefect parameter: it is read when the run
    starts, from the environment or a Secret block."""

    tenant_id: str
    client_id: str
    client_secret: str = field(repr=False)
    sender: str
    login_url: str = "https://login.microsoftonline.com"
    api_url: str = "https://graph.microsoft.com"

    @classmethod
    def from_lookup(cls, settings: CouncilLookup) -> GraphAccount | None:
        values = {name: settings.get(f"GRAPH_{name}") for name in GRAPH_SETTINGS}
        if not any(values.values()):
            return None
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise CouncilSettingsError(
                f"{settings.label} has part of the Microsoft Graph settings: set "
                + ", ".join(settings.environment_names(f"GRAPH_{name}")[0] for name in missing)
                + " too (all four of TENANT_ID, CLIENT_ID, CLIENT_SECRET and SENDER, or none)"
            )
        return cls(
            *(str(values[name]) for name in GRAPH_SETTINGS),
            login_url=settings.get("GRAPH_LOGIN_URL") or cls.login_url,
            api_url=settings.get("GRAPH_API_URL") or cls.api_url,
        )


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
    graph: GraphAccount | None = None
    send_rate: float | None = None  # email messages a minute per sender
    daily_limit: int | None = None  # email recipients per sender in any 24 hours
    send_by: time = time(9, 0)  # London time
    senders_folder: Path = Path("senders")  # the pace files every council on the machine shares

    @property
    def lease_seconds(self) -> float:
        """How long a claim on a message holds: longer than any one send can take, with its
        retries and their waits, so a live run's claim never lapses under it."""
        return self.retries * self.send_deadline_seconds + (self.retries - 1) * self.longest_wait_seconds + 10

    @property
    def emails(self) -> bool:
        """Whether email goes out (through Graph or a relay), rather than to the outbox folder."""
        return bool(self.graph or self.email_url)

    @classmethod
    def from_lookup(cls, settings: CouncilLookup) -> DeliverySettings:
        config = settings.get("APPRISE_CONFIG")
        email_url = settings.get("EMAIL_URL")
        graph = GraphAccount.from_lookup(settings)
        exchange = graph is not None or _relay_host(email_url) == EXCHANGE_ONLINE_RELAY
        return cls(
            graph=graph,
            send_rate=_limit(settings, "SEND_RATE", EXCHANGE_ONLINE_RATE if exchange else None),
            daily_limit=_count(_limit(settings, "DAILY_LIMIT", EXCHANGE_ONLINE_DAILY if exchange else None)),
            send_by=_time_of_day(settings, "SEND_BY") or time(9, 0),
            senders_folder=data_home(settings.environ) / "senders",
            email_url=email_url,
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
        if self.emails:
            return "email", None
        return "outbox", None


def _relay_host(email_url: str | None) -> str | None:
    """The relay's host in an Apprise mail URL (`mailtos://user:pass@host:587?...`)."""
    return urlsplit(email_url).hostname if email_url else None


def _limit(settings: CouncilLookup, setting: str, default: float | None) -> float | None:
    """A rate or a count from the settings: its default when unset, none when 0."""
    value = settings.get(setting)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number < 0:
        raise CouncilSettingsError(
            f"{settings.environment_names(setting)[0]} is {value!r}: a number, 0 for no limit"
        )
    return number or None


def _count(limit: float | None) -> int | None:
    return int(limit) if limit else None


def _time_of_day(settings: CouncilLookup, setting: str) -> time | None:
    value = settings.get(setting)
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise CouncilSettingsError(
            f"{settings.environment_names(setting)[0]} is {value!r}: a time of day such as 09:00"
        ) from None


def _tags_in(config: str | None) -> frozenset[str]:
    """The tags an Apprise config file defines (its Teams channels)."""
    if not config:
        return frozenset()
    import apprise

    loaded = apprise.AppriseConfig()
    loaded.add(config)
    return frozenset(tag for server in loaded.servers() for tag in server.tags)
