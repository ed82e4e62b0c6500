"""Checks a resolution must pass before it is written (resolution scripts, approvals).

`check_resolution` is called by the resolve action inside its transaction. It returns
"resolve" when the issue may be resolved now, or "pending_approval" when a supervisor must
approve it first (an `approvals` row is filed); it raises InvalidInput when required script
steps are not done. Required steps must be done (every step for a trainee) unless a supervisor
gives an override reason (audited). A write-off or a credit by anyone but a supervisor waits
for a supervisor with its amount; so does a trainee's resolution above the team's approval
limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.account_work import APPROVAL_KINDS, LINKED_CODE
from arbench.domain.catalogue import ApprovalStatus, Role
from arbench.services.base import Actor, InvalidInput, NotFound, PermissionDenied, audit, now
from arbench.services.settings import read_settings
from arbench.services.work.item_base import open_balance
from arbench.services.work.scripts import script_in
from arbench.store.models import Approval, Issue

Outcome = Literal["resolve", "pending_approval"]


def check_resolution(
    session: Session,
    actor: Actor,
    issue: Issue,
    resolution_code: str,
    override_reason: str | None = None,
    amount: Decimal | None = None,
    note: str = "",
) -> Outcome:
    """Whether `actor` may resolve `issue` with `resolution_code` now (see module docstring);
    `amount` is a write-off's or credit's amount (else the item's open balance)."""
    if resolution_code != LINKED_CODE:  # a pro closed with its account issue follows that script
        _check_steps(session, actor, issue, override_reason)
    balance = open_balance(session, issue)
    limit = read_settings(session).trainee_approval_limit
    if resolution_code in APPROVAL_KINDS and not actor.is_supervisor:
        kind = APPROVAL_KINDS[resolution_code]
    elif actor.role == Role.TRAINEE and balance > limit:
        kind = "resolution"
    else:
        return "resolve"
    asked = amount if amount is not None else balance
    _request_approval(session, actor, issue, kind, asked, resolution_code, override_reason, note)
    return "pending_approval"


def _check_steps(session: Session, actor: Actor, issue: Issue, override_reason: str | None) -> None:
    try:
        state = script_in(session, issue, actor)
    except NotFound:  # no script loaded for this type (content not loaded): nothing required
        return
    missing = state.missing_required
    if not missing:
        return
    listed = ", ".join(f"{s.number}. {s.text}" for s in missing)
    if override_reason is None or not override_reason.strip():
        raise InvalidInput(
            f"item #{issue.id} cannot be resolved yet: required script steps not done: {listed}"
            + (" (a supervisor can override with a reason)" if actor.is_supervisor else "")
        )
    if not actor.is_supervisor:
        raise PermissionDenied(
            f"only a supervisor can override the script; {actor.login} is a {actor.role.value}"
        )
    audit(session, actor, "script.override", "issue", issue.id,
          {"missing_steps": [s.number for s in missing], "script_version": state.version},
          {"reason": override_reason.strip()})  # fmt: skip


def _request_approval(
    session: Session, actor: Actor, issue: Issue, kind: str, amount: Decimal,
    resolution_code: str, override_reason: str | None, note: str,
) -> None:  # fmt: skip
    pending = session.scalar(
        select(Approval).where(
            Approval.issue_id == issue.id, Approval.status == ApprovalStatus.PENDING
        )
    )
    if pending is not None:
        raise InvalidInput(f"item #{issue.id} already waits for a supervisor's approval")
    approval = Approval(
        issue_id=issue.id, kind=kind, requested_by_id=actor.id or None, requested_at=now(),
        amount=amount, status=ApprovalStatus.PENDING.value,
        payload={"resolution_code": resolution_code, "override_reason": override_reason,
                 "status_before": issue.status, "note": note},
    )  # fmt: skip
    session.add(approval)
    session.flush()
    audit(session, actor, "approval.request", "approval", approval.id, None,
          {"issue_id": issue.id, "kind": kind, "amount": amount,
           "resolution_code": resolution_code})  # fmt: skip
