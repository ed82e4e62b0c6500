"""Documents, mail, reminder cadences and the daily run (schema 0011).

- `document_blobs` hold each file's bytes once, keyed by their sha256 (the same POD attached to
  ten pros is stored once); `documents` say which pro or account a file belongs to, its kind,
  who attached it and when.
- `mail_messages` are emails sent from arbench and replies received (IMAP, .eml, .msg), with the
  raw message kept as a blob; unmatched replies wait with status 'inbox'. `mail_attachments`
  list each message's files.
- `reminder_cadences` / `reminder_steps`: per account class (or per account) a sequence of
  reminders relative to the due date; `reminders` is each step queued for a pro, once.
- `daily_runs`: one row per (day, step) of `arbench daily`; the unique pair makes the run
  idempotent when started twice or concurrently.
- `mail_positions`: how far each IMAP mailbox has been read (UIDVALIDITY, last UID).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from arbench.store.models import Base


class DocumentBlob(Base):
    __tablename__ = "document_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Document(Base):
    """A file on a pro (pro_id set) or on an account (pro_id None)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("document_blobs.sha256"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    pro_id: Mapped[int | None] = mapped_column(ForeignKey("pros.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # pod | bol | inspection_certificate | ...
    file_name: Mapped[str] = mapped_column(String(260))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="upload")  # upload | folder | mail
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail_messages.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MailMessage(Base):
    """An email sent from arbench (direction 'out') or received (direction 'in')."""

    __tablename__ = "mail_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(4))  # out | in
    # out: sent | saved (.eml); in: matched | inbox | assigned
    status: Mapped[str] = mapped_column(String(12))
    message_id: Mapped[str | None] = mapped_column(String(255))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    pro_id: Mapped[int | None] = mapped_column(ForeignKey("pros.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    sender: Mapped[str] = mapped_column(String(320), default="")
    recipients: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(8))  # smtp | eml | imap | msg
    matched_by: Mapped[str | None] = mapped_column(
        String(16)
    )  # token | pro | invoice | bol | person
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("document_blobs.sha256"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (
        UniqueConstraint("direction", "message_id", name="uq_mail_messages_direction_message_id"),
        Index("ix_mail_messages_status", "status"),
    )


class MailAttachment(Base):
    __tablename__ = "mail_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    mail_id: Mapped[int] = mapped_column(ForeignKey("mail_messages.id"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("document_blobs.sha256"))
    file_name: Mapped[str] = mapped_column(String(260))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))


class ReminderCadence(Base):
    """A sequence of reminders for one account class (or the accounts that name it)."""

    __tablename__ = "reminder_cadences"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    account_class: Mapped[str | None] = mapped_column(String(32), unique=True)
    quiet_days: Mapped[int] = mapped_column(Integer, default=3)
    auto_send: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ReminderStep(Base):
    __tablename__ = "reminder_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    cadence_id: Mapped[int] = mapped_column(ForeignKey("reminder_cadences.id"), index=True)
    offset_days: Mapped[int] = mapped_column(Integer)  # days after the due date (< 0: before)
    template: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("cadence_id", "offset_days", name="uq_reminder_steps_cadence_offset"),
    )


class Reminder(Base):
    """One cadence step for one pro: queued once, then sent, skipped or stopped."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    pro_id: Mapped[int] = mapped_column(ForeignKey("pros.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("reminder_steps.id"))
    # queued | sending | sent | skipped | stopped | superseded | failed
    status: Mapped[str] = mapped_column(String(12), default="queued")
    due_on: Mapped[date] = mapped_column(Date)
    queued_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail_messages.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    __table_args__ = (
        UniqueConstraint("pro_id", "step_id", name="uq_reminders_pro_step"),
        Index("ix_reminders_status_due", "status", "due_on"),
    )


class DailyRun(Base):
    """One step of one day's `arbench daily`: claimed once, whoever starts it first."""

    __tablename__ = "daily_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    run_on: Mapped[date] = mapped_column(Date)
    step: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))  # running | done | failed
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    by_login: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (UniqueConstraint("run_on", "step", name="uq_daily_runs_run_on_step"),)


class MailPosition(Base):
    """How far one IMAP mailbox (user@host:port/folder) has been read."""

    __tablename__ = "mail_positions"
    mailbox: Mapped[str] = mapped_column(String(400), primary_key=True)
    uid_validity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
