"""Compare an invoice file with the book: what is new, what changed, what would close.

`plan_import` works on the file's typed columns (`RegisterColumns`) and sorts every row into
new, changed or unchanged with one set-based pass: the book's pros that the file names are
fetched by PRO in chunks, as raw tuples, and compared with the file's values converted to the
form the database stores (`bulk_sql.stored`: dates and money exactly as written). Rows whose open
balance is zero, and (for a full register) open pros the file no longer lists, are to be closed;
closed pros the file lists with a balance reopen.

Money never moves without a record: wherever the file's paid part of a pro (amount less open
balance) differs from the book's, the plan holds a dated movement for the difference, a
`payment` on the row's paid date when it has one, else a `register` adjustment on the import
date (a reopened pro's is negative). So billed amounts less payments, which the KPIs read,
always equal the open balances. The plan is plain data, counted before anything is written: a
dry run shows exactly what the apply step (`import_apply`) then writes. Only the columns the
file carries are compared, so a register without a weight column never erases the weights
already on file; a row without a due date (none in the file, none derivable) leaves the book's
due date alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import PaymentKind
from arbench.io.errors import RowError
from arbench.io.registers import RegisterColumns
from arbench.services.bulk_sql import dialect_of, fetch, stored
from arbench.services.intake.import_accounts import AccountPlan, plan_accounts
from arbench.services.intake.import_read import ChargeRow, InvoiceFile
from arbench.store.models import ChargeLine, Pro

PRO_FIELDS: tuple[str, ...] = (
    "bol", "invoice_number", "invoice_date", "due_date", "shipper", "consignee", "origin",
    "destination", "ship_date", "delivery_date", "pieces", "weight", "freight_class", "terms",
    "pod_on_file", "amount", "open_balance",
)  # fmt: skip
ALWAYS = frozenset({"amount", "open_balance"})  # open_balance defaults to amount
OPTIONAL = frozenset({"due_date", "bill_to"})  # None: leave the book's value alone
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


# A dated money movement on one pro: (pro id or None for a new pro, position in the file,
# cents (positive lowers the balance), day (None: the import date), kind).
Movement = tuple[int | None, int, int, date | None, str]


@dataclass(slots=True)
class ImportPlan:
    columns: RegisterColumns = field(default_factory=lambda: RegisterColumns.from_rows([]))
    values: dict[str, list[Any]] = field(default_factory=dict)  # field -> stored values
    accounts: AccountPlan = field(default_factory=AccountPlan)
    new_accounts: dict[str, str | None] = field(default_factory=dict)  # number -> name
    new_currencies: dict[str, str] = field(default_factory=dict)  # new account -> currency (210)
    account_ids: dict[str, int] = field(default_factory=dict)  # existing number -> id
    collectors: dict[str, int | None] = field(default_factory=dict)  # number -> collector id
    currency_of: dict[str, str] = field(default_factory=dict)  # file's existing accounts
    new_positions: list[int] = field(default_factory=list)  # rows of the file that are new
    changed: list[ProChange] = field(default_factory=list)
    close_ids: list[int] = field(default_factory=list)  # zero balance in the file
    close_days: dict[int, date] = field(default_factory=dict)  # pro id -> paid date given
    missing: list[tuple[int, int, int]] = field(default_factory=list)  # id, account, cents
    reopened: list[tuple[int, int]] = field(default_factory=list)  # pro id, file position
    disputed: list[tuple[int, int]] = field(default_factory=list)  # open pro id, position
    movements: list[Movement] = field(default_factory=list)
    charges: dict[str, list[ChargeRow]] = field(default_factory=dict)  # pro -> lines to write
    number_of: dict[int, str] = field(default_factory=dict)  # existing account id -> number
    issues: Any = None  # import_issues.IssuePlan: items to resolve, reopen, open, convert
    errors: list[RowError] = field(default_factory=list)  # rows the book refuses
    unchanged: int = 0
    credits: int = 0

    @property
    def missing_ids(self) -> list[int]:
        return [pro_id for pro_id, _, _ in self.missing]

    @property
    def has_changes(self) -> bool:
        return bool(self.new_positions or self.changed or self.new_accounts or self.charges
                    or self.accounts.changes or (self.issues and self.issues.convert))  # fmt: skip


def plan_import(
    session: Session, data: InvoiceFile, merge_leading_zeros: bool = False
) -> ImportPlan:
    """Sort the file's rows against the book (read only).

    The file is compared `LOOKUP_CHUNK` rows at a time, right after the book's rows for those
    PROs are fetched, so only one chunk's rows are held in a dict: a dict of every PRO of a
    million-row file (and the random memory reads into it) cost more per row than the chunk's
    look-up itself.
    """
    from arbench.services.intake.import_issues import plan_issues

    accounts, columns = plan_accounts(session, data.columns, merge_leading_zeros)
    plan = ImportPlan(columns=columns, accounts=accounts, errors=list(accounts.errors))
    if plan.errors:
        return plan
    _load_accounts(plan)
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
    _plan_new_movements(plan)
    if data.kind == "invoices":  # a 210 file is never a full register
        plan.missing = _missing_open(session, found_open)
    plan.issues = plan_issues(session, plan)
    return plan


def _lookup_sql(select_list: list[str]) -> str:
    """The book's pros by PRO, raw: id, pro, account_id, status, version, the file's fields."""
    return f"SELECT {', '.join(select_list)} FROM pros WHERE pro IN ({{keys}})"


def _plan_chunk(
    plan: ImportPlan, data: InvoiceFile, book: dict[str, Any], start: int, found_open: list[int]
) -> None:
    """Sort the file's rows from `start` (one look-up chunk) into new, changed, unchanged."""
    pros = plan.columns.values["pro"]
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
            _plan_money(plan, existing, position, change)
        if existing[3] == "open":
            found_open.append(existing[0])
            _plan_open(plan, existing[0], position)


