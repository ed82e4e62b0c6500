"""The arbench schema as SQLAlchemy 2 typed ORM models.

Money columns use `Money` (exact integer cents, Decimal in Python). Tables that two people can
edit at once carry a `version` column used for optimistic locking (SQLAlchemy version_id_col).
Every schema change ships as one Alembic migration in store/migrations/versions.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from arbench.domain.names import name_key
from arbench.store.types import Money

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))  # collector | supervisor | trainee | department
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # accounts to contact per day (set by a supervisor); None: the team's default
    daily_capacity: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


def _name_key_default(context: Any) -> str | None:
    """The name_key of a row inserted without one (bulk Core inserts: demo book, imports)."""
    name = context.get_current_parameters().get("name")
    return name_key(name) if name is not None else None


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # name_key(name): case-insensitive name search (filled on every insert, kept on ORM renames)
    name_key: Mapped[str | None] = mapped_column(String(200), index=True, default=_name_key_default)
    address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(8))
    postal_code: Mapped[str | None] = mapped_column(String(16))
    region: Mapped[str | None] = mapped_column(String(32))
    payment_terms_days: Mapped[int] = mapped_column(Integer, default=30)
    # the terms as the customer states them ("2/10 NET 30", "NET30", or their own code)
    payment_terms: Mapped[str | None] = mapped_column(String(40))
    discount_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3, asdecimal=True))
    discount_days: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD", server_default="USD")
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    risk_score: Mapped[int] = mapped_column(Integer, default=0)  # 0 (safe) .. 100 (distressed)
    credit_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    portal_name: Mapped[str | None] = mapped_column(String(100))  # invoices via this portal
    po_required: Mapped[bool] = mapped_column(Boolean, default=False)
    pod_required: Mapped[bool] = mapped_column(Boolean, default=False)
    edi_210: Mapped[bool] = mapped_column(Boolean, default=False)
    pricing_agreement_ref: Mapped[str | None] = mapped_column(String(64))
    pricing_agreement_expiry: Mapped[date | None] = mapped_column(Date)
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # reminder cadence: the cadence of this account class, unless one is named for the account
    account_class: Mapped[str] = mapped_column(
        String(32), default="standard", server_default="standard"
    )
    cadence_id: Mapped[int | None] = mapped_column(
        Integer
    )  # reminder_cadences.id, checked in services
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    contacts: Mapped[list[Contact]] = relationship(back_populates="account", order_by="Contact.id")

    @validates("name")
    def _keep_name_key(self, _field: str, value: str) -> str:
        self.name_key = name_key(value) if value is not None else None
        return value


class AccountAlias(Base):
    """Another identifier a trading partner uses for an account: a DUNS, a payer id on 820s, a
    bill-to code or name on 210s. Remittances and 210s resolve their payer through these."""

    __tablename__ = "account_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # duns | payer_id | bill_to | name | other
    value: Mapped[str] = mapped_column(String(120))  # as the file or the user wrote it
    value_key: Mapped[str] = mapped_column(String(120))  # normalized for matching
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual | 820 | 210 ...
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (
        UniqueConstraint("kind", "value_key", name="uq_account_aliases_kind_value_key"),
    )


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str | None] = mapped_column(String(60))  # e.g. AP clerk, AP manager, controller
    preferred_channel: Mapped[str] = mapped_column(
        String(16), default="email"
    )  # email|phone|portal
    account: Mapped[Account] = relationship(back_populates="contacts")


class Pro(Base):
    """One freight bill, keyed by its PRO number."""

    __tablename__ = "pros"
    id: Mapped[int] = mapped_column(primary_key=True)
    pro: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    bol: Mapped[str | None] = mapped_column(String(40), index=True)
    invoice_number: Mapped[str | None] = mapped_column(String(40), index=True)
    invoice_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    shipper: Mapped[str | None] = mapped_column(String(200))
    consignee: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str | None] = mapped_column(String(100))
    destination: Mapped[str | None] = mapped_column(String(100))
    ship_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    pieces: Mapped[int | None] = mapped_column(Integer)
    weight: Mapped[Decimal | None] = mapped_column(Numeric(10, 1, asdecimal=True))
    freight_class: Mapped[str | None] = mapped_column(String(8))
    bol_weight: Mapped[Decimal | None] = mapped_column(Numeric(10, 1, asdecimal=True))
    bol_freight_class: Mapped[str | None] = mapped_column(String(8))
    bol_accessorials: Mapped[str | None] = mapped_column(
        String(200)
    )  # L1-08 codes, comma-separated
    terms: Mapped[str | None] = mapped_column(String(16))  # prepaid | collect | third_party
    bill_to: Mapped[str | None] = mapped_column(String(200))
    # true when the register said so, or since a document of kind 'pod' was attached (0011)
    pod_on_file: Mapped[bool] = mapped_column(Boolean, default=False)
    amount: Mapped[Decimal] = mapped_column(Money)
    open_balance: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    billing_status: Mapped[str] = mapped_column(String(16), default="billed")  # draft | billed
    closed_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    # KPIs: billed amounts summed per (invoice date, due date) from this narrow index alone
    __table_args__ = (
        Index("ix_pros_billed_dates", "billing_status", "invoice_date", "due_date", "amount",
              "account_id"),
    )  # fmt: skip

    charges: Mapped[list[ChargeLine]] = relationship(order_by="ChargeLine.seq")


class ChargeLine(Base):
    __tablename__ = "charge_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    pro_id: Mapped[int] = mapped_column(ForeignKey("pros.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # linehaul | fuel | accessorial | discount
    code: Mapped[str | None] = mapped_column(String(8))  # X12 L1-08 special charge code
    description: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Decimal] = mapped_column(Money)


class Payment(Base):
    """Money in or an adjustment: applied to a pro, or on account (pro_id is None)."""

    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    pro_id: Mapped[int | None] = mapped_column(ForeignKey("pros.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain.catalogue.PaymentKind
    amount: Mapped[Decimal] = mapped_column(Money)
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(64))
    reason_code: Mapped[str | None] = mapped_column(String(4))  # X12 element 426
    method: Mapped[str | None] = mapped_column(String(8))  # ACH, CHK, FWT ...
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batches.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # KPIs: payments received by a date, per pro, without reading the payment rows
    __table_args__ = (Index("ix_payments_received", "received_on", "pro_id", "amount"),)


class Issue(Base):
    """An open item: pro-level (pro_id set) or account-level (pro_id is None)."""

    __tablename__ = "issues"
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))  # pro | account
    type: Mapped[str] = mapped_column(String(40))
    root_cause: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    pro_id: Mapped[int | None] = mapped_column(ForeignKey("pros.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    follow_up: Mapped[date | None] = mapped_column(Date)
    amount: Mapped[Decimal | None] = mapped_column(Money)  # disputed / short-paid amount
    reason_code: Mapped[str | None] = mapped_column(String(4))  # X12 426 from the payer
    # the payer's references for an item made from a remittance adjustment ("CM CM-1188; PO 45")
    reference: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    resolved_on: Mapped[date | None] = mapped_column(Date)
    reopened_on: Mapped[date | None] = mapped_column(Date)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    recurrence: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_code: Mapped[str | None] = mapped_column(String(40))
    root_cause_fixed: Mapped[bool | None] = mapped_column(Boolean)
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)  # created by promotion
    script_version: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_issues_owner_status", "owner_id", "status"),
        Index("ix_issues_status_level", "status", "level"),
    )


class Promise(Base):
    __tablename__ = "promises"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    due_on: Mapped[date] = mapped_column(Date)
    made_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|kept|broken|cancelled
    settled_on: Mapped[date | None] = mapped_column(Date)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DepartmentRequest(Base):
    __tablename__ = "department_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    department: Mapped[str] = mapped_column(String(16))
    request: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(120))  # the person in that department
    due_on: Mapped[date] = mapped_column(Date)
    created_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|answered|closed
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handed_back: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    escalated_on: Mapped[date | None] = mapped_column(Date)  # overdue: sent to the lead
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_department_requests_queue", "department", "status"),)


class Activity(Base):
    """One entry on the timeline of an issue and its account."""

    __tablename__ = "activities"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(120))
    outcome: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    # minutes the contact took, when logged (else domain.rootcause.DEFAULT_MINUTES by kind)
    minutes: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_activities_issue_at", "issue_id", "at"),
        Index("ix_activities_account_at", "account_id", "at"),
    )


class Coverage(Base):
    """Temporary cover of an absent collector's book, reverted on `until`."""

    __tablename__ = "coverages"
    id: Mapped[int] = mapped_column(primary_key=True)
    absent_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reverted_at: Mapped[datetime | None] = mapped_column(DateTime)


