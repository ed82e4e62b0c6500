"""Resolve and reopen items.

Resolving asks `services.gates.check_resolution` first (inside the same transaction): a
"pending_approval" answer parks the item for a supervisor instead of resolving it (the item
stays open, its row says so, and the record's notice tells the user). Resolving an
account-level issue names its linked open pro issues in the notice; `with_linked=True`
resolves them together (code `resolved_with_account`). Reopening counts a reopen and flags a recurrence when
the same root cause on the same account was resolved within the team's recurrence window.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import (
    RESOLUTION_CODES,
    ROOT_CAUSES,
    ActivityKind,
    IssueStatus,
    Level,
    PromiseStatus,
)
from arbench.domain.rules import ResolvedFact, recurrence_of
from arbench.services import gates
from arbench.services.base import Actor, InvalidInput, add_activity
from arbench.services.item_base import (
    OPEN,
    describe,
    guarded_issue,
    may_act,
    record,
    require_open,
    snapshot,
    touch,
)
from arbench.services.item_inputs import Resolution
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.store.db import Database
from arbench.store.models import Issue, Promise

LINKED_CODE = "resolved_with_account"
RESOLVED_FIELDS = ("status", "resolution_code", "root_cause_fixed", "resolved_on", "root_cause")


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
    resolution: Resolution,
    *,
    on: date | None = None,
) -> Changes:
    """Resolve the item with a resolution code and whether its root cause was fixed."""
    on = on or date.today()
    code = resolution.code
    if code not in RESOLUTION_CODES:
        raise InvalidInput(
            f"unknown resolution code '{code}'; choose one of {', '.join(RESOLUTION_CODES)}"
        )
    with db.session() as s:
        issue = guarded_issue(s, actor, issue_id, version, "resolve")
        require_open(s, issue, "resolve")
        if resolution.root_cause is not None:
            _check_cause(s, issue, resolution.root_cause)
            issue.root_cause = resolution.root_cause
        if issue.root_cause is None:
            raise InvalidInput(f"set the root cause of {describe(s, issue)} before resolving it")
        fixed = resolution.root_cause_fixed
        status = _close(s, actor, issue, code, fixed, resolution.override_reason, on)
        linked = s.scalars(
            select(Issue)
            .where(Issue.parent_id == issue.id, Issue.status.in_(OPEN))
            .order_by(Issue.id)
        ).all()
        done: list[int] = []
        pending: list[int] = []
        together = resolution.with_linked and issue.level == Level.ACCOUNT
        if together and status == IssueStatus.RESOLVED:
            for pro_issue in linked:
                _resolve_linked(s, actor, pro_issue, issue, fixed, on, done, pending)
        still_open = [i.id for i in linked if i.id not in done and i.id not in pending]
        notice = _notice(status, len(done), len(pending), len(still_open))
        return changes_after(s, [issue.id, *done, *pending], on, notice=notice)


def _notice(status: str, done: int, pending: int, still_open: int) -> str:
    """What the status bar says after a resolve, beyond the row that left the list."""
    parts = []
    if status == IssueStatus.PENDING_APPROVAL:
        parts.append("sent to a supervisor for approval")
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
            select(Promise).where(
                Promise.issue_id == issue.id, Promise.status == PromiseStatus.OPEN
            )
        ):
            promise.status, promise.settled_on = PromiseStatus.CANCELLED.value, on
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
) -> Changes:
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
        return changes_after(s, [issue.id], on)


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
