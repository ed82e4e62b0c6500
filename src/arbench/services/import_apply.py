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

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind, IssueStatus, Level
from arbench.services.base import Actor, ServiceError
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
    applied.issues_opened = _open_issues(session, actor, plan, new_ids, on, stamp, file_name)
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
         "po_required": False, "pod_required": False, "edi_210": False, "version": 1}
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
             "after": {"number": number, "name": name, "collector_id": None}}
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
    if not plan.new_rows:
        return {}
    top = session.scalar(select(func.max(Pro.id))) or 0
    keys = sorted({k for _, values in plan.new_rows for k in values} | {"bill_to"})
    for part in chunks(plan.new_rows):
        rows = []
        for row, values in part:
            record = {k: values.get(k) for k in keys}
            record["pod_on_file"] = bool(record.get("pod_on_file"))
            balance = values["open_balance"]
            record.update(
                pro=row.pro, account_id=plan.account_ids[row.account_number],
                status="open" if balance != 0 else "closed", closed_on=None if balance else on,
                billing_status="billed", source="import", version=1,
            )  # fmt: skip
            rows.append(record)
        session.execute(_table(Pro).insert(), rows)
        progress.step(len(part))
    created = {row.pro for row, _ in plan.new_rows}
    return {
        pro: pro_id
        for pro, pro_id in session.execute(select(Pro.pro, Pro.id).where(Pro.id > top))
        if pro in created
    }


def _update_pros(session: Session, plan: ImportPlan, on: date, progress: Progress) -> None:
    if not plan.changed:
        return
    table = _table(Pro)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in plan.changed:
        values = dict(change.values)
        values["account_id"] = plan.account_ids[change.account_number]
        if change.after.get("status") == "open":
            values.update(status="open", closed_on=None)
        values["version"] = change.version + 1
        key = tuple(sorted(values))
        groups.setdefault(key, []).append({"b_id": change.pro_id, **values})
    for key, rows in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({k: bindparam(k) for k in key})
        )
        for part in chunks(rows):
            session.execute(statement, list(part))
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
    on: date, stamp: datetime, file_name: str,
) -> int:  # fmt: skip
    rows = [
        {"level": Level.PRO.value, "type": "past_due", "root_cause": None,
         "status": IssueStatus.OPEN.value, "account_id": plan.account_ids[row.account_number],
         "pro_id": new_ids[row.pro], "owner_id": plan.collectors.get(row.account_number),
         "opened_on": on, "source": "import", "created_at": stamp, "updated_at": stamp,
         "version": 1, "reopen_count": 0, "recurrence": False, "promoted": False}
        for row, values in plan.new_rows
        if values["open_balance"] > 0
    ]  # fmt: skip
    if not rows:
        return 0
    top = session.scalar(select(func.max(Issue.id))) or 0
    for part in chunks(rows):
        session.execute(_table(Issue).insert(), list(part))
    created = session.execute(
        select(Issue.id, Issue.account_id, Pro.pro, Pro.open_balance)
        .join(Pro, Pro.id == Issue.pro_id)
        .where(Issue.id > top)
    ).all()
    activities = [
        {"account_id": account_id, "issue_id": issue_id, "user_id": actor.id or None,
         "at": stamp, "kind": ActivityKind.IMPORT.value,
         "text": f"PRO {pro} imported from {file_name}: ${balance:,.2f} open, past due item opened"}
        for issue_id, account_id, pro, balance in created
    ]  # fmt: skip
    for batch in chunks(activities):
        session.execute(_table(Activity).insert(), list(batch))
    return len(created)


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
