"""The script runner: an item's resolution script, its steps done, and the resolution gate.

An item starts its script when its first step is marked; it then keeps that script version
(`issues.script_version`) even after a supervisor publishes a new one. Required steps must be
done before the item can be resolved; for trainees every step is required. A supervisor may
override with a reason (audited). Trainee resolutions above the team's approval limit, and
write-offs by anyone but a supervisor, wait for a supervisor's approval (services/approvals.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from arbench.domain.catalogue import (
    ISSUE_TYPES,
    OPEN_STATUSES,
    WRITE_OFF_CODES,
    ApprovalStatus,
    Role,
)
from arbench.domain.content import Script, Step, parse_note, parse_script
from arbench.services import content
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    audit,
    now,
)
from arbench.services.item_base import may_act, open_balance
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.store.db import Database
from arbench.store.models import Account, Approval, Issue, IssueStep, Pro, User

Outcome = Literal["resolve", "pending_approval"]
LINKED_CODE = "resolved_with_account"
ISSUES = cast(Table, Issue.__table__)


@dataclass(frozen=True)
class StepState:
    number: int
    kind: str
    text: str
    detail: str
    required: bool  # for this user: every step is required for a trainee
    done: bool
    done_by: str | None
    done_at: datetime | None
    note: str | None  # note key
    note_title: str | None
    note_body: str | None  # the note text, shown inline to trainees
    template: str | None
    department: str | None


@dataclass(frozen=True)
class IssueScript:
    issue_id: int
    issue_type: str
    title: str
    version: int  # the version this item follows
    current_version: int  # the newest published version
    started: bool
    trainee_mode: bool
    steps: list[StepState]
    talk_track: str
    escalate: str
    close_options: list[tuple[str, str]]  # (resolution code, when)
    close_notes: str

    @property
    def done_count(self) -> int:
        return sum(1 for s in self.steps if s.done)

    @property
    def missing_required(self) -> list[StepState]:
        return [s for s in self.steps if s.required and not s.done]


@dataclass(frozen=True)
class ScriptProgress:
    issue_id: int
    pro: str | None
    account_name: str
    type_name: str
    owner: str | None
    owner_role: str | None
    status: str
    version: int
    done: int
    total: int
    required_missing: int
    last_step_at: datetime | None


def _issue(session: Session, issue_id: int) -> Issue:
    issue = session.get(Issue, issue_id)
    if issue is None:
        raise NotFound(f"no issue with id {issue_id}")
    return issue


def _script_at(session: Session, issue: Issue) -> tuple[Script, int, int]:
    """The script the issue follows, its version, and the current version."""
    active = content.current_in(session, "script", issue.type)
    if issue.script_version is None or issue.script_version == active.version:
        return parse_script(issue.type, active.body), active.version, active.version
    own = content.version_in(session, "script", issue.type, issue.script_version)
    return parse_script(issue.type, own.body), own.version, active.version


def _done(session: Session, issue_id: int) -> dict[int, tuple[datetime, str | None]]:
    rows = session.execute(
        select(IssueStep.step_number, IssueStep.done_at, User.login)
        .outerjoin(User, User.id == IssueStep.done_by_id)
        .where(IssueStep.issue_id == issue_id)
    ).all()
    return {r.step_number: (r.done_at, r.login) for r in rows}


def _required(step: Step, trainee: bool) -> bool:
    return True if trainee else step.required


def _step_state(
    session: Session, step: Step, trainee: bool, done: dict[int, tuple[datetime, str | None]]
) -> StepState:
    title = body = None
    if step.note:
        try:
            note = parse_note(step.note, content.current_in(session, "note", step.note).body)
            title, body = note.title, note.body
        except NotFound:
            title = step.note
    at, by = done.get(step.number, (None, None))
    return StepState(
        step.number, step.kind, step.text, step.detail, _required(step, trainee),
        step.number in done, by, at, step.note, title, body, step.template, step.department,
    )  # fmt: skip


def script_in(session: Session, issue: Issue, actor: Actor | None = None) -> IssueScript:
    """The script of an issue with its progress; steps required as for `actor` (or the owner)."""
    script, version, newest = _script_at(session, issue)
    trainee = _is_trainee(session, issue, actor)
    done = _done(session, issue.id)
    return IssueScript(
        issue.id, issue.type, script.title, version, newest, issue.script_version is not None,
        trainee, [_step_state(session, s, trainee, done) for s in script.steps],
        script.talk_track, script.escalate, [(o.code, o.when) for o in script.close_options],
        script.close_notes,
    )  # fmt: skip


def _is_trainee(session: Session, issue: Issue, actor: Actor | None) -> bool:
    if actor is not None:
        return actor.role == Role.TRAINEE
    owner = session.get(User, issue.owner_id) if issue.owner_id else None
    return owner is not None and owner.role == Role.TRAINEE.value


@service(ANYONE, "see an item's script", writes=False)
def script_for_issue(db: Database, issue_id: int, actor: Actor | None = None) -> IssueScript:
    """The resolution script an item follows, with each step done or not and who did it."""
    with db.session() as s:
        return script_in(s, _issue(s, issue_id), actor)


def _may_work(actor: Actor, issue: Issue) -> None:
    if not may_act(actor, issue):
        raise PermissionDenied(
            f"{actor.login} does not own item #{issue.id}; only its owner or a supervisor can "
            "work its script"
        )


@service(ANYONE, "mark script steps", note="own items (a supervisor: any)")
def mark_step(
    db: Database,
    actor: Actor,
    issue_id: int,
    step_number: int,
    done: bool = True,
    *,
    on: date | None = None,
) -> Changes:
    """Mark one step of an item's script done (or not done); audited. Owner or supervisor.

    `script_for_issue` shows the script with the step's new state (who did it, when).
    """
    with db.session() as s:
        issue = _issue(s, issue_id)
        _may_work(actor, issue)
        if issue.status not in [st.value for st in OPEN_STATUSES]:
            raise InvalidInput(f"item #{issue_id} is {issue.status}; reopen it to work its script")
        script, version, _ = _script_at(s, issue)
        if step_number not in {st.number for st in script.steps}:
            raise InvalidInput(
                f"the script {issue.type!r} (version {version}) has no step {step_number}; "
                f"steps are 1 to {len(script.steps)}"
            )
        if issue.script_version is None:
            _start(s, actor, issue, version)
        row = s.scalar(
            select(IssueStep).where(
                IssueStep.issue_id == issue_id, IssueStep.step_number == step_number
            )
        )
        if done and row is None:
            s.add(IssueStep(issue_id=issue_id, step_number=step_number, done_at=now(),
                            done_by_id=actor.id or None))  # fmt: skip
        elif not done and row is not None:
            s.delete(row)
        else:
            return changes_after(s, [issue_id], on or date.today())
        audit(s, actor, "script.step", "issue", issue_id,
              {"step": step_number, "done": row is not None},
              {"step": step_number, "done": done, "script_version": version})  # fmt: skip
        return changes_after(s, [issue_id], on or date.today())


def _start(session: Session, actor: Actor, issue: Issue, version: int) -> None:
    """Fix the script version an item follows. This is not an edit another user could clash
    with, so it is written without bumping the item's optimistic-lock version."""
    session.execute(update(ISSUES).where(ISSUES.c.id == issue.id).values(script_version=version))
    session.refresh(issue)
    audit(session, actor, "script.start", "issue", issue.id, {"script_version": None},
          {"script_version": version})  # fmt: skip


