"""How long Oversight keeps its own nightly history, and pruning it.

Audit needs to show what was sent to whom and when, for years; it does not need every night's
findings, nor the bodies of messages (which name people and their overdue work) once they have
been delivered. So, by default:

| table | kept | then |
|---|---|---|
| `findings` | 90 days | deleted (any day's findings can be computed again from the data) |
| `finding_spans` | as long as `messages`, from the night the item was resolved | deleted (how long each item stood, for the evidence pack's escalation log) |
| `messages` bodies | 30 days after the night, once sent or given up | emptied; recipient, channel, subject, status and times stay |
| `messages` | 6 years (2,192 days) | deleted |
| `notices` | 90 days since last told | deleted (a standing finding is told again every few days, so is never this old) |

Each period is a setting (`OVERSIGHT_KEEP_FINDINGS_DAYS`, `OVERSIGHT_KEEP_MESSAGE_BODIES_DAYS`,
`OVERSIGHT_KEEP_MESSAGES_DAYS`), per council like every other.

A council's policy may also say how long a leaver's records are kept (`retention`: havering §9,
three years after they left, then destroyed). `erase_leavers` destroys Oversight's own copy:
every row of every input that is theirs (the input's `owner`), their findings, the messages to
them and what they were told, and remembers their id so a later import skips their rows.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, delete, insert, select, update

from models.councils import CouncilLookup
from models.db import batches
from models.policy.facts import INPUTS
from models.policy.findings import Finding
from models.policy.policy import Retention as LeaversRetention
from models.tables import INPUT_TABLES, ErasedStaffRow, FindingRow, FindingSpanRow, MessageRow, NoticeRow

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
            "finding spans deleted": connection.execute(
                delete(FindingSpanRow).where(FindingSpanRow.resolved_on < before(retention.messages_days))
            ).rowcount,
            "notices deleted": connection.execute(
                delete(NoticeRow).where(NoticeRow.last_sent_on < before(retention.notices_days))
            ).rowcount,
        }
    return counts


def erase_leavers(engine: Engine, as_of: date, rule: LeaversRetention | None) -> dict[str, int]:
    """Destroy, in one transaction, everything Oversight holds of staff who left longer ago than
    the policy keeps their records (an end date exactly that long ago is kept one more day);
    returns the rows removed per table, the staff rows included. No rule, nothing removed."""
    if rule is None:
        return {}
    staff = INPUT_TABLES["staff"]
    with engine.begin() as connection:
        leavers = {
            staff_id: left_on
            for staff_id, left_on in connection.execute(
                select(staff.c.staff_id, staff.c.end_date).where(staff.c.end_date.is_not(None))
            )
            if rule.leavers_kept_for.after(left_on) < as_of
        }
        if not leavers:
            return {}
        ids = sorted(leavers)
        removed: dict[str, int] = {}
        for table in reversed(INPUTS):  # rows that refer to staff go before the staff rows
            if table.owner:
                column = INPUT_TABLES[table.name].c[table.owner]
                removed[table.name] = sum(
                    connection.execute(delete(INPUT_TABLES[table.name]).where(column.in_(batch))).rowcount
                    for batch in batches(ids, 1000)
                )
        for name, row, column in (
            ("findings", FindingRow, FindingRow.staff_id),
            ("finding_spans", FindingSpanRow, FindingSpanRow.staff_id),
            ("messages", MessageRow, MessageRow.recipient_id),
            ("notices", NoticeRow, NoticeRow.recipient_id),
        ):
            removed[name] = sum(
                connection.execute(delete(row).where(column.in_(batch))).rowcount
                for batch in batches(ids, 1000)
            )
        # what others were told about them: a notice's key names the finding's person second
        about = [
            key
            for key in connection.scalars(select(NoticeRow.finding_key).distinct())
            if Finding.parts_of(key)[1] in leavers
        ]
        removed["notices"] += sum(
            connection.execute(delete(NoticeRow).where(NoticeRow.finding_key.in_(batch))).rowcount
            for batch in batches(about, 1000)
        )
        connection.execute(
            insert(ErasedStaffRow),
            [{"staff_id": staff_id, "left_on": leavers[staff_id], "erased_on": as_of} for staff_id in ids],
        )
    if engine.dialect.name == "postgresql":
        _vacuum(engine, [name for name, count in removed.items() if count])
    return {name: count for name, count in removed.items() if count}


def _vacuum(engine: Engine, tables: list[str]) -> None:
    """PostgreSQL keeps a deleted row in its table until a vacuum: run one on the tables the
    erase touched, at once, rather than whenever autovacuum comes round (outside a transaction,
    as VACUUM must be)."""
    if not tables:
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM " + ", ".join(sorted(tables)))


DATED = re.compile(r"(\d{4}-\d{2}-\d{2})")


def prune_files(folders: list[Path], as_of: date, rule: LeaversRetention | None) -> int:
    """Delete the reports, evidence packs and outbox files of nights further back than the policy
    keeps a leaver's records: they name people, and a leaver's name must go with their rows.
    Files are known by the night in their name (`compliance-2026-11-24.html`,
    `2026-11-24_S1_outbox_....eml`); anything else is left alone. Returns how many went."""
    if rule is None:
        return 0
    removed = 0
    for folder in folders:
        if not folder.is_dir() or folder.is_symlink():
            continue
        for path in folder.iterdir():
            night = DATED.search(path.name)
            if night is None:
                continue
            try:
                day = date.fromisoformat(night.group(1))
            except ValueError:
                continue
            if rule.leavers_kept_for.after(day) >= as_of:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
    return removed
