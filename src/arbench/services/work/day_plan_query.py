"""The facts of today's plan, summed in SQL: one pass over a collector's open items.

Each open item gets its worklist bucket in SQL (the rules of domain.priority: a department
answered or overdue, waiting on one, follow-up due, promise broken, new dispute, else by
priority), and the database counts them per account and bucket with the open amounts, the
oldest due date and the disputes whose window closes soon. Nothing per item comes back to
Python, so a collector with 100,000 items is planned in a few hundred milliseconds.
`tests/unit/test_day_plan.py` checks these counts against the worklist's own rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from arbench.domain.catalogue import ISSUE_TYPES, OPEN_STATUSES, Level, PromiseStatus, RequestStatus
from arbench.domain.day_plan import WINDOW_CLOSING_DAYS, AccountFacts, facts_from_items
from arbench.domain.priority import NEW_ITEM_DAYS, Bucket
from arbench.services.settings import read_settings
from arbench.services.work.worklist import items_for
from arbench.store.models import Account, DepartmentRequest, Issue, Pro, Promise
from arbench.store.types import Money

OPEN = [s.value for s in OPEN_STATUSES]
DISPUTES = [code for code, t in ISSUE_TYPES.items() if t.dispute]
COUNTED = {
    Bucket.FOLLOW_UP_DUE: "follow_ups_due",
    Bucket.BROKEN_PROMISE: "broken_promises",
    Bucket.NEW_DISPUTE: "new_disputes",
    Bucket.DEPARTMENT: "department_answers",
}


def _bucket(on: date) -> Any:
    """The worklist bucket of an open issue, as SQL (domain.priority._bucket's order)."""
    request = aliased(DepartmentRequest)
    answered_or_overdue = exists().where(
        request.issue_id == Issue.id,
        or_(request.status == RequestStatus.ANSWERED,
            and_(request.status == RequestStatus.OPEN, request.due_on < on)),
    )  # fmt: skip
    waiting = exists().where(request.issue_id == Issue.id, request.status == RequestStatus.OPEN)
    latest = (
        select(
            case(
                (
                    or_(
                        Promise.status == PromiseStatus.BROKEN,
                        and_(Promise.status == PromiseStatus.OPEN, Promise.due_on < on),
                    ),
                    1,
                ),
                else_=0,
            )
        )  # fmt: skip
        .where(Promise.issue_id == Issue.id, Promise.status != PromiseStatus.CANCELLED)
        .order_by(Promise.id.desc())
        .limit(1)
        .correlate(Issue)
        .scalar_subquery()
    )
    new_dispute = and_(
        Issue.type.in_(DISPUTES),
        Issue.opened_on >= on - timedelta(days=NEW_ITEM_DAYS),
        Issue.opened_on <= on,
    )
    return case(
        (answered_or_overdue, int(Bucket.DEPARTMENT)),
        (waiting, int(Bucket.WAITING)),
        (Issue.follow_up <= on, int(Bucket.FOLLOW_UP_DUE)),
        (latest == 1, int(Bucket.BROKEN_PROMISE)),
        (new_dispute, int(Bucket.NEW_DISPUTE)),
        else_=int(Bucket.PRIORITY),
    )


def _counts(session: Session, user_id: int, on: date, window: int) -> list[Any]:
    """(account, bucket, items, pro items, pro amount, oldest pro due date, windows closing)."""
    items = (
        select(
            Issue.account_id.label("account_id"),
            _bucket(on).label("bucket"),
            (Issue.level == Level.PRO).label("is_pro"),
            Pro.open_balance.label("open_balance"),
            Pro.due_date.label("due_date"),
            and_(
                Issue.level == Level.PRO,
                Issue.type.in_(DISPUTES),
                Pro.invoice_date >= on - timedelta(days=window),
                Pro.invoice_date <= on - timedelta(days=window - WINDOW_CLOSING_DAYS),
            ).label("closing"),
        )  # fmt: skip
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.owner_id == user_id, Issue.status.in_(OPEN))
        .cte("open_items")
        .prefix_with("MATERIALIZED")
    )
    one = literal(1)
    return list(session.execute(
        select(
            items.c.account_id, items.c.bucket, func.count(),
            func.sum(case((items.c.is_pro, one), else_=0)),
            type_coerce(func.sum(case((items.c.is_pro, items.c.open_balance), else_=0)), Money),
            func.min(case((items.c.is_pro, items.c.due_date))),
            func.sum(case((items.c.closing, one), else_=0)),
        ).group_by(items.c.account_id, items.c.bucket)
    ))  # fmt: skip


def account_facts(session: Session, user_id: int, on: date) -> dict[int, AccountFacts]:
    """Every account with open items of the user, with its facts for the plan, by account id."""
    window = read_settings(session).dispute_window_days
    tally: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for account_id, bucket, n, pros, amount, oldest, closing in _counts(
        session, user_id, on, window
    ):
        t = tally[account_id]
        t["items"] += n
        t["pros"] += int(pros or 0)
        t["amount"] += Decimal(amount or 0)
        t["windows_closing"] += int(closing or 0)
        if oldest is not None and (t["oldest"] == 0 or oldest < t["oldest"]):
            t["oldest"] = oldest
        if bucket in COUNTED:
            t[COUNTED[bucket]] += n
    names = _accounts(session, tally)
    facts = {}
    for account_id, t in tally.items():
        number, name, risk = names[account_id]
        if t["pros"] == 0:  # only account-level items: their own amounts (rare, read them)
            continue
        oldest = t["oldest"]
        facts[account_id] = AccountFacts(
            account_id, number, name, t["amount"], t["items"],
            max(0, (on - oldest).days) if oldest else 0,
            t["follow_ups_due"], t["broken_promises"], t["new_disputes"],
            t["department_answers"], t["windows_closing"], risk,
        )  # fmt: skip
    only_account = [a for a, t in tally.items() if t["pros"] == 0]
    facts |= _from_items(session, user_id, only_account, names, on)
    return facts


def _accounts(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str, int]]:
    wanted, out = sorted(ids), {}
    for start in range(0, len(wanted), 900):
        for row in session.execute(
            select(Account.id, Account.number, Account.name, Account.risk_score).where(
                Account.id.in_(wanted[start : start + 900])
            )
        ):
            out[row.id] = (row.number, row.name, row.risk_score)
    return out


def _from_items(
    session: Session, user_id: int, account_ids: list[int],
    names: dict[int, tuple[str, str, int]], on: date,
) -> dict[int, AccountFacts]:  # fmt: skip
    """Facts of accounts counted from their worklist rows (accounts with few items)."""
    out: dict[int, AccountFacts] = {}
    for start in range(0, len(account_ids), 900):
        chunk = account_ids[start : start + 900]
        rows = items_for(session, [Issue.owner_id == user_id, Issue.account_id.in_(chunk)], on)
        by_account: dict[str, list[Any]] = defaultdict(list)
        for item in rows:
            by_account[item.account_number].append(item)
        for account_id in chunk:
            number, name, risk = names[account_id]
            out[account_id] = facts_from_items(account_id, number, name,
                                               by_account.get(number, []), risk)  # fmt: skip
    return out
