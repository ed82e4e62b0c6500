"""The open items an import opens, resolves, reopens and turns into disputes.

`plan_issues` (read only, part of the plan) finds: the open items of the pros the import closes
(resolved as paid in full), the resolved item of each pro that reopens (reopened, so the pro is
back on its collector's worklist and found by search; a new past-due item when it never had
one), and the open "past due" items of pros the file flags disputed (they become "Disputed,
cause to find": a dispute item whose root cause the collector sets). New pros with a positive
balance get a past-due item, or a dispute item when disputed. The counts are the dry run's;
the writers below write exactly those rows, in the import's one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ActivityKind, IssueStatus, Level
from arbench.services.base import Actor
from arbench.services.bulk_sql import (
    dialect_of,
    execute,
    fetch,
    insert_rows,
    stored_one,
    typed_mark,
)
from arbench.services.intake.import_plan import ImportPlan
from arbench.store.models import Account, Activity, AuditEvent, Issue

OPEN = frozenset(s.value for s in OPEN_STATUSES)
PAST_DUE, DISPUTE = "past_due", "customer_dispute"
CHUNK = 900


class IssueRow(NamedTuple):
    id: int
    pro_id: int
    account_id: int
    version: int
    status: str
    type: str


@dataclass(slots=True)
class IssuePlan:
    """Items to write; positions are rows of the file, ids are the book's."""

    new_owing: list[int] = field(default_factory=list)  # new pros with a positive balance
    closing: list[IssueRow] = field(default_factory=list)  # open items of pros closed
    missing: list[IssueRow] = field(default_factory=list)  # open items of pros absent
    reopen: list[tuple[IssueRow, int, bool]] = field(
        default_factory=list
    )  # row, position, to dispute
    reopen_new: list[tuple[int, int]] = field(default_factory=list)  # pro id, position
    convert: list[IssueRow] = field(default_factory=list)  # open past-due items now disputed

    def counts(self, disputed: Sequence[bool], close_missing: bool) -> dict[str, int]:
        """What the import does to items: the summary's counts, dry run or not."""
        return {
            "issues_opened": len(self.new_owing) + len(self.reopen_new),
            "issues_resolved": len(self.closing) + (len(self.missing) if close_missing else 0),
            "issues_reopened": len(self.reopen),
            "disputes_opened": sum(disputed[i] for i in self.new_owing)
            + sum(disputed[p] for _, p in self.reopen_new)
            + sum(flag for _, _, flag in self.reopen)
            + len(self.convert),
        }


def plan_issues(session: Session, plan: ImportPlan) -> IssuePlan:
    """The items the import resolves, reopens, opens and converts (read only)."""
    cols = plan.columns.values
    balances, disputed = cols["open_balance"], cols["disputed"]
    result = IssuePlan(new_owing=[i for i in plan.new_positions if balances[i] > 0])
    reopening = {pro_id: pos for pro_id, pos in plan.reopened if balances[pos] > 0}
    flagged = dict(plan.disputed) | {p: pos for p, pos in reopening.items() if disputed[pos]}
    closing, missing = set(plan.close_ids), set(plan.missing_ids)
    by_pro = _issues_of(session, sorted(closing | missing | set(reopening) | set(flagged)))
    for pro_id, rows in by_pro.items():
        open_rows = [r for r in rows if r.status in OPEN]
        if pro_id in closing:
            result.closing += open_rows
        elif pro_id in missing:
            result.missing += open_rows
        elif pro_id in flagged:
            result.convert += [r for r in open_rows if r.type == PAST_DUE]
    for pro_id, position in reopening.items():
        rows = by_pro.get(pro_id, [])
        if any(r.status in OPEN for r in rows):
            continue
        resolved = [r for r in rows if r.status == IssueStatus.RESOLVED]
        if resolved:
            latest = resolved[-1]
            result.reopen.append((latest, position, disputed[position] and latest.type == PAST_DUE))
        else:
            result.reopen_new.append((pro_id, position))
    return result


def _issues_of(session: Session, pro_ids: list[int]) -> dict[int, list[IssueRow]]:
    by_pro: dict[int, list[IssueRow]] = defaultdict(list)
    sql = ("SELECT id, pro_id, account_id, version, status, type FROM issues "
           "WHERE pro_id IN ({keys}) ORDER BY id")  # fmt: skip
    for start in range(0, len(pro_ids), CHUNK):
        for row in fetch(session, sql, keys=pro_ids[start : start + CHUNK]):
            by_pro[row[1]].append(IssueRow(*row))
    return by_pro


