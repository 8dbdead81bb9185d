"""The stored tables: the contract's inputs, derived from their declaration in
`models.policy.facts.INPUTS`, and what a nightly run remembers (findings, messages, notices)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base
from models.policy.facts import INPUTS, Column, Input

ID = String(64)


def _stored(column: Column, key: tuple[str, ...]) -> sa.Column[Any]:
    """A database column for an input's column: its type from the value it holds, nullable
    when blank means "none", a default when blank means something else (`fte`: 1)."""
    kind: Any = {
        "text": String(column.value.width),
        "date": Date(),
        "float": Float(),
        "bool": Boolean(),
        "int": Integer(),
    }[column.value.storage]
    return sa.Column(
        column.name,
        kind,
        primary_key=column.name in key,
        nullable=column.optional and column.default is None,
        default=column.default,
    )


def _input_table(table: Input) -> Table:
    return Table(
        table.name,
        Base.metadata,
        *(_stored(column, table.key) for column in table.columns),
        *(Index(f"ix_{table.name}_{name}", name) for name in table.indexed),
    )


INPUT_TABLES: dict[str, Table] = {table.name: _input_table(table) for table in INPUTS}


class ErasedStaffRow(Base):
    """Leavers whose records the retention rule destroyed: a later import skips their rows."""

    __tablename__ = "erased_staff"

    staff_id: Mapped[str] = mapped_column(ID, primary_key=True)
    left_on: Mapped[date] = mapped_column(Date)
    erased_on: Mapped[date] = mapped_column(Date)


class FindingRow(Base):
    """The findings one nightly run raised, kept so a day's state can be looked back on."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("as_of", "finding_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    policy: Mapped[str] = mapped_column(String(200))
    finding_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[str | None] = mapped_column(ID)  # none for a case with no worker
    case_id: Mapped[str | None] = mapped_column(ID)
    session_id: Mapped[str | None] = mapped_column(ID)
    due: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    working_days_overdue: Mapped[int]
    detail: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)


class FindingSpanRow(Base):
    """How long each item stood: from the first night that raised it to the first night after
    that no longer did (`resolved_on`, none while it stands). Kept as long as the messages, so an
    evidence pack says of a year-old escalation whether and when it was resolved, though the
    nights' findings themselves go after 90 days (`models.spans`)."""

    __tablename__ = "finding_spans"
    __table_args__ = (
        UniqueConstraint("finding_key", "raised_on"),
        Index("ix_finding_spans_resolved_on", "resolved_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(300))
    staff_id: Mapped[str | None] = mapped_column(ID)  # whom it is about; none for a case with no worker
    raised_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)


class NightRow(Base):
    """The policy each night ran under, resolved in full, so that a report or an evidence pack
    of that night applies the same rules, and says which: `policy` as named, `resolved` as JSON,
    `policy_sha256` of that JSON and `source_sha256` of the file it was read from."""

    __tablename__ = "nights"

    as_of: Mapped[date] = mapped_column(Date, primary_key=True)
    policy: Mapped[str] = mapped_column(String(200))
    resolved: Mapped[str] = mapped_column(Text)
    policy_sha256: Mapped[str] = mapped_column(String(64))
    source_sha256: Mapped[str] = mapped_column(String(64))


class MessageRow(Base):
    """Every message, recorded before it is sent, under a key that makes a rerun
    of the same night find it rather than send it again.

    `status` is `queued`, `sending` (claimed by the run `claimed_by` until `claimed_until`, in
    seconds since the epoch), `sent`, `failed` (tried again the same night), `superseded` (a
    later night's digest carries its items again) or `given_up`. Its `notices` are recorded as
    told only when it is sent."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_key: Mapped[str] = mapped_column(String(300), unique=True)
    as_of: Mapped[date] = mapped_column(Date)
    recipient_id: Mapped[str] = mapped_column(ID)
    channel: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[float | None]
    notices: Mapped[str] = mapped_column(Text, default="")  # "finding key\tstage" lines


class NoticeRow(Base):
    """When each person was last told of each finding at each stage: the cadence's memory."""

    __tablename__ = "notices"

    recipient_id: Mapped[str] = mapped_column(ID, primary_key=True)
    finding_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    stage: Mapped[str] = mapped_column(String(20), primary_key=True)
    first_sent_on: Mapped[date] = mapped_column(Date)
    last_sent_on: Mapped[date] = mapped_column(Date)
    times: Mapped[int] = mapped_column(default=1)
