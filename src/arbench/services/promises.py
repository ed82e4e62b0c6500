"""Settle promises to pay: mark each open promise kept or broken from payments and dates.

Run daily (and before the worklist is worked) as the system user. A promise on a pro counts the
customer's payments on that pro; on an account-level issue, payments anywhere on the account.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ActivityKind
from arbench.domain.rules import PromiseVerdict, evaluate_promise
from arbench.services.base import SYSTEM, Actor, add_activity, audit
from arbench.store.db import Database
from arbench.store.models import Issue, Payment, Promise


@dataclass(frozen=True)
class SettleSummary:
    on: date
    checked: int
    kept: list[int] = field(default_factory=list)  # promise ids
    broken: list[int] = field(default_factory=list)


def settle_promises(db: Database, on: date | None = None) -> SettleSummary:
    """Mark open promises kept or broken as of `on`; audited and logged as the system user."""
    on = on or date.today()
    with db.session() as s:
        rows = s.execute(
            select(Promise, Issue)
            .join(Issue, Issue.id == Promise.issue_id)
            .where(Promise.status == "open")
        ).all()
        payments = _payments(s, [issue for _, issue in rows])
        kept: list[int] = []
        broken: list[int] = []
        for promise, issue in rows:
            key = ("pro", issue.pro_id) if issue.pro_id else ("account", issue.account_id)
            verdict = evaluate_promise(
                promise.amount, promise.made_on, promise.due_on, payments[key], on
            )
            if verdict.status == "open":
                continue
            settle_one(s, SYSTEM, promise, issue, verdict)
            (kept if verdict.status == "kept" else broken).append(promise.id)
        return SettleSummary(on, len(rows), kept, broken)


def settle_one(
    session: Session, actor: Actor, promise: Promise, issue: Issue, verdict: PromiseVerdict
) -> None:
    """Write one verdict: the promise's status, a timeline entry and an audit event."""
    promise.status, promise.settled_on = verdict.status, verdict.settled_on
    if verdict.status == "kept":
        text = f"Promise kept: ${verdict.received:,.2f} received by {verdict.settled_on}"
    else:
        text = (
            f"Promise broken: ${promise.amount:,.2f} was due {promise.due_on}, "
            f"${verdict.received:,.2f} received"
        )
    add_activity(session, actor, issue.account_id, ActivityKind.PROMISE, text, issue_id=issue.id)
    audit(session, actor, f"promise.{verdict.status}", "promise", promise.id,
          {"status": "open"}, {"status": verdict.status, "settled_on": verdict.settled_on,
                               "received": verdict.received})  # fmt: skip


def _payments(
    s: Session, issues: list[Issue]
) -> dict[tuple[str, int | None], list[tuple[date, Decimal]]]:
    """Customer payments (not adjustments) on the promised pros and accounts."""
    out: dict[tuple[str, int | None], list[tuple[date, Decimal]]] = defaultdict(list)
    pro_ids = sorted({i.pro_id for i in issues if i.pro_id})
    account_ids = sorted({i.account_id for i in issues if not i.pro_id})
    for start in range(0, len(pro_ids), 900):
        for pro_id, day, amount in s.execute(
            select(Payment.pro_id, Payment.received_on, Payment.amount).where(
                Payment.pro_id.in_(pro_ids[start : start + 900]), Payment.kind == "payment"
            )
        ):
            out[("pro", pro_id)].append((day, amount))
    for start in range(0, len(account_ids), 900):
        for account_id, day, amount in s.execute(
            select(Payment.account_id, Payment.received_on, Payment.amount).where(
                Payment.account_id.in_(account_ids[start : start + 900]), Payment.kind == "payment"
            )
        ):
            out[("account", account_id)].append((day, amount))
    return out