def _plan_open(plan: ImportPlan, pro_id: int, position: int) -> None:
    """An open pro the file lists: closed by a zero balance, or flagged disputed."""
    cols = plan.columns.values
    balance = cols["open_balance"][position]
    if balance == 0:
        plan.close_ids.append(pro_id)
        if (paid := cols["paid_date"][position]) is not None:
            plan.close_days[pro_id] = paid
    elif balance > 0 and cols["disputed"][position]:
        plan.disputed.append((pro_id, position))


def _plan_money(plan: ImportPlan, existing: Any, position: int, change: ProChange) -> None:
    """The movement for a changed pro's paid part (amount less balance), and its reopening."""
    cols = plan.columns.values
    if change.after.get("status") == "open":
        plan.reopened.append((existing[0], position))
    if "amount" not in change.after and "open_balance" not in change.after:
        return
    old_amount = change.before.get("amount", change.values["amount"])
    old_balance = change.before.get("open_balance", change.values["open_balance"])
    paid_now = cols["amount"][position] - cols["open_balance"][position]
    cents = paid_now - (old_amount - old_balance)
    if cents:
        paid_on = cols["paid_date"][position]
        kind = PaymentKind.PAYMENT if paid_on is not None and cents > 0 else PaymentKind.REGISTER
        plan.movements.append((existing[0], position, cents, paid_on, kind.value))


def _plan_new_movements(plan: ImportPlan) -> None:
    """A new pro whose file balance is below its amount was paid (in part) before: a dated
    payment when the file gives the paid date, else a register adjustment on the import day."""
    cols = plan.columns.values
    amounts, balances, paid = cols["amount"], cols["open_balance"], cols["paid_date"]
    payment, register = PaymentKind.PAYMENT.value, PaymentKind.REGISTER.value
    for position in plan.new_positions:
        cents = amounts[position] - balances[position]
        if cents:
            day = paid[position]
            kind = payment if day is not None and cents > 0 else register
            plan.movements.append((None, position, cents, day, kind))


def _missing_open(session: Session, found_open: list[int]) -> list[tuple[int, int, int]]:
    """The book's open pros that the file does not list (id, account id, open balance in
    cents), in id order."""
    listed = set(found_open)
    count = fetch(session, "SELECT COUNT(*) FROM pros WHERE status = 'open'")[0][0]
    if count == len(listed):  # every open pro is listed (found_open is a subset)
        return []
    open_pros = fetch(
        session, "SELECT id, account_id, open_balance FROM pros WHERE status = 'open' ORDER BY id"
    )
    return [(i, a, int(b)) for i, a, b in open_pros if i not in listed]


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
    """The due date given, else the invoice date plus the row's payment terms, else the
    account's (the file's terms for it, else the book's, else 30 days)."""
    given: list[date | None] = cols["due_date"]
    if all(d is not None for d in given):
        return given
    days = {n: plan.accounts.terms_days(n) for n in set(cols["account_number"])}
    return [
        due if due is not None or invoiced is None
        else invoiced + timedelta(days=terms.net_days if terms is not None
                                  and terms.net_days is not None else days[number])
        for due, invoiced, number, terms in zip(given, cols["invoice_date"],
                                                cols["account_number"], cols["payment_terms"],
                                                strict=True)
    ]  # fmt: skip


def _load_accounts(plan: ImportPlan) -> None:
    cols = plan.columns.values
    book = plan.accounts.book
    plan.account_ids = {number: known.id for number, known in book.items()}
    for number, name in zip(cols["account_number"], cols["account_name"], strict=True):
        known = book.get(number)
        if known is not None:
            plan.collectors[number] = known.collector_id
            plan.currency_of[number] = known.currency
        else:
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
