"""How long each item stood: a span for each time a finding was raised, from the first night
that raised it to the first night after that no longer did.

The nights' findings go after 90 days (`OVERSIGHT_KEEP_FINDINGS_DAYS`), but an evidence pack
covers twelve months or more, and an inspector asks of every escalation whether the item was
then resolved, and how fast. A span a row answers that, kept as long as the messages that
carried the escalations (`OVERSIGHT_KEEP_MESSAGES_DAYS`).

Nights are followed forward: each night closes the spans of the items it no longer raises and
opens one for each item it newly raises, in the transaction that keeps its findings. A rerun of
the latest night first undoes what its first run did. A night run for an earlier day than the
latest one followed (history run again) leaves the spans alone: the nights after it are already
in them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from models.compliance.escalations import Span
from models.db import batches
from models.policy.findings import Finding
from models.tables import FindingSpanRow


def follow_night(connection: Connection, as_of: date, findings: Sequence[Finding]) -> None:
    """Close the spans of items `as_of` no longer raises and open one for each it newly raises."""
    last_raised, last_resolved = connection.execute(
        select(func.max(FindingSpanRow.raised_on), func.max(FindingSpanRow.resolved_on))
    ).one()
    latest = max(filter(None, (last_raised, last_resolved)), default=None)  # the latest night followed
    if latest is not None and as_of < latest:
        return
    if latest == as_of:  # the night run again: undo its first run
        connection.execute(delete(FindingSpanRow).where(FindingSpanRow.raised_on == as_of))
        connection.execute(
            update(FindingSpanRow).where(FindingSpanRow.resolved_on == as_of).values(resolved_on=None)
        )
    standing = dict(
        connection.execute(
            select(FindingSpanRow.finding_key, FindingSpanRow.id).where(FindingSpanRow.resolved_on.is_(None))
        ).all()
    )
    raised = {finding.key: finding.staff_id for finding in findings}
    gone = [span for key, span in standing.items() if key not in raised]
    for batch in batches(gone, 1000):
        connection.execute(
            update(FindingSpanRow).where(FindingSpanRow.id.in_(batch)).values(resolved_on=as_of)
        )
    new = [
        {"finding_key": key, "staff_id": staff_id, "raised_on": as_of, "resolved_on": None}
        for key, staff_id in raised.items()
        if key not in standing
    ]
    for batch in batches(new):
        connection.execute(insert(FindingSpanRow), batch)


def spans_of(engine: Engine, keys: Iterable[str]) -> dict[str, list[Span]]:
    """The spans of each of `keys`, oldest first."""
    spans: dict[str, list[Span]] = defaultdict(list)
    with engine.connect() as connection:
        for batch in batches(sorted(set(keys)), 1000):
            for key, raised_on, resolved_on in connection.execute(
                select(FindingSpanRow.finding_key, FindingSpanRow.raised_on, FindingSpanRow.resolved_on)
                .where(FindingSpanRow.finding_key.in_(batch))
                .order_by(FindingSpanRow.raised_on)
            ):
                spans[key].append((raised_on, resolved_on))
    return dict(spans)
