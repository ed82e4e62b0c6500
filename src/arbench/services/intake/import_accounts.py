"""The accounts side of an import: leading zeros, the customer's payment terms, one currency.

`plan_accounts` runs before the pros are compared. It finds probable duplicate accounts
(numbers that differ only by leading zeros: "0200769623" and "200769623", within the file or
between the file and the book) and, with `merge_leading_zeros`, reads every form as one
account (the book's number when the book has one, else the form the file names first). It
reads each account's payment terms (those of its latest row) and currency from the file,
refuses rows whose currency differs from the account's in the book (one currency per
account: totals never add two), and lists the existing accounts whose terms change.
`write_account_changes` applies those changes, audited, in the import's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from arbench.domain.names import leading_zero_key
from arbench.domain.terms import Terms as PaymentTerms
from arbench.io.errors import RowError
from arbench.io.registers import RegisterColumns
from arbench.services.base import Actor, audit
from arbench.store.models import Account

DEFAULT_TERMS_DAYS = 30


@dataclass(frozen=True, slots=True)
class BookAccount:
    """An account as the book holds it (the columns an import compares)."""

    id: int
    collector_id: int | None
    terms_days: int
    payment_terms: str | None
    discount_percent: Decimal | None
    discount_days: int | None
    currency: str


@dataclass(slots=True)
class AccountPlan:
    """What the file says about its accounts, against the book."""

    book: dict[str, BookAccount] = field(default_factory=dict)  # every account, by number
    duplicates: list[list[str]] = field(default_factory=list)  # forms of one number
    terms: dict[str, PaymentTerms] = field(default_factory=dict)  # number -> latest row's
    currency: dict[str, str] = field(default_factory=dict)  # number -> the file's currency
    changes: dict[str, dict[str, Any]] = field(default_factory=dict)  # existing: new values
    errors: list[RowError] = field(default_factory=list)

    def new_account_values(self, number: str, home_currency: str) -> dict[str, Any]:
        """Terms and currency columns of an account the import creates."""
        terms = self.terms.get(number)
        values = _terms_values(terms) if terms else {"payment_terms_days": DEFAULT_TERMS_DAYS}
        values.setdefault("payment_terms_days", DEFAULT_TERMS_DAYS)
        return values | {"currency": self.currency.get(number, home_currency)}

    def terms_days(self, number: str) -> int:
        """The net days an account's invoices are due in: the file's terms when they say,
        else the book's, else 30."""
        terms = self.terms.get(number)
        if terms is not None and terms.net_days is not None:
            return terms.net_days
        known = self.book.get(number)
        return known.terms_days if known else DEFAULT_TERMS_DAYS


def load_book_accounts(session: Session) -> dict[str, BookAccount]:
    rows = session.execute(
        Account.__table__.select().with_only_columns(
            Account.number,
            Account.id,
            Account.collector_id,
            Account.payment_terms_days,
            Account.payment_terms,
            Account.discount_percent,
            Account.discount_days,
            Account.currency,
        )  # fmt: skip
    )
    return {number: BookAccount(*rest) for number, *rest in rows}


def plan_accounts(
    session: Session, columns: RegisterColumns, merge_leading_zeros: bool
) -> tuple[AccountPlan, RegisterColumns]:
    """Read the file's accounts against the book; returns the plan and the columns to import
    (account numbers merged when asked)."""
    plan = AccountPlan(book=load_book_accounts(session))
    numbers: list[str] = columns.values["account_number"]
    plan.duplicates = leading_zero_groups(numbers, plan.book)
    if merge_leading_zeros and plan.duplicates:
        merged = _merged_numbers(numbers, plan.duplicates, plan.book)
        columns = RegisterColumns(columns.rows, {**columns.values, "account_number": merged})
        numbers = merged
    if any(t is not None for t in columns.values["payment_terms"]):
        plan.terms = _latest_terms(columns, numbers)
    if any(c is not None for c in columns.values["currency"]):
        plan.currency = _currencies(columns, numbers, plan)
    plan.changes = _terms_changes(plan)
    return plan, columns


