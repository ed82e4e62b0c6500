"""Everything the item panel shows about one issue: bill, charges, payments, account, timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import (
    ISSUE_TYPES,
    OPEN_STATUSES,
    ROOT_CAUSES,
    PromiseStatus,
    RequestStatus,
)
from arbench.domain.kpi_financial import aging, empty_aging
from arbench.services.base import Actor, NotFound, PermissionDenied
from arbench.services.organization.onboarding import open_tasks_by_account
from arbench.services.organization.requests import may_see_issue
from arbench.services.permissions import EVERYONE, service
from arbench.store.db import Database
from arbench.store.models import (
    Account,
    Activity,
    ChargeLine,
    Contact,
    DepartmentRequest,
    Issue,
    Payment,
    Pro,
    Promise,
    User,
)  # fmt: skip

OPEN = [s.value for s in OPEN_STATUSES]
OTHERS = 500  # other open items of the account listed on the Account tab


@dataclass(frozen=True)
class ChargeInfo:
    kind: str
    code: str | None
    description: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentInfo:
    kind: str
    amount: Decimal
    received_on: date
    reference: str | None
    reason_code: str | None


@dataclass(frozen=True)
class ProInfo:
    pro: str
    bol: str | None
    invoice_number: str | None
    invoice_date: date | None
    due_date: date | None
    shipper: str | None
    consignee: str | None
    origin: str | None
    destination: str | None
    ship_date: date | None
    delivery_date: date | None
    pieces: int | None
    weight: Decimal | None
    freight_class: str | None
    terms: str | None
    bill_to: str | None
    pod_on_file: bool
    amount: Decimal
    open_balance: Decimal
    charges: list[ChargeInfo]
    payments: list[PaymentInfo]


@dataclass(frozen=True)
class ContactInfo:
    name: str
    email: str | None
    phone: str | None
    role: str | None
    preferred_channel: str


@dataclass(frozen=True)
class PromiseInfo:
    """An open promise on one of the account's items."""

    issue_id: int
    pro: str | None
    amount: Decimal
    due_on: date


@dataclass(frozen=True)
class AccountInfo:
    id: int
    number: str
    name: str
    address: str
    payment_terms_days: int
    credit_limit: Decimal
    risk_score: int
    credit_hold: bool
    requirements: list[str]  # invoicing requirements in words
    pricing_agreement_ref: str | None
    pricing_agreement_expiry: date | None
    collector: str | None
    contacts: list[ContactInfo]
    balance: Decimal = Decimal(0)  # open pros' open balances
    aging: dict[str, Decimal] = field(default_factory=empty_aging)  # of the balance, by bucket
    promises: list[PromiseInfo] = field(default_factory=list)  # open, on the account's items
    unapplied_cash: Decimal = Decimal(0)  # cash received on account, applied to no pro
    # a new account's onboarding tasks still open (None: no checklist; () all done)
    onboarding_open: tuple[str, ...] | None = None
    invoiced_before_onboarding: bool = False  # a bill went out while tasks were open


@dataclass(frozen=True)
class RelatedIssue:
    id: int
    level: str
    type_name: str
    pro: str | None
    status: str
    open_amount: Decimal | None = None  # a pro's open balance (None for account-level issues)
    days_past_due: int = 0


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    user: str | None
    text: str
    contact: str | None
    outcome: str | None
    issue_id: int | None


@dataclass(frozen=True)
class ItemDetail:
    id: int
    level: str
    type: str
    type_name: str
    root_cause: str | None
    root_cause_name: str | None
    status: str
    owner: str | None  # the owner's display name
    follow_up: date | None
    opened_on: date
    resolved_on: date | None
    amount: Decimal | None
    parent_id: int | None
    version: int
    pro: ProInfo | None
    account: AccountInfo
    open_promise: tuple[Decimal, date] | None
    waiting_on: tuple[str, date] | None
    other_open_items: list[RelatedIssue] = field(default_factory=list)
    account_issues: list[RelatedIssue] = field(default_factory=list)
    linked_pros: list[RelatedIssue] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    owner_id: int | None = None
    reason_code: str | None = None  # X12 426 code the payer gave
    reference: str | None = None  # the payer's references (credit memos, REF values)


