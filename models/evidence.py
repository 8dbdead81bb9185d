"""What an evidence pack reads of the nights already run: the escalations the messages carried
and the findings each night raised (`models.compliance.escalations` makes the log of them)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, func, select

from models.compliance.escalations import Escalation, Sent, escalation_log
from models.compliance.report import ComplianceReport
from models.policy.findings import Stage
from models.tables import FindingRow, MessageRow, NightRow


def escalations_sent(engine: Engine, since: date, until: date) -> list[Sent]:
    """Each escalation a message sent on a night in [since, until] told its recipient of."""
    query = select(MessageRow.as_of, MessageRow.recipient_id, MessageRow.notices).where(
        MessageRow.status == "sent",
        MessageRow.as_of >= since,
        MessageRow.as_of <= until,
        MessageRow.notices.contains(f"\t{Stage.ESCALATE.value}"),
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        Sent(key, recipient, night)
        for night, recipient, notices in rows
        for key, _, stage in (line.partition("\t") for line in notices.splitlines())
        if stage == Stage.ESCALATE.value
    ]


def nights_kept(engine: Engine, since: date, until: date) -> dict[date, frozenset[str]]:
    """Each night in [since, until] whose findings are still kept, with the keys of the findings
    it raised. A night recorded as run that raised none counts too, unless it is older than the
    oldest finding kept (its findings may have been pruned, not absent)."""
    with engine.connect() as connection:
        oldest = connection.execute(select(func.min(FindingRow.as_of))).scalar()
        found = connection.execute(
            select(FindingRow.as_of, FindingRow.finding_key).where(
                FindingRow.as_of >= since, FindingRow.as_of <= until
            )
        ).all()
        ran = connection.execute(
            select(NightRow.as_of).where(
                NightRow.as_of >= max(since, oldest or until), NightRow.as_of <= until
            )
        ).scalars()
        standing: dict[date, set[str]] = {night: set() for night in ran}
    for night, key in found:
        standing.setdefault(night, set()).add(key)
    return {night: frozenset(keys) for night, keys in standing.items()}


def escalations_of(engine: Engine, report: ComplianceReport) -> list[Escalation]:
    """The escalation log over the report's period (`--since`, else twelve months), for the
    people of its scope (a case never allocated counts for the whole service only)."""
    start = report.since or report.as_of - relativedelta(months=12)
    assert report.measures is not None
    log = escalation_log(
        escalations_sent(engine, start, report.as_of),
        nights_kept(engine, start, report.as_of),
        report.measures.ctx.calendar,
    )
    scope = report.service.scope
    return log if scope.kind == "service" else [e for e in log if e.staff_id in scope.staff_ids]
