"""The script runner: an item's resolution script and its steps done.

An item starts its script when its first step is marked; it then keeps that script version
(`issues.script_version`) even after a supervisor publishes a new one. Required steps must be
done before the item can be resolved (services/work/gates.py); for trainees every step is
required. The actions tick their steps themselves (`tick_for_action`, in the action's
transaction: logging a call ticks the [call] step, an email the [email] step, a route the
[route] step, a department's answer the [wait] step), with who and when; a [call] or [email]
step cannot be ticked by hand unless a call or email was logged that no other step used.
The talk track is filled with the item's data (customer, contact, PRO, amounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from arbench.domain.account_work import BY_ACTION, step_for_action, tick_by_hand_problem
from arbench.domain.catalogue import ISSUE_TYPES, OPEN_STATUSES, Role
from arbench.domain.content import MERGE_FIELDS, Script, Step, parse_note, parse_script, render_text
from arbench.services.base import Actor, InvalidInput, NotFound, PermissionDenied, audit, now
from arbench.services.knowledge import content
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.work.item_base import may_act
from arbench.store.db import Database
from arbench.store.models import Account, Activity, Issue, IssueStep, Pro, User

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
    via: str | None = None  # the action that ticked it (call, email, promise, route, answer)
    by_action: bool = False  # a [call] or [email] step no logged action can tick by hand yet


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


Done = dict[int, tuple[datetime, str | None, str | None]]  # step -> (when, who, via)


def _done(session: Session, issue_id: int) -> Done:
    rows = session.execute(
        select(IssueStep.step_number, IssueStep.done_at, User.login, IssueStep.via)
        .outerjoin(User, User.id == IssueStep.done_by_id)
        .where(IssueStep.issue_id == issue_id)
    ).all()
    return {r.step_number: (r.done_at, r.login, r.via) for r in rows}


def _evidence(session: Session, issue_id: int) -> dict[str, int]:
    """Actions logged on the item that let a [call] or [email] step be ticked: by step kind."""
    kinds = dict(session.execute(
        select(Activity.kind, func.count()).where(Activity.issue_id == issue_id)
        .group_by(Activity.kind)
    ).all())  # fmt: skip
    return {step: sum(int(kinds.get(k, 0)) for k in logged) for step, logged in BY_ACTION.items()}


def _by_hand_problem(
    script: Script, step: Step, done: Done, evidence: dict[str, int]
) -> str | None:
    same_kind = sum(1 for s in script.steps if s.kind == step.kind and s.number in done)
    return tick_by_hand_problem(step, evidence.get(step.kind, 0), same_kind)


def _required(step: Step, trainee: bool) -> bool:
    return True if trainee else step.required


def _step_state(
    session: Session, step: Step, trainee: bool, done: Done, by_action: bool = False
) -> StepState:
    title = body = None
    if step.note:
        try:
            note = parse_note(step.note, content.current_in(session, "note", step.note).body)
            title, body = note.title, note.body
        except NotFound:
            title = step.note
    at, by, via = done.get(step.number, (None, None, None))
    return StepState(
        step.number, step.kind, step.text, step.detail, _required(step, trainee),
        step.number in done, by, at, step.note, title, body, step.template, step.department,
        via, by_action and step.number not in done,
    )  # fmt: skip


def script_in(
    session: Session, issue: Issue, actor: Actor | None = None, on: date | None = None
) -> IssueScript:
    """The script of an issue with its progress; steps required as for `actor` (or the owner);
    with `on`, the talk track filled with the item's data as `actor` would say it."""
    script, version, newest = _script_at(session, issue)
    trainee = _is_trainee(session, issue, actor)
    done = _done(session, issue.id)
    evidence = _evidence(session, issue.id)
    steps = [
        _step_state(
            session, s, trainee, done, _by_hand_problem(script, s, done, evidence) is not None
        )
        for s in script.steps
    ]
    talk = script.talk_track
    if actor is not None and on is not None:
        talk = _filled(session, issue, actor, on, talk)
    return IssueScript(
        issue.id, issue.type, script.title, version, newest, issue.script_version is not None,
        trainee, steps, talk, script.escalate, [(o.code, o.when) for o in script.close_options],
        script.close_notes,
    )  # fmt: skip


