"""Resolve and reopen items.

A resolution must mean what it says (domain.account_work): a "paid" code only when nothing is
open or cash on the account covers the balance; a write-off or a credit needs its amount and
goes to a supervisor; a note for every code but paid in full; whether the root cause was fixed
is always said. The gate (services.work.gates.check_resolution, in the same transaction) may park
the item for a supervisor instead (it stays open, its row says "pending approval", the notice
says so). Resolving cancels the item's open promises and its open department requests (nobody
works on a resolved item). Resolving an account-level issue names its linked open pro issues
in the notice; `with_linked=True` resolves them together (code `resolved_with_account`).

Reopening counts a reopen, and a recurrence when the same root cause on the same account was
resolved within the team's recurrence window. A reopen marked as a **correction** (the resolve
was a mistake) is neither: it clears the mistaken resolution, cancels what it left behind (a
department request still open), and no quality KPI counts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.account_work import ItemBalance, ResolutionInput, resolution_problem
from arbench.domain.catalogue import (
    RESOLUTION_CODES,
    ROOT_CAUSES,
    ActivityKind,
    IssueStatus,
    Level,
    PromiseStatus,
    RequestStatus,
)
from arbench.domain.rules import ResolvedFact, recurrence_of
from arbench.services.base import Actor, InvalidInput, add_activity
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.services.work import gates
from arbench.services.work.item_base import (
    OPEN,
    describe,
    guarded_issue,
    may_act,
    open_balance,
    record,
    require_open,
    snapshot,
    touch,
)
from arbench.services.work.item_inputs import Resolution
from arbench.services.work.item_run import Target, run_action, write_session
from arbench.services.work.scripts import mark_steps_in
from arbench.store.db import Database
from arbench.store.models import DepartmentRequest, Issue, Payment, Promise

LINKED_CODE = "resolved_with_account"
RESOLVED_FIELDS = ("status", "resolution_code", "root_cause_fixed", "resolved_on", "root_cause")


@service(
    ANYONE,
    "resolve an item",
    note="own items; a trainee above the approval limit waits for a supervisor; write-offs, credits and overrides need a supervisor",
)
def resolve(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    resolution: Resolution,
    *,
    on: date | None = None,
) -> Changes:
    """Resolve the item with a resolution code and whether its root cause was fixed."""
    return resolve_items(db, actor, [Target(issue_id, version)], resolution, on=on)


@service(
    ANYONE,
    "resolve several items",
    note="own items; items of one account; all or nothing; write-offs and credits one at a time",
)
def resolve_items(
    db: Database, actor: Actor, targets: Sequence[Target], resolution: Resolution,
    *, on: date | None = None,
) -> Changes:  # fmt: skip
    """Resolve one or several items of one account the same way (each checked on its own
    balance and script); all or nothing."""
    on = on or date.today()
    if not resolution.code:
        raise InvalidInput("choose how the item was resolved: no resolution was chosen")
    if resolution.code not in RESOLUTION_CODES:
        raise InvalidInput(
            f"unknown resolution code '{resolution.code}'; choose one of {', '.join(RESOLUTION_CODES)}"
        )
    if resolution.amount is not None and len(targets) > 1:
        raise InvalidInput("write off or credit one item at a time: each needs its own amount")
    done: list[int] = []
    pending: list[int] = []
    still_open: list[int] = []

    def act(s: Session, issue: Issue) -> list[int]:
        return resolve_on(s, actor, issue, resolution, on, done, pending, still_open)

    def notice(s: Session, issues: list[Issue]) -> str:
        parked = sum(1 for i in issues if i.status == IssueStatus.PENDING_APPROVAL)
        return _notice(parked, len(done), len(pending), len(still_open))

    return run_action(db, actor, targets, "resolve", act, on=on, notice=notice,
                      what=f"Resolve ({RESOLUTION_CODES[resolution.code]})")  # fmt: skip


def resolve_on(
    s: Session, actor: Actor, issue: Issue, resolution: Resolution, on: date,
    done: list[int], pending: list[int], still_open: list[int],
) -> list[int]:  # fmt: skip
    """Resolve one locked item (or park it for approval); the linked pros it resolved too."""
    require_open(s, issue, "resolve")
    if resolution.root_cause is not None:
        _check_cause(s, issue, resolution.root_cause)
        issue.root_cause = resolution.root_cause
    if issue.root_cause is None:
        raise InvalidInput(f"set the root cause of {describe(s, issue)} before resolving it")
    amount = _amount(resolution.amount)
    problem = resolution_problem(
        ResolutionInput(resolution.code, resolution.root_cause_fixed, resolution.note, amount),
        balance_of(s, issue),
    )
    if problem:
        raise InvalidInput(f"cannot resolve {describe(s, issue)}: {problem}")
    if resolution.steps_done:
        mark_steps_in(s, actor, issue, resolution.steps_done)
    fixed = bool(resolution.root_cause_fixed)
    status = _close(s, actor, issue, resolution, fixed, amount, on)
    linked = s.scalars(
        select(Issue).where(Issue.parent_id == issue.id, Issue.status.in_(OPEN)).order_by(Issue.id)
    ).all()
    mine: list[int] = []
    parked = len(pending)
    if resolution.with_linked and issue.level == Level.ACCOUNT and status == IssueStatus.RESOLVED:
        for pro_issue in linked:
            _resolve_linked(s, actor, pro_issue, issue, fixed, on, mine, pending)
    done.extend(mine)
    still_open.extend(i.id for i in linked if i.id not in mine and i.id not in pending)
    return mine + pending[parked:]


def balance_of(s: Session, issue: Issue) -> ItemBalance:
    """The item's open balance and the cash on its account not applied to any pro."""
    cash = s.scalars(
        select(Payment.amount).where(
            Payment.account_id == issue.account_id, Payment.pro_id.is_(None),
            Payment.kind.in_(("payment", "unapplied")),
        )
    ).all()  # fmt: skip
    return ItemBalance(open_balance(s, issue), sum(cash, Decimal(0)))


