"""Resolve and reopen items.

Resolving asks `services.gates.check_resolution` first (inside the same transaction): a
"pending_approval" answer parks the item for a supervisor instead of resolving it. Resolving an
account-level issue reports its linked open pro issues; `with_linked=True` resolves them
together (code `resolved_with_account`). Reopening counts a reopen and flags a recurrence when
the same root cause on the same account was resolved within the team's recurrence window.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import RESOLUTION_CODES, ROOT_CAUSES, ActivityKind, IssueStatus, Level
from arbench.domain.rules import ResolvedFact, recurrence_of
from arbench.services import gates
from arbench.services.base import Actor, InvalidInput, add_activity
from arbench.services.item_base import (
    OPEN,
    describe,
    guarded_issue,
    item_after,
    may_act,
    record,
    require_open,
    snapshot,
    touch,
)
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.services.worklist import WorkItem
from arbench.store.db import Database
from arbench.store.models import Issue, Promise

LINKED_CODE = "resolved_with_account"
RESOLVED_FIELDS = ("status", "resolution_code", "root_cause_fixed", "resolved_on", "root_cause")


@dataclass(frozen=True)
class ResolveResult:
    """What resolving did: the item's new status, its row (None once it left the open list),
    the linked open pro issues still open, and the ones resolved with it."""

    issue_id: int
    status: str  # resolved | pending_approval
    item: WorkItem | None
    linked_open: list[int] = field(default_factory=list)
    linked_resolved: list[int] = field(default_factory=list)
    linked_pending: list[int] = field(default_factory=list)


@service(
    ANYONE,
    "resolve an item",
    note="own items; a trainee above the approval limit waits for a supervisor; write-offs and overrides need a supervisor",
)
def resolve(
    db: Database,
    actor: Actor,
    issue_id: int,
    version: int | None,
    *,
    code: str,
    root_cause_fixed: bool,
    root_cause: str | None = None,
    with_linked: bool = False,
    override_reason: str | None = None,
    on: date | None = None,
) -> ResolveResult:
    """Resolve the item with a resolution code and whether its root cause was fixed."""
    on = on or date.today()
    if code not in RESOLUTION_CODES:
        raise InvalidInput(
            f"unknown resolution code '{code}'; choose one of {', '.join(RESOLUTION_CODES)}"
        )
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, "resolve")
        require_open(s, issue, "resolve")
        if root_cause is not None:
            _check_cause(s, issue, root_cause)
            issue.root_cause = root_cause
        if issue.root_cause is None:
            raise InvalidInput(f"set the root cause of {describe(s, issue)} before resolving it")
        status = _close(s, actor, issue, code, root_cause_fixed, override_reason, on)
        linked = s.scalars(
            select(Issue)
            .where(Issue.parent_id == issue.id, Issue.status.in_(OPEN))
            .order_by(Issue.id)
        ).all()
        done: list[int] = []
        pending: list[int] = []
        if with_linked and issue.level == Level.ACCOUNT and status == IssueStatus.RESOLVED:
            for pro_issue in linked:
                _resolve_linked(s, actor, pro_issue, issue, root_cause_fixed, on, done, pending)
        still_open = [i.id for i in linked if i.id not in done and i.id not in pending]
        return ResolveResult(
            issue.id, status, item_after(s, issue.id, on), still_open, done, pending
        )


def _check_cause(s: Session, issue: Issue, code: str) -> None:
    cause = ROOT_CAUSES.get(code)
    if cause is None or cause.level != issue.level:
        raise InvalidInput(f"'{code}' is not a {issue.level}-level root cause in the catalogue")


def _close(
    s: Session, actor: Actor, issue: Issue, code: str, fixed: bool, override: str | None, on: date
) -> str:
    """Resolve (or park for approval) one issue: the gate, the fields, promises, timeline, audit."""
    outcome = gates.check_resolution(s, actor, issue, code, override)
    before = snapshot(issue, *RESOLVED_FIELDS)
    status = IssueStatus.PENDING_APPROVAL if outcome == "pending_approval" else IssueStatus.RESOLVED
    issue.status, issue.resolution_code, issue.root_cause_fixed = status.value, code, fixed
    issue.resolved_on = on if status == IssueStatus.RESOLVED else None
    touch(s, issue)
    if status == IssueStatus.RESOLVED:
        for promise in s.scalars(
            select(Promise).where(Promise.issue_id == issue.id, Promise.status == "open")
        ):
            promise.status, promise.settled_on = "cancelled", on
    fixed_text = "root cause fixed" if fixed else "root cause NOT fixed"
    verb = "Resolved" if status == IssueStatus.RESOLVED else "Resolution sent for approval"
    add_activity(s, actor, issue.account_id, ActivityKind.RESOLVE,
                 f"{verb}: {RESOLUTION_CODES[code]} ({fixed_text})", issue_id=issue.id)  # fmt: skip
    record(
        s, actor, "issue.resolve", issue, before, {f: getattr(issue, f) for f in RESOLVED_FIELDS}
    )
    return status.value


def _resolve_linked(
    s: Session, actor: Actor, pro_issue: Issue, parent: Issue, fixed: bool, on: date,
    done: list[int], pending: list[int],
) -> None:  # fmt: skip
    if not may_act(actor, pro_issue):
        return  # another collector's pro stays open for its owner
    if pro_issue.root_cause is None:
        pro_issue.root_cause = _pro_cause_for(parent)
    status = _close(s, actor, pro_issue, LINKED_CODE, fixed, None, on)
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
) -> WorkItem | None:
    """Reopen a resolved item: a reopen is counted, and a recurrence when its cause came back
    within the recurrence window."""
    on = on or date.today()
    if not reason.strip():
        raise InvalidInput("say why the item is reopened: the reason is empty")
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, "reopen")
        if issue.status != IssueStatus.RESOLVED:
            raise InvalidInput(
                f"cannot reopen {describe(s, issue)}: it is {issue.status}, not resolved"
            )
        window = read_settings(s).recurrence_window_days
        previous = recurrence_of(issue.root_cause, _resolved_on_account(s, issue), on, window)
        before = snapshot(
            issue, "status", "reopen_count", "recurrence", "resolved_on", "resolution_code"
        )
        issue.status, issue.reopen_count, issue.reopened_on = (
            IssueStatus.OPEN.value,
            issue.reopen_count + 1,
            on,
        )
        issue.resolved_on, issue.resolution_code, issue.root_cause_fixed = None, None, None
        issue.recurrence = issue.recurrence or previous is not None
        issue.follow_up = on
        touch(s, issue)
        text = f"Reopened (reopen #{issue.reopen_count}): {reason.strip()}"
        if previous is not None:
            text += f" — recurrence: same root cause resolved on {previous.resolved_on} (issue #{previous.issue_id})"
        add_activity(s, actor, issue.account_id, ActivityKind.REOPEN, text, issue_id=issue.id)
        record(s, actor, "issue.reopen", issue, before,
               {"status": issue.status, "reopen_count": issue.reopen_count, "recurrence": issue.recurrence,
                "resolved_on": None, "resolution_code": None})  # fmt: skip
        return item_after(s, issue.id, on)


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