# ----- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Writing:
    """What every writer needs: the session, who, when, and the file's name."""

    session: Session
    actor: Actor
    on: date
    stamp: datetime
    file_name: str


def open_items(w: Writing, plan: ImportPlan, new_ids: dict[str, int]) -> int:
    """A past-due item (a dispute item when the row is disputed) and its timeline entry for
    each new pro with a positive balance and each reopened pro that never had an item."""
    cols = plan.columns.values
    pros, disputed = cols["pro"], cols["disputed"]
    wanted = [(new_ids[pros[i]], i) for i in plan.issues.new_owing]
    wanted += plan.issues.reopen_new
    opened = 0
    for issue_type in (PAST_DUE, DISPUTE):
        group = [(pro_id, i) for pro_id, i in wanted if disputed[i] == (issue_type == DISPUTE)]
        opened += _insert_items(w, plan, group, issue_type)
    return opened


def _insert_items(
    w: Writing, plan: ImportPlan, group: list[tuple[int, int]], issue_type: str
) -> int:
    if not group:
        return 0
    dialect = dialect_of(w.session)
    at = stored_one(dialect, _column("created_at"), w.stamp)
    no = stored_one(dialect, _column("recurrence"), False)
    constants = (Level.PRO.value, issue_type, IssueStatus.OPEN.value,
                 stored_one(dialect, _column("opened_on"), w.on), "import", at, at, 1, 0, no, no)  # fmt: skip
    marks = ", ".join(typed_mark(dialect, t) for t in _CONSTANT_TYPES)
    amount = "p.open_balance" if issue_type == DISPUTE else "NULL"
    sql = (f"INSERT INTO issues ({', '.join(_ISSUE_COLUMNS)}) "
           f"SELECT p.account_id, p.id, a.collector_id, {amount}, {marks} "
           "FROM pros p JOIN accounts a ON a.id = p.account_id WHERE p.id IN ({keys})")  # fmt: skip
    top = w.session.scalar(select(func.max(Issue.id))) or 0
    ids = [pro_id for pro_id, _ in group]
    for start in range(0, len(ids), CHUNK):
        execute(w.session, sql, constants, ids[start : start + CHUNK])
    cols = plan.columns.values
    position_of = dict(group)
    created = fetch(w.session, "SELECT id, account_id, pro_id FROM issues WHERE id > {mark}", [top])
    user, kind = w.actor.id or None, ActivityKind.IMPORT.value
    what = ("disputed: dispute item opened (find and set its root cause)"
            if issue_type == DISPUTE else "past due item opened")  # fmt: skip
    rows = [
        (account_id, issue_id, user, at, kind,
         f"PRO {cols['pro'][i]} imported from {w.file_name}: "
         f"${dollars(cols['open_balance'][i])} open, {what}")
        for issue_id, account_id, pro_id in created
        if (i := position_of.get(pro_id)) is not None
    ]  # fmt: skip
    for start in range(0, len(rows), 2000):
        insert_rows(w.session, _table(Activity), _ACTIVITY_COLUMNS, rows[start : start + 2000])
    return len(rows)


_ISSUE_COLUMNS = ("account_id", "pro_id", "owner_id", "amount", "level", "type", "status",
                  "opened_on", "source", "created_at", "updated_at", "version", "reopen_count",
                  "recurrence", "promoted")  # fmt: skip
_CONSTANT_TYPES = ("VARCHAR", "VARCHAR", "VARCHAR", "DATE", "VARCHAR", "TIMESTAMP",
                   "TIMESTAMP", "INTEGER", "INTEGER", "BOOLEAN", "BOOLEAN")  # fmt: skip
_ACTIVITY_COLUMNS = ("account_id", "issue_id", "user_id", "at", "kind", "text")


