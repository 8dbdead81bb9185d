"""How long Oversight keeps its own nightly history, and pruning it.

Audit needs to show what was sent to whom and when, for years; it does not need every night's
findings, nor the bodies of messages (which name people and their overdue work) once they have
been delivered. So, by default:

| table | kept | then |
|---|---|---|
| `findings` | 90 days | deleted (any day's findings can be computed again from the data) |
| `messages` bodies | 30 days after the night, once sent or given up | emptied; recipient, channel, subject, status and times stay |
| `messages` | 6 years (2,192 days) | deleted |
| `notices` | 90 days since last told | deleted (a standing finding is told again every few days, so is never this old) |

Each period is a setting (`OVERSIGHT_KEEP_FINDINGS_DAYS`, `OVERSIGHT_KEEP_MESSAGE_BODIES_DAYS`,
`OVERSIGHT_KEEP_MESSAGES_DAYS`), per council like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, delete, update

from models.councils import CouncilLookup
from models.tables import FindingRow, MessageRow, NoticeRow

SETTLED = ("sent", "given_up")  # a message in any other state may still be sent


@dataclass(frozen=True)
class Retention:
    findings_days: int = 90
    message_bodies_days: int = 30
    messages_days: int = 2192
    notices_days: int = 90

    @classmethod
    def from_lookup(cls, settings: CouncilLookup) -> Retention:
        def days(name: str, default: int) -> int:
            return int(settings.get(name) or default)

        return cls(
            findings_days=days("KEEP_FINDINGS_DAYS", cls.findings_days),
            message_bodies_days=days("KEEP_MESSAGE_BODIES_DAYS", cls.message_bodies_days),
            messages_days=days("KEEP_MESSAGES_DAYS", cls.messages_days),
        )


def prune(engine: Engine, as_of: date, retention: Retention) -> dict[str, int]:
    """Apply `retention` as of `as_of` in one transaction; returns the rows touched per action."""

    def before(days: int) -> date:
        return as_of - timedelta(days=days)

    with engine.begin() as connection:
        counts = {
            "findings deleted": connection.execute(
                delete(FindingRow).where(FindingRow.as_of < before(retention.findings_days))
            ).rowcount,
            "messages deleted": connection.execute(
                delete(MessageRow).where(
                    MessageRow.as_of < before(retention.messages_days), MessageRow.status.in_(SETTLED)
                )
            ).rowcount,
            "message bodies emptied": connection.execute(
                update(MessageRow)
                .where(
                    MessageRow.as_of < before(retention.message_bodies_days),
                    MessageRow.status.in_(SETTLED),
                    MessageRow.body_text != "",
                )
                .values(body_text="", body_html="")
            ).rowcount,
            "notices deleted": connection.execute(
                delete(NoticeRow).where(NoticeRow.last_sent_on < before(retention.notices_days))
            ).rowcount,
        }
    return counts