@service(EVERYONE, "see an item", writes=False,
         note="department staff: items routed to their departments")  # fmt: skip
def item_detail(
    db: Database, issue_id: int, on: date | None = None, *, actor: Actor | None = None
) -> ItemDetail:
    """The full picture of one issue, for the item panel (aging and days past due as of `on`;
    `actor`: who looks, when known)."""
    on = on or date.today()
    with db.session() as s:
        issue = s.get(Issue, issue_id)
        if issue is None:
            raise NotFound(f"no issue with id {issue_id}")
        if actor is not None and not may_see_issue(s, actor, issue.id):
            raise PermissionDenied(
                f"{actor.login} cannot see item #{issue_id}: it was not routed to their department"
            )
        account = s.get(Account, issue.account_id)
        assert account is not None
        owner = s.get(User, issue.owner_id) if issue.owner_id else None
        pro = s.get(Pro, issue.pro_id) if issue.pro_id else None
        promise = s.scalars(
            select(Promise)
            .where(Promise.issue_id == issue.id, Promise.status == PromiseStatus.OPEN)
            .order_by(Promise.id.desc())
        ).first()
        request = s.scalars(
            select(DepartmentRequest)
            .where(
                DepartmentRequest.issue_id == issue.id,
                DepartmentRequest.status == RequestStatus.OPEN,
            )
            .order_by(DepartmentRequest.id.desc())
        ).first()
        itype, cause = ISSUE_TYPES.get(issue.type), ROOT_CAUSES.get(issue.root_cause or "")
        return ItemDetail(
            id=issue.id, level=issue.level, type=issue.type, type_name=itype.name if itype else issue.type,
            root_cause=issue.root_cause, root_cause_name=cause.name if cause else None, status=issue.status,
            owner=owner.display_name if owner else None, follow_up=issue.follow_up, opened_on=issue.opened_on,
            resolved_on=issue.resolved_on, amount=issue.amount, parent_id=issue.parent_id, version=issue.version,
            pro=_pro_info(s, pro) if pro else None, account=_account_info(s, account, on),
            open_promise=(promise.amount, promise.due_on) if promise else None,
            waiting_on=(request.department, request.created_on) if request else None,
            other_open_items=_related(s, [Issue.account_id == account.id, Issue.id != issue.id, Issue.level == "pro"], OTHERS, on),
            account_issues=_related(s, [Issue.account_id == account.id, Issue.level == "account"], 20, on),
            reason_code=issue.reason_code, reference=issue.reference,
            linked_pros=_related(s, [Issue.parent_id == issue.id], 200, on),
            timeline=_timeline(s, issue.id, account.id), owner_id=issue.owner_id,
        )  # fmt: skip


def _pro_info(s: Session, pro: Pro) -> ProInfo:
    charges = [
        ChargeInfo(c.kind, c.code, c.description, c.amount)
        for c in s.scalars(
            select(ChargeLine).where(ChargeLine.pro_id == pro.id).order_by(ChargeLine.seq)
        )
    ]
    payments = [
        PaymentInfo(p.kind, p.amount, p.received_on, p.reference, p.reason_code)
        for p in s.scalars(
            select(Payment).where(Payment.pro_id == pro.id).order_by(Payment.received_on)
        )
    ]
    return ProInfo(
        pro.pro, pro.bol, pro.invoice_number, pro.invoice_date, pro.due_date, pro.shipper, pro.consignee,
        pro.origin, pro.destination, pro.ship_date, pro.delivery_date, pro.pieces, pro.weight,
        pro.freight_class, pro.terms, pro.bill_to, pro.pod_on_file, pro.amount, pro.open_balance,
        charges, payments,
    )  # fmt: skip


def requirements_in_words(account: Account) -> list[str]:
    """The customer's invoicing requirements, as a collector reads them."""
    out = []
    if account.portal_name:
        out.append(f"Invoices through the {account.portal_name} portal")
    if account.po_required:
        out.append("PO number required on every invoice")
    if account.pod_required:
        out.append("POD required with every invoice")
    if account.edi_210:
        out.append("Invoices by EDI 210")
    return out or ["No special invoicing requirements"]


