"""Settle promises to pay: mark each open promise kept or broken from payments and dates.

Run daily (and before the worklist is worked) as a named user: a collector, a supervisor or the
service user a supervisor chose for the nightly jobs. A promise on a pro counts the customer's
payments on that pro; on an account-level issue, payments anywhere on the account.

Race-safe: runs of the job are serialized (`Database.exclusive`), and each verdict is written by
an update guarded by `status = 'open'`, so a promise settled meanwhile (by another run, or by a
remittance) is neither settled again nor logged twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from arbench.domain.catalogue import ActivityKind
from arbench.domain.rules import PromiseVerdict, evaluate_promise
from arbench.services.base import Actor, add_activity, audit
from arbench.services.permissions import STAFF, service
from arbench.store.db import Database
from arbench.store.models import Issue, Payment, Promise


@dataclass(frozen=True)
class SettleSummary:
    on: date
    checked: int
    kept: list[int] = field(default_factory=list)  # promise ids
    broken: list[int] = field(default_factory=list)


@service(STAFF, "settle promises")
def settle_promises(db: Database, actor: Actor, on: date | None = None) -> SettleSummary:
    """Mark open promises kept or broken as of `on`; audited and logged as `actor`.

    Run twice at once, the second run waits for the first and finds those promises settled."""
    on = on or date.today()
    with db.exclusive("promises.settle") as s:
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
            if settle_one(s, actor, promise, issue, verdict):
                (kept if verdict.status == "kept" else broken).append(promise.id)
        return SettleSummary(on, len(rows), kept, broken)


def settle_one(
    session: Session, actor: Actor, promise: Promise, issue: Issue, verdict: PromiseVerdict
) -> bool:
    """Write one verdict: the promise's status, a timeline entry and an audit event.

    The status changes only while the promise is still open in the database (a guarded update);
    False, and nothing written, when someone else settled it first."""
    changed = (
        session.connection()
        .execute(
            update(Promise)
            .where(Promise.id == promise.id, Promise.status == "open")
            .values(status=verdict.status, settled_on=verdict.settled_on)
        )
        .rowcount
    )
    if changed != 1:
        return False
    set_committed_value(promise, "status", verdict.status)  # the row holds it already
    set_committed_value(promise, "settled_on", verdict.settled_on)
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
    return True


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
