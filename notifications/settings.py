"""Where reminders go, read once from the environment: the one documented place for channels.

| variable | meaning |
|---|---|
| `OVERSIGHT_EMAIL_URL` | Apprise mail URL of the council's relay, without `to=`: `mailtos://user:pass@relay:587?from=oversight@council.gov.uk` |
| `OVERSIGHT_APPRISE_CONFIG` | an Apprise config file whose tags name Teams Workflows URLs; `staff.csv`'s `teams` column names a tag |
| `OVERSIGHT_TEAMS_MANAGERS` | the tag (in that file) or URL of the managers' channel, where escalations are also posted |
| `OVERSIGHT_OUTBOX` | the folder messages are written to when no channel is configured (default `./outbox`) |
| `OVERSIGHT_DELIVERY_WORKERS` | how many messages are sent at once (default 4) |
| `OVERSIGHT_RETRIES`, `OVERSIGHT_RETRY_BACKOFF` | attempts per message (default 3) and the first wait in seconds (default 2, doubling) |

Secrets live in these variables or in the config file they point to, never in the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUTBOX = "outbox"


@dataclass(frozen=True)
class DeliverySettings:
    email_url: str | None = None
    apprise_config: str | None = None
    teams_tags: frozenset[str] = frozenset()
    managers_channel: str | None = None
    outbox: Path = Path(DEFAULT_OUTBOX)
    workers: int = 4
    retries: int = 3
    backoff_seconds: float = 2.0

    @classmethod
    def from_environment(cls, outbox: Path | None = None) -> DeliverySettings:
        config = os.environ.get("OVERSIGHT_APPRISE_CONFIG") or None
        return cls(
            email_url=os.environ.get("OVERSIGHT_EMAIL_URL") or None,
            apprise_config=config,
            teams_tags=_tags_in(config),
            managers_channel=os.environ.get("OVERSIGHT_TEAMS_MANAGERS") or None,
            outbox=outbox or Path(os.environ.get("OVERSIGHT_OUTBOX") or DEFAULT_OUTBOX),
            workers=int(os.environ.get("OVERSIGHT_DELIVERY_WORKERS") or 4),
            retries=int(os.environ.get("OVERSIGHT_RETRIES") or 3),
            backoff_seconds=float(os.environ.get("OVERSIGHT_RETRY_BACKOFF") or 2.0),
        )

    def channel_for(self, teams: str | None) -> tuple[str, str | None]:
        """A person's channel from their `teams` column: Teams when it names a configured tag or
        is a URL, else email when a relay is configured, else the outbox folder."""
        if teams and ("://" in teams or teams in self.teams_tags):
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
