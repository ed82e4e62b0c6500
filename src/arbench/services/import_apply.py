"""Write an import plan in the caller's one transaction, in chunks that can be cancelled.

New accounts are created unassigned (collector_id NULL: a supervisor assigns them; their new
issues are unowned until then). New pros are inserted in bulk; each new open pro with a
positive balance gets an open pro-level `past_due` issue owned by the account's collector and a
timeline entry; credits (negative amounts) are kept as open credits with no issue. Changed pros
are updated in place (version + 1). Pros closed by the file (zero balance) or, with
close-missing, absent from a full register are closed with a zero balance, and their open
issues resolved as `paid_in_full` with a timeline entry and an audit event each.

Between chunks `checkpoint` reports progress and raises `ImportCancelled` when the user
cancelled: the exception leaves the transaction, which rolls back everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Column, Table, delete, func, select, update
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind, IssueStatus, Level
from arbench.services.base import Actor, ServiceError
from arbench.services.bulk_sql import (
    dialect_of,
    execute,
    fetch,
    insert_rows,
    stored_one,
    typed_mark,
    update_rows,
)
from arbench.services.import_plan import ImportPlan
from arbench.store.models import Account, Activity, AuditEvent, ChargeLine, Issue, Pro

CHUNK = 2000
OPEN = [s.value for s in OPEN_STATUSES]
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
    issues_opened: int = 0
    issues_resolved: int = 0
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
    progress: Progress,
) -> Applied:
    """Write the plan (accounts, pros, charges, issues, closes); the caller owns the transaction."""
    applied = Applied()
    applied.accounts_created = _create_accounts(session, actor, plan, stamp)
    new_ids = _insert_pros(session, plan, on, progress)
    _update_pros(session, plan, on, progress)
    _write_charges(session, plan, _ids_of(session, plan.charges))
    applied.issues_opened = _open_issues(
        session, actor, plan, new_ids, on, stamp, file_name, progress
    )
    close = plan.close_ids + (plan.missing_ids if close_missing else [])
    applied.closed = len(close)
    applied.issues_resolved = close_pros(session, actor, close, on, stamp, f"register {file_name}")
    progress.step(progress.total)
    return applied


def _create_accounts(session: Session, actor: Actor, plan: ImportPlan, stamp: datetime) -> int:
    if not plan.new_accounts:
        return 0
    top = session.scalar(select(func.max(Account.id))) or 0
    rows = [
        {"number": number, "name": (name or number)[:200], "collector_id": None,
         "payment_terms_days": 30, "credit_limit": 0, "risk_score": 0, "credit_hold": False,
         "po_required": False, "pod_required": False, "edi_210": False, "version": 1,
         "currency": plan.new_currencies.get(number, "USD")}
        for number, name in sorted(plan.new_accounts.items())
    ]  # fmt: skip
    session.execute(_table(Account).insert(), rows)
    created = session.execute(
        select(Account.id, Account.number, Account.name).where(Account.id > top)
    ).all()
    events = []
    for account_id, number, name in created:
        plan.account_ids[number] = account_id
        events.append(
            {"at": stamp, "user_login": actor.login, "action": "account.create",
             "entity": "account", "entity_id": account_id, "before": None,
             "after": {"number": number, "name": name, "collector_id": None,
                       "currency": plan.new_currencies.get(number, "USD")}}
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
    closed_on = stored_one(dialect, _column(Pro, "closed_on"), on)
    pod = plan.values.get("pod_on_file") or [False] * len(plan.columns)
    pod_stored = {v: stored_one(dialect, _column(Pro, "pod_on_file"), v) for v in (True, False)}
    account_ids = plan.account_ids
    for part in chunks(plan.new_positions):
        balances = [cols["open_balance"][i] for i in part]
        rows = zip(
            [cols["pro"][i] for i in part],
            [account_ids[cols["account_number"][i]] for i in part],
            ["open" if b else "closed" for b in balances],
            [None if b else closed_on for b in balances],
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


def _open_issues(
    session: Session, actor: Actor, plan: ImportPlan, new_ids: dict[str, int],
    on: date, stamp: datetime, file_name: str, progress: Progress,
) -> int:  # fmt: skip
    """A past-due item and its timeline entry for each new pro with a positive balance."""
    cols = plan.columns.values
    owing = [i for i in plan.new_positions if cols["open_balance"][i] > 0]
    if not owing:
        return 0
    dialect = dialect_of(session)
    at = stored_one(dialect, _column(Issue, "created_at"), stamp)
    no = stored_one(dialect, _column(Issue, "recurrence"), False)
    constants = (Level.PRO.value, "past_due", IssueStatus.OPEN.value,
                 stored_one(dialect, _column(Issue, "opened_on"), on), "import", at, at, 1, 0,
                 no, no)  # fmt: skip
    marks = ", ".join(typed_mark(dialect, t) for t in _ISSUE_CONSTANT_TYPES)
    sql = (f"INSERT INTO issues ({', '.join(_ISSUE_COLUMNS)}) "
           f"SELECT p.account_id, p.id, a.collector_id, {marks} "
           "FROM pros p JOIN accounts a ON a.id = p.account_id WHERE p.id IN ({keys})")  # fmt: skip
    pros = cols["pro"]
    top = session.scalar(select(func.max(Issue.id))) or 0
    for part in chunks([new_ids[pros[i]] for i in owing], 900):
        execute(session, sql, constants, part)
        progress.step(0)
    balance_of = {pros[i]: cols["open_balance"][i] for i in owing}
    pro_of = {pro_id: pro for pro, pro_id in new_ids.items()}
    created = fetch(session, "SELECT id, account_id, pro_id FROM issues WHERE id > {mark}", [top])
    user, kind = actor.id or None, ActivityKind.IMPORT.value
    activities = [
        (account_id, issue_id, user, at, kind,
         f"PRO {pro} imported from {file_name}: ${_dollars(balance_of[pro])} open, "
         "past due item opened")
        for issue_id, account_id, pro_id in created
        if (pro := pro_of.get(pro_id)) is not None
    ]  # fmt: skip
    for part_rows in chunks(activities):
        insert_rows(session, _table(Activity), _ACTIVITY_COLUMNS, part_rows)
        progress.step(0)
    return len(activities)


_ISSUE_COLUMNS = ("account_id", "pro_id", "owner_id", "level", "type", "status", "opened_on",
                  "source", "created_at", "updated_at", "version", "reopen_count", "recurrence",
                  "promoted")  # fmt: skip
_ISSUE_CONSTANT_TYPES = ("VARCHAR", "VARCHAR", "VARCHAR", "DATE", "VARCHAR", "TIMESTAMP",
                         "TIMESTAMP", "INTEGER", "INTEGER", "BOOLEAN", "BOOLEAN")  # fmt: skip
_ACTIVITY_COLUMNS = ("account_id", "issue_id", "user_id", "at", "kind", "text")


def _dollars(cents: int) -> str:
    """Cents as 1,234.56 (a positive balance)."""
    return f"{cents // 100:,}.{cents % 100:02d}"


def close_pros(
    session: Session, actor: Actor, pro_ids: Sequence[int], on: date, stamp: datetime, why: str
) -> int:
    """Close pros with a zero balance and resolve their open issues as paid in full."""
    if not pro_ids:
        return 0
    issues: list[tuple[int, int, int, str]] = []
    for part in chunks(list(pro_ids), 900):
        session.execute(
            update(Pro)
            .where(Pro.id.in_(part))
            .values(status="closed", open_balance=0, closed_on=on, version=Pro.version + 1)
            .execution_options(synchronize_session=False)
        )
        issues += session.execute(
            select(Issue.id, Issue.account_id, Issue.version, Issue.status).where(
                Issue.pro_id.in_(part), Issue.status.in_(OPEN)
            )
        ).all()
    _resolve(session, actor, issues, on, stamp, why)
    return len(issues)


def _resolve(
    session: Session, actor: Actor, issues: list[tuple[int, int, int, str]],
    on: date, stamp: datetime, why: str,
) -> None:  # fmt: skip
    for part in chunks([i[0] for i in issues], 900):
        session.execute(
            update(Issue)
            .where(Issue.id.in_(part))
            .values(
                status=IssueStatus.RESOLVED.value,
                resolved_on=on,
                resolution_code="paid_in_full",
                updated_at=stamp,
                version=Issue.version + 1,
            )  # fmt: skip
            .execution_options(synchronize_session=False)
        )
    if not issues:
        return
    text = f"Closed: paid in full per {why}"
    session.execute(_table(Activity).insert(), [
        {"account_id": account_id, "issue_id": issue_id, "user_id": actor.id or None,
         "at": stamp, "kind": ActivityKind.RESOLVE.value, "text": text}
        for issue_id, account_id, _, _ in issues
    ])  # fmt: skip
    session.execute(_table(AuditEvent).insert(), [
            {"at": stamp, "user_login": actor.login, "action": "issue.resolve", "entity": "issue",
             "entity_id": issue_id, "before": {"status": status, "version": version},
             "after": {"status": "resolved", "resolution_code": "paid_in_full",
                       "resolved_on": on.isoformat(), "version": version + 1, "by": why}}
            for issue_id, _, version, status in issues
        ])  # fmt: skip
