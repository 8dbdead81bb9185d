"""The stored tables: the contract's seven, and what a nightly run remembers (findings, messages)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from models.db import Base

ID = String(64)


class StaffRow(Base):
    __tablename__ = "staff"

    staff_id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    teams: Mapped[str | None] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(40))
    team: Mapped[str] = mapped_column(String(200))
    line_manager_id: Mapped[str | None] = mapped_column(ID)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    fte: Mapped[float] = mapped_column(Float, default=1.0)
    asye_start: Mapped[date | None] = mapped_column(Date)
    probation_end: Mapped[date | None] = mapped_column(Date)
    case_holding: Mapped[bool | None]


class AgreementRow(Base):
    __tablename__ = "agreements"

    staff_id: Mapped[str] = mapped_column(ID, primary_key=True)
    supervisor_id: Mapped[str] = mapped_column(ID, primary_key=True)
    signed_on: Mapped[date | None] = mapped_column(Date)
    frequency: Mapped[str | None] = mapped_column(String(20))
    review_due: Mapped[date | None] = mapped_column(Date)


class SessionRow(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_supervisee_id", "supervisee_id"),)

    session_id: Mapped[str] = mapped_column(ID, primary_key=True)
    supervisee_id: Mapped[str] = mapped_column(ID)
    supervisor_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(20))
    scheduled_for: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    cancel_reason: Mapped[str | None] = mapped_column(String(20))
    record_written_on: Mapped[date | None] = mapped_column(Date)
    record_circulated_on: Mapped[date | None] = mapped_column(Date)
    supervisee_signed_on: Mapped[date | None] = mapped_column(Date)
    supervisor_signed_on: Mapped[date | None] = mapped_column(Date)
    record_disputed: Mapped[bool] = mapped_column(default=False)


class AbsenceRow(Base):
    __tablename__ = "absences"

    absence_id: Mapped[str] = mapped_column(ID, primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    expected_return: Mapped[date | None] = mapped_column(Date)


class CaseRow(Base):
    __tablename__ = "cases"

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    worker_id: Mapped[str] = mapped_column(ID)
    allocated_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)


class DiscussionRow(Base):
    __tablename__ = "discussions"

    case_id: Mapped[str] = mapped_column(ID, primary_key=True)
    discussed_on: Mapped[date] = mapped_column(Date, primary_key=True)
    session_id: Mapped[str | None] = mapped_column(ID)


class ClosureRow(Base):
    __tablename__ = "closures"

    date: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))


class FindingRow(Base):
    """The findings one nightly run raised, kept so a day's state can be looked back on."""

    __tablename__ = "findings"
    __table_args__ = (UniqueConstraint("as_of", "finding_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)
    policy: Mapped[str] = mapped_column(String(200))
    finding_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    staff_id: Mapped[str] = mapped_column(ID)
    case_id: Mapped[str | None] = mapped_column(ID)
    session_id: Mapped[str | None] = mapped_column(ID)
    due: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    working_days_overdue: Mapped[int]
    detail: Mapped[str] = mapped_column(Text)
    rule: Mapped[str] = mapped_column(Text)


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