def _filled(session: Session, issue: Issue, actor: Actor, on: date, text: str) -> str:
    """Content text with the item's values; a value the item lacks reads "[contact name]"."""
    from arbench.services.correspondence.email import (
        merge_values_in,  # email ticks steps: imports this module
    )

    values = merge_values_in(session, actor, issue, on)
    blanks = {k: f"[{k.replace('_', ' ')}]" for k in MERGE_FIELDS if k not in values}
    return render_text(text, {**blanks, **values}, missing="[?]")


def _is_trainee(session: Session, issue: Issue, actor: Actor | None) -> bool:
    if actor is not None:
        return actor.role == Role.TRAINEE
    owner = session.get(User, issue.owner_id) if issue.owner_id else None
    return owner is not None and owner.role == Role.TRAINEE.value


@service(ANYONE, "see an item's script", writes=False)
def script_for_issue(
    db: Database, issue_id: int, actor: Actor | None = None, on: date | None = None
) -> IssueScript:
    """The resolution script an item follows, with each step done or not and who did it, and
    its talk track filled with the item's data (as `actor` says it on `on`)."""
    with db.session() as s:
        return script_in(s, _issue(s, issue_id), actor, on or date.today())


def _may_work(actor: Actor, issue: Issue) -> None:
    if not may_act(actor, issue):
        raise PermissionDenied(
            f"{actor.login} does not own item #{issue.id}; only its owner or a supervisor can "
            "work its script"
        )


@service(
    ANYONE,
    "mark script steps",
    note="own items (a supervisor: any); [call] and [email] steps tick themselves when the call or email is logged",
)
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
        if done:
            _check_by_hand(s, script, issue_id, step_number)
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


def mark_steps_in(session: Session, actor: Actor, issue: Issue, numbers: tuple[int, ...]) -> None:
    """Tick steps by hand in an action's transaction (the steps ticked with a resolve)."""
    script, version, _ = _script_at(session, issue)
    known = {st.number for st in script.steps}
    for number in numbers:
        if number not in known:
            raise InvalidInput(f"item #{issue.id}: its script has no step {number}")
        if number in _done(session, issue.id):
            continue
        _check_by_hand(session, script, issue.id, number)
        if issue.script_version is None:
            session.flush()
            _start(session, actor, issue, version)
        session.add(IssueStep(issue_id=issue.id, step_number=number, done_at=now(),
                              done_by_id=actor.id or None))  # fmt: skip
        session.flush()
        audit(session, actor, "script.step", "issue", issue.id, {"step": number, "done": False},
              {"step": number, "done": True, "script_version": version})  # fmt: skip


def _check_by_hand(session: Session, script: Script, issue_id: int, number: int) -> None:
    step = next(st for st in script.steps if st.number == number)
    done = _done(session, issue_id)
    if number in done:
        return
    problem = _by_hand_problem(script, step, done, _evidence(session, issue_id))
    if problem:
        raise InvalidInput(f"item #{issue_id}: {problem}")


def tick_for_action(
    session: Session, actor: Actor, issue: Issue, action: str, department: str | None = None
) -> int | None:
    """Tick the step of the item's script that `action` did (in the action's transaction);
    the step's number, or None when no step of that kind is left (or no script is loaded)."""
    try:
        script, version, _ = _script_at(session, issue)
    except NotFound:
        return None
    number = step_for_action(script.steps, set(_done(session, issue.id)), action, department)
    if number is None:
        return None
    if issue.script_version is None:
        session.flush()  # the item's own changes first: _start reads the row again
        _start(session, actor, issue, version)
    session.add(IssueStep(issue_id=issue.id, step_number=number, done_at=now(),
                          done_by_id=actor.id or None, via=action))  # fmt: skip
    audit(session, actor, "script.step", "issue", issue.id, {"step": number, "done": False},
          {"step": number, "done": True, "via": action, "script_version": version})  # fmt: skip
    return number


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
