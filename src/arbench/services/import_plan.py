"""Compare an invoice file with the book: what is new, what changed, what would close.

`plan_import` works on the file's typed columns (`RegisterColumns`) and sorts every row into
new, changed or unchanged with one set-based pass: the book's pros that the file names are
fetched by PRO in chunks, as raw tuples, and compared with the file's values converted to the
form the database stores (`bulk_sql.stored`: dates and money exactly as written). Rows whose open
balance is zero, and (for a full register) open pros the file no longer lists, are to be closed.
The plan is plain data: a dry run shows it, the apply step (`import_apply`) writes it. Only the
columns the file carries are compared, so a register without a weight column never erases the
weights already on file; a row without a due date (none in the file, none derivable) leaves the
book's due date alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from arbench.io.registers import RegisterColumns
from arbench.services.bulk_sql import dialect_of, fetch, stored
from arbench.services.import_read import ChargeRow, InvoiceFile
from arbench.store.models import Account, ChargeLine, Pro

PRO_FIELDS: tuple[str, ...] = (
    "bol", "invoice_number", "invoice_date", "due_date", "shipper", "consignee", "origin",
    "destination", "ship_date", "delivery_date", "pieces", "weight", "freight_class", "terms",
    "pod_on_file", "amount", "open_balance",
)  # fmt: skip
ALWAYS = frozenset({"amount", "open_balance"})  # open_balance defaults to amount
OPTIONAL = frozenset({"due_date", "bill_to"})  # None: leave the book's value alone
DEFAULT_TERMS_DAYS = 30
LOOKUP_CHUNK = 900  # PROs per `IN (...)` look-up (SQLite's historic limit is 999 parameters)
_HEAD = ("id", "pro", "account_id", "status", "version")


@dataclass(slots=True)
class ProChange:
    """An existing pro whose values in the file differ from the book."""

    pro_id: int
    pro: str
    account_number: str
    version: int
    before: dict[str, Any]  # stored values
    after: dict[str, Any]  # the changed values only
    values: dict[str, Any]  # every value the file carries for the row, stored, to write


@dataclass(slots=True)
class ImportPlan:
    columns: RegisterColumns = field(default_factory=lambda: RegisterColumns.from_rows([]))
    values: dict[str, list[Any]] = field(default_factory=dict)  # field -> stored values
    new_accounts: dict[str, str | None] = field(default_factory=dict)  # number -> name
    new_currencies: dict[str, str] = field(default_factory=dict)  # new account -> currency (210)
    account_ids: dict[str, int] = field(default_factory=dict)  # existing number -> id
    collectors: dict[str, int | None] = field(default_factory=dict)  # number -> collector id
    terms_days: dict[str, int] = field(default_factory=dict)  # number -> payment terms
    currency_of: dict[str, str] = field(default_factory=dict)  # file's existing accounts
    new_positions: list[int] = field(default_factory=list)  # rows of the file that are new
    changed: list[ProChange] = field(default_factory=list)
    close_ids: list[int] = field(default_factory=list)  # zero balance in the file
    missing_ids: list[int] = field(default_factory=list)  # open pros absent from the file
    charges: dict[str, list[ChargeRow]] = field(default_factory=dict)  # pro -> lines to write
    number_of: dict[int, str] = field(default_factory=dict)  # existing account id -> number
    unchanged: int = 0
    credits: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.new_positions or self.changed or self.new_accounts or self.charges)

    @property
    def issues_to_open(self) -> int:
        balances = self.columns.values["open_balance"]
        return sum(1 for i in self.new_positions if balances[i] > 0)


def plan_import(session: Session, data: InvoiceFile) -> ImportPlan:
    """Sort the file's rows against the book (read only).

    The file is compared `LOOKUP_CHUNK` rows at a time, right after the book's rows for those
    PROs are fetched, so only one chunk's rows are held in a dict: a dict of every PRO of a
    million-row file (and the random memory reads into it) cost more per row than the chunk's
    look-up itself.
    """
    plan = ImportPlan(columns=data.columns)
    _load_accounts(session, plan)
    plan.new_currencies = {
        n: c for n, c in data.account_currencies.items() if n in plan.new_accounts
    }
    plan.values = _stored_values(session, data, plan)
    cols = plan.columns.values
    plan.credits = sum(1 for cents in cols["amount"] if cents < 0)
    charged: dict[str, Any] = {}  # PRO -> book row, for files with charge lines (210)
    found_open: list[int] = []  # ids of the book's open pros the file lists
    lookup = _lookup_sql([*_HEAD, *plan.values])
    pros = cols["pro"]
    for start in range(0, len(pros), LOOKUP_CHUNK):
        keys = pros[start : start + LOOKUP_CHUNK]
        book = {row[1]: row for row in fetch(session, lookup, keys=keys)}
        _plan_chunk(plan, data, book, start, found_open)
        if data.charges:
            charged.update((pro, row) for pro, row in book.items() if pro in data.charges)
    _plan_charges(session, data, plan, charged)
    if data.kind == "invoices":  # a 210 file is never a full register
        plan.missing_ids = _missing_open(session, found_open)
    return plan


def _lookup_sql(select_list: list[str]) -> str:
    """The book's pros by PRO, raw: id, pro, account_id, status, version, the file's fields."""
    return f"SELECT {', '.join(select_list)} FROM pros WHERE pro IN ({{keys}})"


def _plan_chunk(
    plan: ImportPlan, data: InvoiceFile, book: dict[str, Any], start: int, found_open: list[int]
) -> None:
    """Sort the file's rows from `start` (one look-up chunk) into new, changed, unchanged."""
    cols = plan.columns.values
    pros, balances = cols["pro"], cols["open_balance"]
    names = list(plan.values)
    number_of = plan.number_of
    for position in range(start, min(start + LOOKUP_CHUNK, len(pros))):
        pro = pros[position]
        existing = book.get(pro)
        if existing is None:
            plan.new_positions.append(position)
            if pro in data.charges:
                plan.charges[pro] = data.charges[pro]
            continue
        change = _compare(plan, existing, position, names, number_of)
        if change is None:
            plan.unchanged += 1
        else:
            plan.changed.append(change)
        if existing[3] == "open":
            found_open.append(existing[0])
            if balances[position] == 0:
                plan.close_ids.append(existing[0])