def progress_for_team(db: Database) -> list[ScriptProgress]:
    """Open items whose script was started, with steps done: what the supervisor watches."""
    with db.session() as s:
        rows = s.execute(
            select(Issue, Pro.pro, Account.name, User.login, User.role)
            .join(Account, Account.id == Issue.account_id)
            .outerjoin(Pro, Pro.id == Issue.pro_id)
            .outerjoin(User, User.id == Issue.owner_id)
            .where(
                Issue.script_version.is_not(None),
                Issue.status.in_([st.value for st in OPEN_STATUSES]),
            )
            .order_by(User.login, Issue.id)
        ).all()
        out = []
        for issue, pro, account_name, login, role in rows:
            state = script_in(s, issue)
            last = max((st.done_at for st in state.steps if st.done_at), default=None)
            out.append(ScriptProgress(
                issue.id, pro, account_name, ISSUE_TYPES[issue.type].name if issue.type in ISSUE_TYPES
                else issue.type, login, role, issue.status, state.version, state.done_count,
                len(state.steps), len(state.missing_required), last,
            ))  # fmt: skip
        return out


# --- the resolution gate (called by resolve, inside its transaction) ---------------------------


def gate(
    session: Session, actor: Actor, issue: Issue, resolution_code: str, override_reason: str | None
) -> Outcome:
    """See services/gates.py: check_resolution."""
    if resolution_code != LINKED_CODE:  # a pro closed with its account issue follows that script
        _check_steps(session, actor, issue, override_reason)
    amount = open_balance(session, issue)
    limit = read_settings(session).trainee_approval_limit
    if resolution_code in WRITE_OFF_CODES and not actor.is_supervisor:
        kind = "write_off"
    elif actor.role == Role.TRAINEE and amount > limit:
        kind = "resolution"
    else:
        return "resolve"
    _request_approval(session, actor, issue, kind, amount, resolution_code, override_reason)
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
    resolution_code: str, override_reason: str | None,
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
                 "status_before": issue.status},
    )  # fmt: skip
    session.add(approval)
    session.flush()
    audit(session, actor, "approval.request", "approval", approval.id, None,
          {"issue_id": issue.id, "kind": kind, "amount": amount,
           "resolution_code": resolution_code})  # fmt: skip