def dollars(cents: int) -> str:
    """Cents as 1,234.56 (or -1,234.56)."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    return f"{sign}{cents // 100:,}.{cents % 100:02d}"


def resolve_items(w: Writing, rows: Sequence[IssueRow], why: str) -> int:
    """Resolve open items as paid in full: a timeline entry and an audit event each."""
    for start in range(0, len(rows), CHUNK):
        ids = [r.id for r in rows[start : start + CHUNK]]
        w.session.execute(
            update(Issue).where(Issue.id.in_(ids))
            .values(status=IssueStatus.RESOLVED.value, resolved_on=w.on,
                    resolution_code="paid_in_full", updated_at=w.stamp, version=Issue.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    if not rows:
        return 0
    text = f"Closed: paid in full per {why}"
    _activities(w, [(r.account_id, r.id, ActivityKind.RESOLVE.value, text) for r in rows])
    _audits(w, "issue.resolve", [
        (r.id, {"status": r.status, "version": r.version},
         {"status": "resolved", "resolution_code": "paid_in_full", "resolved_on": w.on.isoformat(),
          "version": r.version + 1, "by": why})
        for r in rows
    ])  # fmt: skip
    return len(rows)


def reopen_items(w: Writing, plan: ImportPlan) -> int:
    """Reopen the last resolved item of each pro that reopens, owned by its account's
    collector; those the file flags disputed become dispute items."""
    reopen = plan.issues.reopen
    cols = plan.columns.values
    collector = select(Account.collector_id).where(Account.id == Issue.account_id)
    for start in range(0, len(reopen), CHUNK):
        ids = [row.id for row, _, _ in reopen[start : start + CHUNK]]
        w.session.execute(
            update(Issue).where(Issue.id.in_(ids))
            .values(status=IssueStatus.OPEN.value, reopen_count=Issue.reopen_count + 1,
                    reopened_on=w.on, resolved_on=None, resolution_code=None,
                    root_cause_fixed=None, follow_up=w.on, owner_id=collector.scalar_subquery(),
                    updated_at=w.stamp, version=Issue.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip
    _to_dispute(w, [row.id for row, _, flag in reopen if flag])
    _activities(w, [
        (row.account_id, row.id, ActivityKind.REOPEN.value,
         f"Reopened: PRO {cols['pro'][i]} is back on {w.file_name} with "
         f"${dollars(cols['open_balance'][i])} open")
        for row, i, _ in reopen
    ])  # fmt: skip
    _audits(w, "issue.reopen", [
        (row.id, {"status": row.status, "version": row.version},
         {"status": "open", "reopened_on": w.on.isoformat(), "version": row.version + 1,
          "by": f"register {w.file_name}"})
        for row, _, _ in reopen
    ])  # fmt: skip
    return len(reopen)


def convert_disputes(w: Writing, plan: ImportPlan) -> int:
    """Open past-due items of pros the file flags disputed become dispute items."""
    rows = plan.issues.convert
    _to_dispute(w, [r.id for r in rows])
    _activities(w, [(r.account_id, r.id, ActivityKind.IMPORT.value,
                     f"Disputed per {w.file_name}: find and set the root cause") for r in rows])  # fmt: skip
    _audits(w, "issue.dispute", [
        (r.id, {"type": r.type, "version": r.version},
         {"type": DISPUTE, "version": r.version + 1, "by": f"register {w.file_name}"})
        for r in rows
    ])  # fmt: skip
    return len(rows)


def _to_dispute(w: Writing, ids: list[int]) -> None:
    from arbench.store.models import Pro

    balance = select(Pro.open_balance).where(Pro.id == Issue.pro_id).scalar_subquery()
    for start in range(0, len(ids), CHUNK):
        w.session.execute(
            update(Issue).where(Issue.id.in_(ids[start : start + CHUNK]))
            .values(type=DISPUTE, root_cause=None, amount=balance, updated_at=w.stamp,
                    version=Issue.version + 1)
            .execution_options(synchronize_session=False)
        )  # fmt: skip


def _activities(w: Writing, rows: list[tuple[int, int, str, str]]) -> None:
    user = w.actor.id or None
    if rows:
        w.session.execute(_table(Activity).insert(), [
            {"account_id": account_id, "issue_id": issue_id, "user_id": user, "at": w.stamp,
             "kind": kind, "text": text}
            for account_id, issue_id, kind, text in rows
        ])  # fmt: skip


def _audits(
    w: Writing, action: str, rows: list[tuple[int, dict[str, Any], dict[str, Any]]]
) -> None:
    if rows:
        w.session.execute(_table(AuditEvent).insert(), [
            {"at": w.stamp, "user_login": w.actor.login, "action": action, "entity": "issue",
             "entity_id": issue_id, "before": before, "after": after}
            for issue_id, before, after in rows
        ])  # fmt: skip


def _table(model: type[Any]) -> Any:
    return model.__table__


def _column(name: str) -> Any:
    return Issue.__table__.c[name]
