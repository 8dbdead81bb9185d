"""What an evidence pack reads of the nights already run: the escalations the messages carried
and how long each item escalated stood (`models.compliance.escalations` makes the log of them)."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import Engine, select

from models.compliance.escalations import Escalation, Sent, escalation_log
from models.compliance.report import ComplianceReport
from models.policy.findings import Stage
from models.spans import spans_of
from models.tables import MessageRow


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


def escalations_of(engine: Engine, report: ComplianceReport) -> list[Escalation]:
    """The escalation log over the report's period (`--since`, else twelve months), for the
    people of its scope (a case never allocated counts for the whole service only)."""
    start = report.since or report.as_of - relativedelta(months=12)
    assert report.measures is not None
    sent = escalations_sent(engine, start, report.as_of)
    log = escalation_log(sent, spans_of(engine, (s.finding_key for s in sent)), report.measures.ctx.calendar)
    scope = report.service.scope
    return log if scope.kind == "service" else [e for e in log if e.staff_id in scope.staff_ids]