def leading_zero_groups(numbers: list[str], book: dict[str, Any]) -> list[list[str]]:
    """Sets of numbers (of the file, and of the book matching them) that differ only by
    leading zeros, each sorted, the groups by their first number."""
    forms: dict[str, set[str]] = {}
    for number in set(numbers):
        forms.setdefault(leading_zero_key(number), set()).add(number)
    for number in book:
        key = leading_zero_key(number)
        if key in forms:
            forms[key].add(number)
    return sorted(sorted(group) for group in forms.values() if len(group) > 1)


def _merged_numbers(
    numbers: list[str], groups: list[list[str]], book: dict[str, BookAccount]
) -> list[str]:
    """Each number of a group read as the group's one number: the book's oldest account of
    the group, else the form the file names first."""
    first_seen: dict[str, int] = {}
    for position, number in enumerate(numbers):
        first_seen.setdefault(number, position)
    target: dict[str, str] = {}
    for group in groups:
        in_book = [n for n in group if n in book]
        chosen = (min(in_book, key=lambda n: book[n].id) if in_book
                  else min(group, key=lambda n: first_seen.get(n, len(numbers))))  # fmt: skip
        target.update((number, chosen) for number in group)
    return [target.get(number, number) for number in numbers]


def _latest_terms(columns: RegisterColumns, numbers: list[str]) -> dict[str, PaymentTerms]:
    """Each account's terms as its latest row states them (by invoice date, then row)."""
    latest: dict[str, tuple[date, int, PaymentTerms]] = {}
    days = columns.values["invoice_date"]
    for position, terms in enumerate(columns.values["payment_terms"]):
        if terms is None:
            continue
        key = (days[position] or date.min, position)
        number = numbers[position]
        found = latest.get(number)
        if found is None or key >= found[:2]:
            latest[number] = (*key, terms)
    return {number: found[2] for number, found in latest.items()}


def _currencies(columns: RegisterColumns, numbers: list[str], plan: AccountPlan) -> dict[str, str]:
    """The file's currency per account; a row naming another currency than the book's is an
    error (the file itself was checked row against row when it was read)."""
    found: dict[str, str] = {}
    for position, currency in enumerate(columns.values["currency"]):
        if currency is None:
            continue
        number = numbers[position]
        found.setdefault(number, currency)
        known = plan.book.get(number)
        if known is not None and known.currency != currency:
            message = (f"account {number} is kept in {known.currency} in the book; this row "
                       f"says {currency}: one currency per account")  # fmt: skip
            plan.errors.append(RowError(columns.rows[position], "currency", currency, message))
    return found


def _terms_values(terms: PaymentTerms) -> dict[str, Any]:
    values: dict[str, Any] = {
        "payment_terms": terms.text[:40],
        "discount_percent": terms.discount_percent,
        "discount_days": terms.discount_days,
    }
    if terms.net_days is not None:
        values["payment_terms_days"] = terms.net_days
    return values


def _terms_changes(plan: AccountPlan) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for number, terms in plan.terms.items():
        known = plan.book.get(number)
        if known is None:
            continue
        values = _terms_values(terms)
        before = {"payment_terms": known.payment_terms, "discount_percent": known.discount_percent,
                  "discount_days": known.discount_days, "payment_terms_days": known.terms_days}  # fmt: skip
        if any(before[k] != v for k, v in values.items()):
            changes[number] = values
    return changes


def write_account_changes(session: Session, actor: Actor, plan: AccountPlan) -> int:
    """Write the terms the file states for existing accounts; one audit event each."""
    for number, values in sorted(plan.changes.items()):
        known = plan.book[number]
        session.execute(
            update(Account).where(Account.id == known.id)
            .values(**values, version=Account.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        before = {"payment_terms": known.payment_terms, "payment_terms_days": known.terms_days,
                  "discount_percent": _text(known.discount_percent),
                  "discount_days": known.discount_days}  # fmt: skip
        after = {k: _text(v) for k, v in values.items()}
        audit(session, actor, "account.terms", "account", known.id, before, after)
    return len(plan.changes)


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value