def _amount(value: Decimal | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    from arbench.services.work.items import money

    return money(value, "the amount")


def _notice(parked: int, done: int, pending: int, still_open: int) -> str:
    """What the status bar says after a resolve, beyond the rows that left the list."""
    parts = []
    if parked:
        parts.append("sent to a supervisor for approval" if parked == 1
                     else f"{parked} items sent to a supervisor for approval")  # fmt: skip
    if done:
        parts.append(f"{done} linked pro issue(s) resolved with it")
    if pending:
        parts.append(f"{pending} linked pro issue(s) sent for approval")
    if still_open:
        parts.append(f"{still_open} linked pro issue(s) are still open")
    return "; ".join(parts)


def _check_cause(s: Session, issue: Issue, code: str) -> None:
    cause = ROOT_CAUSES.get(code)
    if cause is None or cause.level != issue.level:
        raise InvalidInput(f"'{code}' is not a {issue.level}-level root cause in the catalogue")


def _close(
    s: Session, actor: Actor, issue: Issue, resolution: Resolution, fixed: bool,
    amount: Decimal | None, on: date,
) -> str:  # fmt: skip
    """Resolve (or park for approval) one issue: the gate, the fields, promises, timeline, audit."""
    code, note = resolution.code, resolution.note.strip()
    outcome = gates.check_resolution(
        s, actor, issue, code, resolution.override_reason, amount, note
    )
    before = snapshot(issue, *RESOLVED_FIELDS)
    status = IssueStatus.PENDING_APPROVAL if outcome == "pending_approval" else IssueStatus.RESOLVED
    issue.status, issue.resolution_code, issue.root_cause_fixed = status.value, code, fixed
    issue.resolved_on = on if status == IssueStatus.RESOLVED else None
    touch(s, issue)
    if status == IssueStatus.RESOLVED:
        settle_resolved(s, issue, on)
    fixed_text = "root cause fixed" if fixed else "root cause NOT fixed"
    verb = "Resolved" if status == IssueStatus.RESOLVED else "Resolution sent for approval"
    money = f" ${amount:,.2f}" if amount is not None else ""
    add_activity(s, actor, issue.account_id, ActivityKind.RESOLVE,
                 f"{verb}: {RESOLUTION_CODES[code]}{money} ({fixed_text})" + (f" — {note}" if note else ""),
                 issue_id=issue.id)  # fmt: skip
    after = {f: getattr(issue, f) for f in RESOLVED_FIELDS} | {
        "note": note or None,
        "amount": amount,
    }
    record(s, actor, "issue.resolve", issue, before, after)
    return status.value


def settle_resolved(s: Session, issue: Issue, on: date) -> None:
    """A resolved item keeps nothing open: its open promises and department requests are
    cancelled (on the same day)."""
    for promise in s.scalars(
        select(Promise).where(Promise.issue_id == issue.id, Promise.status == PromiseStatus.OPEN)
    ):
        promise.status, promise.settled_on = PromiseStatus.CANCELLED.value, on
    cancel_requests(s, issue)


def cancel_requests(s: Session, issue: Issue) -> int:
    """Cancel the item's department requests still open or answered; how many."""
    requests = s.scalars(
        select(DepartmentRequest).where(
            DepartmentRequest.issue_id == issue.id,
            DepartmentRequest.status.in_((RequestStatus.OPEN, RequestStatus.ANSWERED)),
        )
    ).all()
    for request in requests:
        request.status = RequestStatus.CANCELLED.value
    return len(requests)


def _resolve_linked(
    s: Session, actor: Actor, pro_issue: Issue, parent: Issue, fixed: bool, on: date,
    done: list[int], pending: list[int],
) -> None:  # fmt: skip
    if not may_act(actor, pro_issue):
        return  # another collector's pro stays open for its owner
    if pro_issue.root_cause is None:
        pro_issue.root_cause = _pro_cause_for(parent)
    linked = Resolution(LINKED_CODE, fixed, note=f"resolved with account issue #{parent.id}")
    status = _close(s, actor, pro_issue, linked, fixed, None, on)
    (done if status == IssueStatus.RESOLVED else pending).append(pro_issue.id)


def _pro_cause_for(parent: Issue) -> str | None:
    """A pro-level cause that promotes to the parent's type (for linked pros without a cause)."""
    for cause in ROOT_CAUSES.values():
        if cause.level == Level.PRO and cause.promotes_to == parent.type:
            return cause.code
    return None


@service(ANYONE, "reopen an item", note="own items (a supervisor: any)")
def reopen(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    *,
    reason: str,
    on: date | None = None,
    correction: bool = False,
) -> Changes:
    """Reopen a resolved item: a reopen is counted, and a recurrence when its cause came back
    within the recurrence window. `correction=True`: the resolve was a mistake; nothing is
    counted, and what the mistaken resolve left open is cancelled."""
    on = on or date.today()
    if not reason.strip():
        raise InvalidInput("say why the item is reopened: the reason is empty")
    with write_session(db) as s:
        issue = guarded_issue(s, actor, issue_id, version, "reopen")
        if issue.status != IssueStatus.RESOLVED:
            raise InvalidInput(
                f"cannot reopen {describe(s, issue)}: it is {issue.status}, not resolved"
            )
        if correction:
            _correct(s, actor, issue, reason.strip(), on)
        else:
            _reopen(s, actor, issue, reason.strip(), on)
        return changes_after(s, [issue.id], on)


def _reopen(s: Session, actor: Actor, issue: Issue, reason: str, on: date) -> None:
    window = read_settings(s).recurrence_window_days
    previous = recurrence_of(issue.root_cause, _resolved_on_account(s, issue), on, window)
    before = snapshot(
        issue, "status", "reopen_count", "recurrence", "resolved_on", "resolution_code"
    )
    issue.status, issue.reopen_count, issue.reopened_on = (
        IssueStatus.OPEN.value, issue.reopen_count + 1, on,
    )  # fmt: skip
    issue.resolved_on, issue.resolution_code, issue.root_cause_fixed = None, None, None
    issue.recurrence = issue.recurrence or previous is not None
    issue.follow_up = on
    touch(s, issue)
    text = f"Reopened (reopen #{issue.reopen_count}): {reason}"
    if previous is not None:
        text += f" — recurrence: same root cause resolved on {previous.resolved_on} (issue #{previous.issue_id})"
    add_activity(s, actor, issue.account_id, ActivityKind.REOPEN, text, issue_id=issue.id)
    record(s, actor, "issue.reopen", issue, before,
           {"status": issue.status, "reopen_count": issue.reopen_count, "recurrence": issue.recurrence,
            "resolved_on": None, "resolution_code": None})  # fmt: skip


def _correct(s: Session, actor: Actor, issue: Issue, reason: str, on: date) -> None:
    """Undo a mistaken resolve as if it had not happened: no reopen, no recurrence counted."""
    before = snapshot(issue, "status", "resolved_on", "resolution_code", "root_cause_fixed")
    issue.status = IssueStatus.OPEN.value
    issue.resolved_on, issue.resolution_code, issue.root_cause_fixed = None, None, None
    issue.follow_up = on
    touch(s, issue)
    cancelled = cancel_requests(s, issue)
    left = f"; {cancelled} department request(s) it left open cancelled" if cancelled else ""
    add_activity(s, actor, issue.account_id, ActivityKind.REOPEN,
                 f"Reopened as a correction (the resolve was a mistake; not a reopen){left}: {reason}",
                 issue_id=issue.id)  # fmt: skip
    record(s, actor, "issue.correction", issue, before,
           {"status": issue.status, "resolved_on": None, "resolution_code": None,
            "correction": True, "requests_cancelled": cancelled})  # fmt: skip


def _resolved_on_account(s: Session, issue: Issue) -> list[ResolvedFact]:
    """Resolutions on the issue's account with its root cause (the issue's own included)."""
    rows = s.execute(
        select(Issue.id, Issue.root_cause, Issue.resolved_on).where(
            Issue.account_id == issue.account_id,
            Issue.root_cause == issue.root_cause,
            Issue.resolved_on.is_not(None),
        )
    ).all()
    return [ResolvedFact(r.id, r.root_cause, r.resolved_on) for r in rows]
