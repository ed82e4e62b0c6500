"""What every item action shares: who may act, the optimistic-lock check, the audit, the result.

An action loads the issue with `guarded_issue` (permission, then version: a stale version
raises `Conflict` naming each field the other person changed, theirs vs yours), changes it,
calls `touch` (bumps the version, closes answered department requests) and `record` (audit
event with before/after), all in the caller's one transaction, and returns the `Changes` of
`services.op_changes.changes_after`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from arbench.domain.catalogue import OPEN_STATUSES, Level, RequestStatus
from arbench.services.base import (
    Actor,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    audit,
    jsonable,
)
from arbench.store.models import AuditEvent, DepartmentRequest, Issue, Pro, User

OPEN = [s.value for s in OPEN_STATUSES]
TRACKED = (
    "status", "root_cause", "follow_up", "owner_id", "parent_id", "resolution_code",
    "root_cause_fixed", "resolved_on", "reopen_count",
)  # fmt: skip


def may_act(actor: Actor, issue: Issue) -> bool:
    """The item's owner (collector or trainee) or a supervisor may act on it."""
    return actor.is_supervisor or (issue.owner_id is not None and issue.owner_id == actor.id)


def describe(session: Session, issue: Issue) -> str:
    """'PRO 1234567' or 'account issue #12' — how an item is named in messages."""
    if issue.pro_id is not None:
        pro = session.get(Pro, issue.pro_id)
        return f"PRO {pro.pro}" if pro else f"issue #{issue.id}"
    return f"account issue #{issue.id}"


def load_issue(session: Session, issue_id: int) -> Issue:
    # FOR UPDATE (PostgreSQL): a collector saving the same item at the same moment waits for
    # this transaction, then sees the new version and gets a Conflict naming the change.
    issue = session.get(Issue, issue_id, with_for_update=True)
    if issue is None:
        raise NotFound(f"no issue with id {issue_id}")
    return issue


def guarded_issue(
    session: Session, actor: Actor, issue_id: int, version: int | None, action: str
) -> Issue:
    """The issue, after checking that `actor` may `action` it and that it is still at `version`.

    `version=None` skips the lock check (batch jobs acting on the current state).
    """
    issue = load_issue(session, issue_id)
    if not may_act(actor, issue):
        owner = session.get(User, issue.owner_id) if issue.owner_id else None
        whose = f"{owner.display_name}'s item" if owner else "an unassigned item"
        raise PermissionDenied(
            f"{actor.login} cannot {action} {describe(session, issue)}: it is {whose}; "
            "only its owner or a supervisor can"
        )
    if version is not None and issue.version != version:
        raise conflict(session, issue, version)
    return issue


def conflict(session: Session, issue: Issue, seen_version: int) -> Conflict:
    """A Conflict naming what changed since `seen_version`: field -> (theirs, yours)."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "issue", AuditEvent.entity_id == issue.id)
        .order_by(AuditEvent.id)
    ).all()
    changes: dict[str, tuple[Any, Any]] = {}
    who: list[str] = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        if not isinstance(before.get("version"), int) or before["version"] < seen_version:
            continue
        who.append(event.user_login)
        for key, value in after.items():
            if key == "version":
                continue
            yours = changes[key][1] if key in changes else before.get(key)
            changes[key] = (value, yours)
    names = ", ".join(dict.fromkeys(who)) or "someone else"
    detail = "; ".join(
        f"{k}: {_show(t)} (theirs) vs {_show(y)} (yours)" for k, (t, y) in changes.items()
    )
    message = (
        f"{describe(session, issue)} was changed by {names} after you opened it"
        + (f" — {detail}" if detail else "")
        + ". Nothing was saved: reload it and apply your change again."
    )
    return Conflict(message, changes)


def _show(value: Any) -> str:
    return "—" if value is None else str(value)


def snapshot(issue: Issue, *fields: str) -> dict[str, Any]:
    """The issue's version and the given fields, for an audit record."""
    return {"version": issue.version, **{f: getattr(issue, f) for f in fields}}


def touch(session: Session, issue: Issue, *, collector_action: bool = True) -> None:
    """Mark the issue changed (its version goes up on flush).

    A collector's action on an item whose department request was answered closes the answered
    request: the answer has been taken up, so the item leaves the DEPARTMENT bucket.
    """
    issue.updated_at = datetime.now()
    flag_modified(issue, "updated_at")
    if collector_action:
        for request in session.scalars(
            select(DepartmentRequest).where(
                DepartmentRequest.issue_id == issue.id,
                DepartmentRequest.status == RequestStatus.ANSWERED,
            )
        ):
            request.status = RequestStatus.CLOSED.value


def record(
    session: Session,
    actor: Actor,
    action: str,
    issue: Issue,
    before: Mapping[str, Any],
    after_fields: Mapping[str, Any],
) -> None:
    """Flush the change and write the audit event with the new version in `after`."""
    session.flush()
    after = {"version": issue.version, **after_fields}
    audit(session, actor, action, "issue", issue.id, before, after)


def open_balance(session: Session, issue: Issue) -> Decimal:
    """What is still open on the item: the pro's balance, or for an account-level issue the
    balances of its linked open pros (the whole account's open balance when none are linked).
    """
    if issue.pro_id is not None:
        pro = session.get(Pro, issue.pro_id)
        return pro.open_balance if pro else Decimal(0)
    linked = session.scalar(
        select(func.sum(Pro.open_balance))
        .join(Issue, Issue.pro_id == Pro.id)
        .where(Issue.parent_id == issue.id, Issue.status.in_(OPEN))
    )
    if linked is not None:
        return Decimal(linked)
    total = session.scalar(
        select(func.sum(Pro.open_balance)).where(
            Pro.account_id == issue.account_id, Pro.status == "open"
        )
    )
    return Decimal(total or 0)


def require_open(session: Session, issue: Issue, action: str) -> None:
    if issue.status not in OPEN:
        raise InvalidInput(f"cannot {action} {describe(session, issue)}: it is {issue.status}")


def require_level(session: Session, issue: Issue, level: Level, action: str) -> None:
    if issue.level != level:
        raise InvalidInput(
            f"cannot {action} {describe(session, issue)}: it is a {issue.level}-level issue"
        )


def json_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: jsonable(v) for k, v in values.items()}