def _account_info(s: Session, account: Account, on: date) -> AccountInfo:
    collector = s.get(User, account.collector_id) if account.collector_id else None
    contacts = [
        ContactInfo(c.name, c.email, c.phone, c.role, c.preferred_channel)
        for c in s.scalars(
            select(Contact).where(Contact.account_id == account.id).order_by(Contact.id)
        )
    ]
    address = ", ".join(
        p for p in (account.address, account.city, account.state, account.postal_code) if p
    )
    onboarding = open_tasks_by_account(s, [account.id]).get(account.id)
    invoiced = (
        bool(onboarding)
        and s.scalar(
            select(Pro.id)
            .where(Pro.account_id == account.id, Pro.billing_status == "billed")
            .limit(1)
        )
        is not None
    )
    return AccountInfo(
        account.id, account.number, account.name, address, account.payment_terms_days, account.credit_limit,
        account.risk_score, account.credit_hold, requirements_in_words(account), account.pricing_agreement_ref,
        account.pricing_agreement_expiry, collector.display_name if collector else None, contacts,
        *_balance(s, account.id, on), _promises(s, account.id), _unapplied(s, account.id),
        onboarding, invoiced,
    )  # fmt: skip


def _unapplied(s: Session, account_id: int) -> Decimal:
    total = s.scalar(
        select(func.sum(Payment.amount)).where(
            Payment.account_id == account_id, Payment.pro_id.is_(None),
            Payment.kind.in_(("payment", "unapplied")),
        )
    )  # fmt: skip
    return Decimal(total or 0)


def _balance(s: Session, account_id: int, on: date) -> tuple[Decimal, dict[str, Decimal]]:
    """The account's open balance and its aging by bucket (a pro ages from its due date, or
    its invoice date without one), as the aging report counts it."""
    rows = s.execute(
        select(func.coalesce(Pro.due_date, Pro.invoice_date), Pro.open_balance).where(
            Pro.account_id == account_id, Pro.status == "open"
        )
    ).all()
    dated = [(due or on, balance) for due, balance in rows]
    return sum((b for _, b in dated), Decimal(0)), aging(dated, on)


def _promises(s: Session, account_id: int) -> list[PromiseInfo]:
    rows = s.execute(
        select(Promise.issue_id, Pro.pro, Promise.amount, Promise.due_on)
        .join(Issue, Issue.id == Promise.issue_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.account_id == account_id, Promise.status == PromiseStatus.OPEN)
        .order_by(Promise.due_on, Promise.id)
    ).all()
    return [PromiseInfo(r.issue_id, r.pro, r.amount, r.due_on) for r in rows]


def _related(s: Session, where: list[object], limit: int, on: date) -> list[RelatedIssue]:
    rows = s.execute(
        select(
            Issue.id, Issue.level, Issue.type, Issue.status, Pro.pro, Pro.open_balance, Pro.due_date
        )  # fmt: skip
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.status.in_(OPEN), *where)  # type: ignore[arg-type]
        .order_by(Issue.id)
        .limit(limit)
    ).all()
    return [
        RelatedIssue(
            r.id,
            r.level,
            ISSUE_TYPES[r.type].name if r.type in ISSUE_TYPES else r.type,
            r.pro,
            r.status,
            r.open_balance,
            max(0, (on - r.due_date).days) if r.due_date else 0,
        )
        for r in rows
    ]


def _timeline(s: Session, issue_id: int, account_id: int) -> list[TimelineEntry]:
    """Activities on this issue and account-wide ones (no issue), newest first."""
    rows = s.execute(
        select(Activity, User.display_name)
        .outerjoin(User, User.id == Activity.user_id)
        .where(
            or_(
                Activity.issue_id == issue_id,
                (Activity.account_id == account_id) & Activity.issue_id.is_(None),
            )
        )
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(1000)
    ).all()
    return [
        TimelineEntry(a.at, a.kind, name, a.text, a.contact, a.outcome, a.issue_id)
        for a, name in rows
    ]
