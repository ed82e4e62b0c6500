"""Supervisor approvals: trainee resolutions above the limit and write-offs wait here.

The resolve action parks such an item in status pending_approval with its resolution code
stored on the item, and the gate (services/work/scripts.py) files an `approvals` row. A supervisor
approves (the stored resolution takes effect: the item is resolved) or rejects it with a reason
(the item goes back to open on its owner's list). Both are audited and on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from arbench.domain.catalogue import (
    ISSUE_TYPES,
    RESOLUTION_CODES,
    ActivityKind,
    ApprovalStatus,
    IssueStatus,
)
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    add_activity,
    audit,
    now,
    require_supervisor,
)
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import SUPERVISORS, service
from arbench.services.work.item_base import record, snapshot, touch
from arbench.services.work.resolution import settle_resolved
from arbench.store.db import Database
from arbench.store.models import Account, Approval, Issue, Pro, User


@dataclass(frozen=True)
class ApprovalInfo:
    id: int
    issue_id: int
    kind: str  # resolution | write_off
    pro: str | None
    account_name: str
    type_name: str
    requested_by: str | None
    requested_at: datetime
    amount: Decimal | None
    resolution_code: str
    resolution_name: str
    root_cause_fixed: bool | None
    status: str
    decided_by: str | None = None
    reason: str | None = None


@service(SUPERVISORS, "see pending approvals", writes=False)
def pending(db: Database, actor: Actor) -> list[ApprovalInfo]:
    """Approvals waiting for a supervisor, oldest first (supervisors only)."""
    require_supervisor(actor, "see pending approvals")
    with db.session() as s:
        return _infos(s, Approval.status == ApprovalStatus.PENDING)


def _infos(session: Session, *where: object) -> list[ApprovalInfo]:
    requester, decider = aliased(User), aliased(User)
    rows = session.execute(
        select(Approval, Issue, Pro.pro, Account.name, requester.login, decider.login)
        .join(Issue, Issue.id == Approval.issue_id)
        .join(Account, Account.id == Issue.account_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .outerjoin(requester, requester.id == Approval.requested_by_id)
        .outerjoin(decider, decider.id == Approval.decided_by_id)
        .where(*where)  # type: ignore[arg-type]
        .order_by(Approval.requested_at, Approval.id)
    ).all()
    out = []
    for a, issue, pro, account_name, by, decided in rows:
        code = str((a.payload or {}).get("resolution_code") or issue.resolution_code or "")
        out.append(ApprovalInfo(
            a.id, issue.id, a.kind, pro, account_name,
            ISSUE_TYPES[issue.type].name if issue.type in ISSUE_TYPES else issue.type,
            by, a.requested_at, a.amount, code, RESOLUTION_CODES.get(code, code),
            issue.root_cause_fixed, a.status, decided, a.reason,
        ))  # fmt: skip
    return out


def for_issue(db: Database, issue_id: int) -> list[ApprovalInfo]:
    """Every approval filed for one item, oldest first."""
    with db.session() as s:
        return _infos(s, Approval.issue_id == issue_id)


def _pending(session: Session, approval_id: int) -> tuple[Approval, Issue]:
    approval = session.get(Approval, approval_id)
    if approval is None:
        raise NotFound(f"no approval with id {approval_id}")
    if approval.status != ApprovalStatus.PENDING:
        raise InvalidInput(f"approval #{approval_id} is already {approval.status}")
    issue = session.get(Issue, approval.issue_id)
    assert issue is not None
    if issue.status != IssueStatus.PENDING_APPROVAL:
        raise InvalidInput(f"item #{issue.id} is {issue.status}, not waiting for approval")
    return approval, issue


def _decide(
    session: Session, actor: Actor, approval: Approval, status: ApprovalStatus, reason: str | None
) -> None:
    before = {"status": approval.status}
    approval.status, approval.decided_by_id = status.value, actor.id or None
    approval.decided_at, approval.reason = now(), reason
    audit(session, actor, f"approval.{status.value}", "approval", approval.id, before,
          {"status": status.value, "issue_id": approval.issue_id, "reason": reason})  # fmt: skip


@service(SUPERVISORS, "approve resolutions")
def approve(
    db: Database, actor: Actor, approval_id: int, reason: str | None = None, on: date | None = None
) -> Changes:
    """Approve: the item's stored resolution takes effect (resolved today). Supervisors only."""
    require_supervisor(actor, "approve resolutions")
    on = on or date.today()
    with db.session() as s:
        approval, issue = _pending(s, approval_id)
        before = snapshot(issue, "status", "resolved_on")
        issue.status, issue.resolved_on = IssueStatus.RESOLVED.value, on
        touch(s, issue)
        settle_resolved(s, issue, on)
        _decide(s, actor, approval, ApprovalStatus.APPROVED, (reason or "").strip() or None)
        code = issue.resolution_code or ""
        add_activity(s, actor, issue.account_id, ActivityKind.APPROVAL,
                     f"Approved by {actor.display_name}: {RESOLUTION_CODES.get(code, code)}"
                     + (f" — {reason.strip()}" if reason and reason.strip() else ""),
                     issue_id=issue.id)  # fmt: skip
        record(s, actor, "issue.approve", issue, before,
               {"status": issue.status, "resolved_on": issue.resolved_on})  # fmt: skip
        return changes_after(s, [issue.id], on, notice="approved: the item is resolved")


@service(SUPERVISORS, "reject resolutions")
def reject(
    db: Database, actor: Actor, approval_id: int, reason: str, on: date | None = None
) -> Changes:
    """Reject with a reason: the item goes back to open for its owner. Supervisors only."""
    require_supervisor(actor, "reject resolutions")
    if not reason.strip():
        raise InvalidInput("say why the resolution is returned: the reason is empty")
    on = on or date.today()
    with db.session() as s:
        approval, issue = _pending(s, approval_id)
        before = snapshot(issue, "status", "resolution_code", "root_cause_fixed")
        issue.status, issue.resolution_code, issue.root_cause_fixed = (
            IssueStatus.OPEN.value,
            None,
            None,
        )
        issue.follow_up = on
        touch(s, issue)
        _decide(s, actor, approval, ApprovalStatus.REJECTED, reason.strip())
        add_activity(s, actor, issue.account_id, ActivityKind.APPROVAL,
                     f"Returned by {actor.display_name}: {reason.strip()}", issue_id=issue.id)  # fmt: skip
        record(s, actor, "issue.reject", issue, before,
               {"status": issue.status, "resolution_code": None, "follow_up": on})  # fmt: skip
        return changes_after(s, [issue.id], on, notice="returned to its collector")
