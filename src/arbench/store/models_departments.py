"""Tables for the departments in the loop (issue #20): departments and their staff, new
accounts' onboarding checklists, pre-audit exceptions told to customers, and the monthly
root-cause pack mailed to each department's lead.

Part of the one schema (`store.models.Base`); `store.models` imports this module at its end,
so every model is registered whenever the models are imported. Migration 0014 creates them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from arbench.store.models import Base


class DepartmentRow(Base):
    """A department requests are routed to: its service level and its lead (escalations)."""

    __tablename__ = "departments"
    name: Mapped[str] = mapped_column(String(16), primary_key=True)  # domain Department
    sla_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class UserDepartment(Base):
    """A department user's membership of one department (a user may belong to several)."""

    __tablename__ = "user_departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    department: Mapped[str] = mapped_column(ForeignKey("departments.name"))
    __table_args__ = (
        UniqueConstraint("user_id", "department", name="uq_user_departments_user_department"),
    )


class OnboardingChecklist(Base):
    """A new account's checklist before its first invoice (owned by sales)."""

    __tablename__ = "onboarding_checklists"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    created_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(16))  # import | manual
    completed_on: Mapped[date | None] = mapped_column(Date)


class OnboardingTask(Base):
    """One task of a checklist: the department that does it, who, and what it captured."""

    __tablename__ = "onboarding_tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    checklist_id: Mapped[int] = mapped_column(ForeignKey("onboarding_checklists.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))  # domain.account_setup.TASKS
    department: Mapped[str] = mapped_column(String(16))  # sales | pricing | billing | credit
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    value: Mapped[str | None] = mapped_column(String(200))  # what the task captured
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("checklist_id", "key", name="uq_onboarding_tasks_checklist_key"),
    )


class ExceptionNotice(Base):
    """A pre-audit exception told to the customer before the invoice, and their answer."""

    __tablename__ = "exception_notices"
    id: Mapped[int] = mapped_column(primary_key=True)
    pro_id: Mapped[int] = mapped_column(ForeignKey("pros.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    rule: Mapped[str] = mapped_column(String(40))  # the pre-audit rule
    to: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    sent_on: Mapped[date] = mapped_column(Date)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    how: Mapped[str] = mapped_column(String(16))  # eml | smtp
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail_messages.id"))  # the sent copy
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RootCausePack(Base):
    """One department's monthly root-cause pack, mailed to its lead once per month: claimed by
    inserting (month, department), so two daily runs at once send it once."""

    __tablename__ = "rootcause_packs"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, the month the pack covers
    department: Mapped[str] = mapped_column(ForeignKey("departments.name"))
    # sending | sent | failed | no_lead | no_email (the last three are tried again next run)
    status: Mapped[str] = mapped_column(String(12))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mail_id: Mapped[int | None] = mapped_column(ForeignKey("mail_messages.id"))
    files: Mapped[list[Any] | None] = mapped_column(JSON)  # the attachments' file names
    note: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(DateTime)
    by_login: Mapped[str] = mapped_column(String(64))
    __table_args__ = (
        UniqueConstraint("month", "department", name="uq_rootcause_packs_month_department"),
    )
