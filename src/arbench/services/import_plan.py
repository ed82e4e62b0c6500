"""Compare an invoice file with the book: what is new, what changed, what would close.

`plan_import` reads the book's pros in one query and sorts every row of the file into new,
changed or unchanged; rows whose open balance is zero, and (for a full register) open pros the
file no longer lists, are to be closed. The plan is plain data: a dry run shows it, the apply
step (`import_apply`) writes it. Only the columns the file carries are compared, so a register
without a weight column never erases the weights already on file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.io.registers import RegisterRow
from arbench.services.import_read import ChargeRow, InvoiceFile
from arbench.store.models import Account, ChargeLine, Pro

PRO_FIELDS: tuple[str, ...] = (
    "bol", "invoice_number", "invoice_date", "due_date", "shipper", "consignee", "origin",
    "destination", "ship_date", "delivery_date", "pieces", "weight", "freight_class", "terms",
    "pod_on_file", "amount", "open_balance",
)  # fmt: skip
ALWAYS = frozenset({"amount", "open_balance"})  # open_balance defaults to amount
DEFAULT_TERMS_DAYS = 30


@dataclass(slots=True)
class ProChange:
    """An existing pro whose values in the file differ from the book."""

    pro_id: int
    pro: str
    account_number: str
    version: int
    before: dict[str, Any]
    after: dict[str, Any]  # the changed values only
    values: dict[str, Any]  # every value the file carries, to write


@dataclass(slots=True)
class ImportPlan:
    new_accounts: dict[str, str | None] = field(default_factory=dict)  # number -> name
    account_ids: dict[str, int] = field(default_factory=dict)  # existing number -> id
    collectors: dict[str, int | None] = field(default_factory=dict)  # number -> collector id
    terms_days: dict[str, int] = field(default_factory=dict)  # number -> payment terms
    new_rows: list[tuple[RegisterRow, dict[str, Any]]] = field(default_factory=list)
    changed: list[ProChange] = field(default_factory=list)
    close_ids: list[int] = field(default_factory=list)  # zero balance in the file
    missing_ids: list[int] = field(default_factory=list)  # open pros absent from the file
    charges: dict[str, list[ChargeRow]] = field(default_factory=dict)  # pro -> lines to write
    unchanged: int = 0
    credits: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.new_rows or self.changed or self.new_accounts or self.charges)


def _values(
    row: RegisterRow, fields: frozenset[str], terms_days: int, bill_to: str | None
) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(row, name) for name in PRO_FIELDS if name in fields or name in ALWAYS
    }
    if "terms" in values and values["terms"] is not None:
        values["terms"] = values["terms"].value
    if values.get("due_date") is None and row.invoice_date is not None:
        values["due_date"] = row.invoice_date + timedelta(days=terms_days)
    if values.get("due_date") is None:
        values.pop("due_date", None)
    if bill_to is not None:
        values["bill_to"] = bill_to
    return values


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old == new
    return bool(old == new)


def plan_import(session: Session, data: InvoiceFile) -> ImportPlan:
    """Sort the file's rows against the book (read only)."""
    plan = ImportPlan()
    _load_accounts(session, data, plan)
    columns = [Pro.id, Pro.pro, Pro.account_id, Pro.status, Pro.version, Pro.bill_to] + [
        getattr(Pro, name) for name in PRO_FIELDS
    ]
    book: dict[str, Mapping[str, Any]] = {
        r.pro: dict(r._mapping) for r in session.execute(select(*columns))
    }
    number_of = {v: k for k, v in plan.account_ids.items()}
    in_file: set[str] = set()
    for row in data.rows:
        in_file.add(row.pro)
        terms_days = plan.terms_days.get(row.account_number, DEFAULT_TERMS_DAYS)
        values = _values(row, data.fields, terms_days, data.bill_to.get(row.pro))
        plan.credits += row.amount < 0
        existing = book.get(row.pro)
        if existing is None:
            plan.new_rows.append((row, values))
            if row.pro in data.charges:
                plan.charges[row.pro] = data.charges[row.pro]
            continue
        change = _compare(existing, row, values, number_of)
        if change is None:
            plan.unchanged += 1
        else:
            plan.changed.append(change)
        if values["open_balance"] == 0 and existing["status"] == "open":
            plan.close_ids.append(existing["id"])
    _plan_charges(session, data, plan, book)
    if data.kind == "invoices":  # a 210 file is never a full register
        plan.missing_ids = sorted(
            r["id"] for pro, r in book.items() if r["status"] == "open" and pro not in in_file
        )
    return plan


def _load_accounts(session: Session, data: InvoiceFile, plan: ImportPlan) -> None:
    numbers = {row.account_number for row in data.rows}
    for number, account_id, collector_id, days in session.execute(
        select(Account.number, Account.id, Account.collector_id, Account.payment_terms_days)
    ):
        plan.account_ids[number] = account_id
        if number in numbers:
            plan.collectors[number] = collector_id
            plan.terms_days[number] = days
    for row in data.rows:
        if row.account_number not in plan.account_ids:
            name = plan.new_accounts.get(row.account_number) or row.account_name
            plan.new_accounts[row.account_number] = name
            plan.collectors[row.account_number] = None


def _compare(
    existing: Mapping[str, Any], row: RegisterRow, values: dict[str, Any], number_of: dict[int, str]
) -> ProChange | None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in values.items():
        if not _same(existing[name], value):
            before[name], after[name] = existing[name], value
    if number_of.get(existing["account_id"]) != row.account_number:
        before["account_number"] = number_of.get(existing["account_id"])
        after["account_number"] = row.account_number
    reopen = existing["status"] == "closed" and values["open_balance"] != 0
    if reopen:
        before["status"], after["status"] = "closed", "open"
    if not after:
        return None
    return ProChange(
        existing["id"], row.pro, row.account_number, existing["version"], before, after, values
    )


def _plan_charges(
    session: Session, data: InvoiceFile, plan: ImportPlan, book: Mapping[str, Mapping[str, Any]]
) -> None:
    existing_ids = {book[pro]["id"]: pro for pro in data.charges if pro in book}
    if not existing_ids:
        return
    on_file: dict[str, list[tuple[Any, ...]]] = {pro: [] for pro in existing_ids.values()}
    ids = list(existing_ids)
    for start in range(0, len(ids), 900):
        for line in session.scalars(
            select(ChargeLine)
            .where(ChargeLine.pro_id.in_(ids[start : start + 900]))
            .order_by(ChargeLine.pro_id, ChargeLine.seq)
        ):
            on_file[existing_ids[line.pro_id]].append(
                (line.kind, line.code, line.description, line.amount)
            )
    for pro, lines in on_file.items():
        wanted = [(c.kind, c.code, c.description, c.amount) for c in data.charges[pro]]
        if wanted != lines:
            plan.charges[pro] = data.charges[pro]