class Assignment(Base):
    """Assignment history: who held an account, from when, and why it moved."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(16))  # assign | rule | rebalance | handover | cover
    coverage_id: Mapped[int | None] = mapped_column(ForeignKey("coverages.id"))


class AuditEvent(Base):
    """Who changed what, when, with the before and after values.

    `user_login` is the arbench user the change was made as; `db_login` who was connected (on
    PostgreSQL set by the server itself, from session_user); `acted_by` the supervisor who acted
    for `user_login`. Insert-only for every login but the owner (migration 0008).
    """

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_login: Mapped[str] = mapped_column(String(64))
    db_login: Mapped[str | None] = mapped_column(String(64))
    acted_by: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)


class Setting(Base):
    """Team-wide settings (dispute window, promotion rule, trainee approval limit ...)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ContentVersion(Base):
    """One published version of a resolution script, training note or email template."""

    __tablename__ = "content_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # script | note | template | onboarding
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    published_at: Mapped[datetime] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (
        UniqueConstraint("kind", "key", "version", name="uq_content_versions_kind_key_version"),
    )


class IssueStep(Base):
    """A script step done on an issue (progress through its resolution script)."""

    __tablename__ = "issue_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    step_number: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime] = mapped_column(DateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the action that did it (call, email, promise, route, answer), None when ticked by hand
    via: Mapped[str | None] = mapped_column(String(16))
    __table_args__ = (
        UniqueConstraint("issue_id", "step_number", name="uq_issue_steps_issue_step"),
    )


