"""Write an import plan in the caller's one transaction, in chunks that can be cancelled.

New accounts are created unassigned (collector_id NULL: a supervisor assigns them; their new
issues are unowned until then), with the payment terms and currency the file states; existing
accounts take the terms the file states. New pros are inserted in bulk; items are opened,
resolved, reopened and turned into disputes as `import_issues` plans them; credits (negative
amounts) are kept as open credits with no issue. Changed pros are updated in place
(version + 1). Pros closed by the file (zero balance or a paid date) or, with close-missing,
absent from a full register are closed with a zero balance on their paid date (else the import
date). Every change of a pro's paid part is written as a dated `payments` row (see
`import_plan`), so what the KPIs rebuild from payments is what the open balances say.

Between chunks `checkpoint` reports progress and raises `ImportCancelled` when the user
cancelled: the exception leaves the transaction, which rolls back everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Column, Table, delete, func, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import PaymentKind
from arbench.services.base import Actor, ServiceError
from arbench.services.bulk_sql import (
    dialect_of,
    execute_many,
    fetch,
    insert_rows,
    stored,
    stored_one,
    update_rows,
)
from arbench.services.intake.import_accounts import write_account_changes
from arbench.services.intake.import_issues import (
    Writing,
    convert_disputes,
    open_items,
    reopen_items,
    resolve_items,
)
from arbench.services.intake.import_plan import ImportPlan
from arbench.services.organization.onboarding import create_checklists
from arbench.services.settings import read_settings
from arbench.store.models import Account, AuditEvent, ChargeLine, Payment, Pro

CHUNK = 2000
T = TypeVar("T")


class ImportCancelled(ServiceError):
    """The user cancelled the import; nothing was written."""

    def __init__(self) -> None:
        super().__init__("import cancelled; the database is unchanged")


@dataclass
class Progress:
    """Reports progress and checks the cancel flag between chunks."""

    total: int
    report: Callable[[int, int], None] | None = None
    cancelled: Callable[[], bool] | None = None
    done: int = 0

    def step(self, count: int) -> None:
        self.done = min(self.total, self.done + count)
        if self.report is not None:
            self.report(self.done, self.total)
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled()


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Applied:
    accounts_created: int = 0
    accounts_updated: int = 0
    issues_opened: int = 0
    issues_resolved: int = 0
    issues_reopened: int = 0
    disputes_opened: int = 0
    movements: int = 0
    closed: int = 0


def apply_plan(
    session: Session,
    actor: Actor,
    plan: ImportPlan,
    *,
    close_missing: bool,
    on: date,
    stamp: datetime,
    file_name: str,
    batch_id: int,
    progress: Progress,
) -> Applied:
    """Write the plan (accounts, pros, charges, items, closes, money movements); the caller
    owns the transaction."""
    applied = Applied()
    w = Writing(session, actor, on, stamp, file_name)
    applied.accounts_created = _create_accounts(session, actor, plan, stamp)
    if applied.accounts_created and plan.accounts.book:  # a book's first load: known customers
        new = [plan.account_ids[number] for number in sorted(plan.new_accounts)]
        create_checklists(session, actor, new, "import", on)  # onboarding before the 1st invoice
    applied.accounts_updated = write_account_changes(session, actor, plan.accounts)
    new_ids = _insert_pros(session, plan, on, progress)
    _update_pros(session, plan, on, progress)
    _write_charges(session, plan, _ids_of(session, plan.charges))
    applied.movements = _write_movements(w, plan, new_ids, close_missing, batch_id)
    progress.step(0)
    applied.issues_opened = open_items(w, plan, new_ids)
    applied.issues_reopened = reopen_items(w, plan)
    convert_disputes(w, plan)
    applied.closed = _close_pros(w, plan, close_missing)
    why = f"register {file_name}"
    applied.issues_resolved = resolve_items(w, plan.issues.closing, why)
    if close_missing:
        applied.issues_resolved += resolve_items(w, plan.issues.missing, f"{why} (absent)")
    counts = plan.issues.counts(plan.columns.values["disputed"], close_missing)
    applied.disputes_opened = counts["disputes_opened"]  # new, reopened and converted items
    progress.step(progress.total)
    return applied


def _create_accounts(session: Session, actor: Actor, plan: ImportPlan, stamp: datetime) -> int:
    if not plan.new_accounts:
        return 0
    top = session.scalar(select(func.max(Account.id))) or 0
    home = read_settings(session).company_currency
    rows = [
        {"number": number, "name": (name or number)[:200], "collector_id": None,
         "credit_limit": 0, "risk_score": 0, "credit_hold": False, "po_required": False,
         "pod_required": False, "edi_210": False, "version": 1}
        | plan.accounts.new_account_values(number, plan.new_currencies.get(number, home))
        for number, name in sorted(plan.new_accounts.items())
    ]  # fmt: skip
    session.execute(_table(Account).insert(), rows)
    created = session.execute(
        select(Account.id, Account.number, Account.name).where(Account.id > top)
    ).all()
    currency = {row["number"]: row["currency"] for row in rows}
    events = []
    for account_id, number, name in created:
        plan.account_ids[number] = account_id
        events.append(
            {"at": stamp, "user_login": actor.login, "action": "account.create",
             "entity": "account", "entity_id": account_id, "before": None,
             "after": {"number": number, "name": name, "collector_id": None,
                       "currency": currency[number]}}
        )  # fmt: skip
    session.execute(_table(AuditEvent).insert(), events)
    return len(created)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _insert_pros(
    session: Session, plan: ImportPlan, on: date, progress: Progress
) -> dict[str, int]:
    """Insert the new pros as stored tuples, CHUNK rows per executemany; {pro: id}."""
    if not plan.new_positions:
        return {}
    dialect = dialect_of(session)
    top = session.scalar(select(func.max(Pro.id))) or 0
    cols = plan.columns.values
    names = [n for n in plan.values if n != "pod_on_file"]
    fixed = ("billed", "import", 1)
    paid = cols["paid_date"]
    closed_on = stored(
        dialect, _column(Pro, "closed_on"), [paid[i] or on for i in plan.new_positions]
    )
    closed_at = dict(zip(plan.new_positions, closed_on, strict=True))
    pod = plan.values.get("pod_on_file") or [False] * len(plan.columns)
    pod_stored = {v: stored_one(dialect, _column(Pro, "pod_on_file"), v) for v in (True, False)}
    account_ids = plan.account_ids
    for part in chunks(plan.new_positions):
        balances = [cols["open_balance"][i] for i in part]
        rows = zip(
            [cols["pro"][i] for i in part],
            [account_ids[cols["account_number"][i]] for i in part],
            ["open" if b else "closed" for b in balances],
            [None if b else closed_at[i] for b, i in zip(balances, part, strict=True)],
            [pod_stored[bool(pod[i])] for i in part],
            *([plan.values[n][i] for i in part] for n in names),
            strict=True,
        )
        insert_rows(session, _table(Pro), [*_NEW_PRO, *names, *_FIXED],
                    [(*row, *fixed) for row in rows])  # fmt: skip
        progress.step(len(part))
    created = set(cols["pro"][i] for i in plan.new_positions)
    found = fetch(session, "SELECT pro, id FROM pros WHERE id > {mark}", [top])
    return {pro: pro_id for pro, pro_id in found if pro in created}


_NEW_PRO = ("pro", "account_id", "status", "closed_on", "pod_on_file")
_FIXED = ("billing_status", "source", "version")


def _column(model: type[Any], name: str) -> Column[Any]:
    column = _table(model).c[name]
    assert isinstance(column, Column)
    return column


def _update_pros(session: Session, plan: ImportPlan, on: date, progress: Progress) -> None:
    """UPDATE the changed pros by id, grouped by the set of columns each one writes."""
    if not plan.changed:
        return
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for change in plan.changed:
        values = dict(change.values)
        values["account_id"] = plan.account_ids[change.account_number]
        if change.after.get("status") == "open":
            values.update(status="open", closed_on=None)
        values["version"] = change.version + 1
        key = tuple(sorted(values))
        groups.setdefault(key, []).append((*(values[k] for k in key), change.pro_id))
    for key, rows in groups.items():
        for part in chunks(rows):
            update_rows(session, _table(Pro), key, part)
            progress.step(len(part))


def _ids_of(session: Session, charges: dict[str, Any]) -> dict[str, int]:
    pros = list(charges)
    found: dict[str, int] = {}
    for part in chunks(pros, 900):
        found.update(dict(session.execute(select(Pro.pro, Pro.id).where(Pro.pro.in_(part))).all()))
    return found


def _write_charges(session: Session, plan: ImportPlan, ids: dict[str, int]) -> None:
    if not plan.charges:
        return
    pro_ids = [ids[pro] for pro in plan.charges]
    for part in chunks(pro_ids, 900):
        session.execute(delete(ChargeLine).where(ChargeLine.pro_id.in_(part)))
    rows = [
        {"pro_id": ids[pro], "seq": c.seq, "kind": c.kind, "code": c.code,
         "description": c.description, "amount": c.amount}
        for pro, lines in plan.charges.items()
        for c in lines
    ]  # fmt: skip
    if rows:
        session.execute(_table(ChargeLine).insert(), rows)


def _close_pros(w: Writing, plan: ImportPlan, close_missing: bool) -> int:
    """Close pros with a zero balance, on their paid date when the file gives one."""
    dialect = dialect_of(w.session)
    ids = plan.close_ids + (plan.missing_ids if close_missing else [])
    days = [plan.close_days.get(pro_id, w.on) for pro_id in ids]
    stored_days = stored(dialect, _column(Pro, "closed_on"), days)
    sql = ("UPDATE pros SET status = 'closed', open_balance = 0, closed_on = {mark}, "
           "version = version + 1 WHERE id = {mark}")  # fmt: skip
    rows = list(zip(stored_days, ids, strict=True))
    for part in chunks(rows):
        execute_many(w.session, sql, 2, part)
    return len(ids)


_PAYMENT_COLUMNS = ("account_id", "pro_id", "kind", "amount", "received_on", "reference",
                    "batch_id", "created_at")  # fmt: skip


def _write_movements(
    w: Writing, plan: ImportPlan, new_ids: dict[str, int], close_missing: bool, batch_id: int
) -> int:
    """One dated `payments` row per change of a pro's paid part (see import_plan), and one
    for the open balance of each pro closed as absent from the register."""
    cols = plan.columns.values
    pros, numbers = cols["pro"], cols["account_number"]
    reference = f"register {w.file_name}"[:64]
    rows: list[tuple[Any, ...]] = [
        (plan.account_ids[numbers[i]], new_ids[pros[i]] if pro_id is None else pro_id, kind,
         cents, day or w.on, reference)
        for pro_id, i, cents, day, kind in plan.movements
    ]  # fmt: skip
    if close_missing:
        absent = f"absent from {w.file_name}"[:64]
        register = PaymentKind.REGISTER.value
        rows += [(account_id, pro_id, register, cents, w.on, absent)
                 for pro_id, account_id, cents in plan.missing if cents]  # fmt: skip
    if not rows:
        return 0
    dialect = dialect_of(w.session)
    days = stored(dialect, _column(Payment, "received_on"), [row[4] for row in rows])
    at = stored_one(dialect, _column(Payment, "created_at"), w.stamp)
    final = [(*row[:4], day, row[5], batch_id, at) for row, day in zip(rows, days, strict=True)]
    for part in chunks(final):
        insert_rows(w.session, _table(Payment), _PAYMENT_COLUMNS, part)
    return len(final)