def _missing_open(session: Session, found_open: list[int]) -> list[int]:
    """Ids of the book's open pros that the file does not list, in id order."""
    listed = set(found_open)
    open_ids = fetch(session, "SELECT id FROM pros WHERE status = 'open' ORDER BY id")
    if len(open_ids) == len(listed):  # every open pro is listed (found_open is a subset)
        return []
    return [pro_id for (pro_id,) in open_ids if pro_id not in listed]


def _column(name: str) -> Column[Any]:
    column = Pro.__table__.c[name]
    assert isinstance(column, Column)
    return column


def _stored_values(session: Session, data: InvoiceFile, plan: ImportPlan) -> dict[str, list[Any]]:
    """The values to compare and write, per field, in the form the database stores."""
    cols = plan.columns.values
    wanted = [n for n in PRO_FIELDS if n in data.fields or n in ALWAYS]
    python: dict[str, list[Any]] = {n: cols[n] for n in wanted}
    if "terms" in python:
        python["terms"] = [None if t is None else t.value for t in python["terms"]]
    if "due_date" in python or "invoice_date" in python:
        python["due_date"] = _due_dates(plan, cols)
    if data.bill_to:
        python["bill_to"] = [data.bill_to.get(pro) for pro in cols["pro"]]
    dialect = dialect_of(session)
    return {name: stored(dialect, _column(name), values) for name, values in python.items()}


def _due_dates(plan: ImportPlan, cols: dict[str, list[Any]]) -> list[date | None]:
    """The due date given, else the invoice date plus the account's payment terms."""
    given: list[date | None] = cols["due_date"]
    if all(d is not None for d in given):
        return given
    days = plan.terms_days
    return [
        due if due is not None or invoiced is None
        else invoiced + timedelta(days=days.get(number, DEFAULT_TERMS_DAYS))
        for due, invoiced, number in zip(given, cols["invoice_date"], cols["account_number"],
                                         strict=True)
    ]  # fmt: skip


def _load_accounts(session: Session, plan: ImportPlan) -> None:
    cols = plan.columns.values
    numbers = set(cols["account_number"])
    for number, account_id, collector_id, days, currency in session.execute(
        select(Account.number, Account.id, Account.collector_id, Account.payment_terms_days,
               Account.currency)
    ):  # fmt: skip
        plan.account_ids[number] = account_id
        if number in numbers:
            plan.collectors[number] = collector_id
            plan.terms_days[number] = days
            plan.currency_of[number] = currency
    for number, name in zip(cols["account_number"], cols["account_name"], strict=True):
        if number not in plan.account_ids:
            plan.new_accounts[number] = plan.new_accounts.get(number) or name
            plan.collectors[number] = None
    plan.number_of = {v: k for k, v in plan.account_ids.items()}


def _compare(
    plan: ImportPlan, existing: Any, position: int, names: list[str], number_of: dict[int, str]
) -> ProChange | None:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for offset, name in enumerate(names, start=len(_HEAD)):
        value = plan.values[name][position]
        if value is None and name in OPTIONAL:
            continue
        values[name] = value
        if existing[offset] != value:
            before[name], after[name] = existing[offset], value
    number = plan.columns.values["account_number"][position]
    if number_of.get(existing[2]) != number:
        before["account_number"], after["account_number"] = number_of.get(existing[2]), number
    if existing[3] == "closed" and plan.columns.values["open_balance"][position] != 0:
        before["status"], after["status"] = "closed", "open"
    if not after:
        return None
    pro = plan.columns.values["pro"][position]
    return ProChange(existing[0], pro, number, existing[4], before, after, values)


def _plan_charges(
    session: Session, data: InvoiceFile, plan: ImportPlan, book: dict[str, Any]
) -> None:
    existing_ids = {book[pro][0]: pro for pro in data.charges if pro in book}
    if not existing_ids:
        return
    on_file: dict[str, list[tuple[Any, ...]]] = {pro: [] for pro in existing_ids.values()}
    ids = list(existing_ids)
    for start in range(0, len(ids), LOOKUP_CHUNK):
        for line in session.scalars(
            select(ChargeLine)
            .where(ChargeLine.pro_id.in_(ids[start : start + LOOKUP_CHUNK]))
            .order_by(ChargeLine.pro_id, ChargeLine.seq)
        ):
            on_file[existing_ids[line.pro_id]].append(
                (line.kind, line.code, line.description, line.amount)
            )
    for pro, lines in on_file.items():
        wanted = [(c.kind, c.code, c.description, c.amount) for c in data.charges[pro]]
        if wanted != lines:
            plan.charges[pro] = data.charges[pro]