class Acknowledgement(Base):
    """A user's "read and understood" of a training note version."""

    __tablename__ = "acknowledgements"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    note_key: Mapped[str] = mapped_column(String(64))
    note_version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (  # a note version is acknowledged once per user (migration 0008)
        UniqueConstraint("user_id", "note_key", "note_version",
                         name="uq_acknowledgements_user_note_version"),
    )  # fmt: skip


class Approval(Base):
    """A trainee's resolution or a write-off waiting for a supervisor."""

    __tablename__ = "approvals"
    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # resolution | write_off | override
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class MappingProfile(Base):
    """A saved column mapping for register or remittance imports."""

    __tablename__ = "mapping_profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # invoices | remittance
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ImportBatch(Base):
    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # invoices | remittance | 210 | 820
    file_name: Mapped[str] = mapped_column(String(260))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # set on remittance batches only: a remittance file is applied once (registers may repeat)
    remittance_sha256: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_login: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DayPlan(Base):
    """A collector's plan for one day: the accounts to contact (built once per user and day)."""

    __tablename__ = "day_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    plan_date: Mapped[date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __table_args__ = (UniqueConstraint("user_id", "plan_date", name="uq_day_plans_user_date"),)


class DayPlanAccount(Base):
    """One account of a day's plan: its place, whether an earlier day left it, whether it was
    worked that day (any item action on one of its items)."""

    __tablename__ = "day_plan_accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("day_plans.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    carried_from: Mapped[date | None] = mapped_column(Date)
    reasons: Mapped[str] = mapped_column(Text, default="")
    worked: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        UniqueConstraint("plan_id", "account_id", name="uq_day_plan_accounts_plan_account"),
    )


class UndoEntry(Base):
    """What one item action wrote, so its user can undo it within the team's undo window:
    rows it added, and the values it replaced (an audited reversal, never a reopen)."""

    __tablename__ = "undo_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user_login: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)
    label: Mapped[str] = mapped_column(String(200))
    journal: Mapped[list[Any]] = mapped_column(JSON)
    versions: Mapped[dict[str, Any]] = mapped_column(JSON)  # issue id -> version after
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (Index("ix_undo_entries_login", "user_login", "id"),)


# Documents, mail, reminder cadences and the daily run live in their own module (schema 0011);
# imported here so Base.metadata always holds every table.
from arbench.store import correspondence_models as _correspondence  # noqa: E402, F401

# The departments' tables (issue #20) live in their own module; importing it registers them.
from arbench.store import models_departments as _departments  # noqa: E402, F401
