"""Housekeeping keeps what audit needs (who was sent what, and when) and prunes the rest."""

from datetime import date, timedelta

from sqlalchemy import select, update

from models.messages import Outgoing, store
from models.policy.findings import Finding, Kind, Stage
from models.retention import Retention, prune
from models.store import save_findings
from models.tables import FindingRow, MessageRow, NoticeRow
from notifications.settings import DeliverySettings
from notifications.tonight import message_key
from tests.faults import deliver

TODAY = date(2026, 11, 24)
RETENTION = Retention(findings_days=90, message_bodies_days=30, messages_days=365, notices_days=90)
RECENT, LAST_MONTH, LAST_YEAR = (TODAY - timedelta(days=n) for n in (10, 40, 400))


def _night(engine, folder, day: date, status: str) -> None:
    """A night's findings and one message, delivered to the outbox folder when `status` is sent."""
    finding = Finding(Kind.RECORD_UNSIGNED, "S1", day, Stage.CHASE, "record not signed", "rule")
    save_findings(engine, day, "default", [finding])
    notices = ((f"k{day}", "chase"),)
    message = Outgoing(
        message_key(day, "S1", "outbox", notices),
        "S1",
        "outbox",
        "s1@council.example",
        "Please sign",
        "body",
        "<p>body</p>",
        notices,
    )
    store(engine, day, [message])
    if status == "sent":
        delivery = DeliverySettings(outbox=folder)
        assert deliver(engine, delivery, day).sent
    else:
        with engine.begin() as connection:
            connection.execute(update(MessageRow).where(MessageRow.as_of == day).values(status=status))


def test_old_findings_bodies_and_messages_go_and_the_audit_trail_stays(engine, tmp_path):
    _night(engine, tmp_path, RECENT, "sent")
    _night(engine, tmp_path, LAST_MONTH, "sent")
    _night(engine, tmp_path, LAST_YEAR, "sent")

    counts = prune(engine, TODAY, RETENTION)

    with engine.connect() as connection:
        messages = {row.as_of: row for row in connection.execute(select(MessageRow))}
        finding_days = set(connection.scalars(select(FindingRow.as_of)))
        notice_days = set(connection.scalars(select(NoticeRow.last_sent_on)))
    assert counts == {
        "findings deleted": 1,
        "messages deleted": 1,
        "message bodies emptied": 1,
        "finding spans deleted": 0,  # RECENT's item stands; the older nights ran after it
        "notices deleted": 1,
    }
    assert finding_days == notice_days == {RECENT, LAST_MONTH}
    assert (messages[RECENT].body_text, messages[LAST_MONTH].body_text) == ("body", "")
    kept = messages[LAST_MONTH]
    assert (kept.recipient_id, kept.address, kept.subject, kept.status) == (
        "S1",
        "s1@council.example",
        "Please sign",
        "sent",
    )


def test_a_message_still_waiting_to_be_sent_keeps_its_body(engine, tmp_path):
    _night(engine, tmp_path, LAST_MONTH, "failed")
    assert prune(engine, TODAY, RETENTION)["message bodies emptied"] == 0
    with engine.connect() as connection:
        assert connection.scalar(select(MessageRow.body_text)) == "body"


def test_pruning_twice_changes_nothing_more(engine, tmp_path):
    _night(engine, tmp_path, LAST_YEAR, "sent")
    prune(engine, TODAY, RETENTION)
    assert set(prune(engine, TODAY, RETENTION).values()) == {0}
