"""The script runner gates resolution; supervisor override; trainee approvals and write-offs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from arbench.services import settings
from arbench.services.base import Actor, InvalidInput, PermissionDenied, actor_for
from arbench.services.knowledge import content
from arbench.services.work import approvals, scripts
from arbench.services.work.item_inputs import ContactLog, Resolution
from arbench.services.work.items import log_contact
from arbench.services.work.resolution import resolve
from arbench.store.db import Database
from arbench.store.models import Activity, Approval, AuditEvent, Issue, User

POD = "pod_requested"


@pytest.fixture
def db(demo_db: Database) -> Database:
    content.load_shipped(demo_db)
    return demo_db


def _item(db: Database, login: str, issue_type: str = POD) -> int:
    """The user's first open item of the type; one is handed over from agarcia if they have none."""
    with db.session() as s:
        found = s.scalars(
            select(Issue.id)
            .join(User, User.id == Issue.owner_id)
            .where(User.login == login, Issue.type == issue_type, Issue.status == "open")
            .order_by(Issue.id)
        ).first()
        if found is None:
            found = s.scalars(
                select(Issue.id)
                .join(User, User.id == Issue.owner_id)
                .where(User.login == "agarcia", Issue.type == issue_type, Issue.status == "open")
                .order_by(Issue.id.desc())
            ).first()
            assert found is not None, f"no open {issue_type} item in the demo book"
            issue = s.get(Issue, found)
            assert issue is not None
            issue.owner_id = s.scalar(select(User.id).where(User.login == login))
    return found


def _owner(db: Database, issue_id: int) -> Actor:
    with db.session() as s:
        issue = s.get(Issue, issue_id)
        assert issue is not None and issue.owner_id is not None
        login = s.get(User, issue.owner_id).login  # type: ignore[union-attr]
    return actor_for(db, login)


def _status(db: Database, issue_id: int) -> tuple[str, str | None]:
    with db.session() as s:
        issue = s.get(Issue, issue_id)
        assert issue is not None
        return issue.status, issue.resolution_code


def _resolve(db: Database, actor: Actor, issue_id: int, code: str = "rebilled",
             override: str | None = None) -> str:  # fmt: skip
    amount = "10.00" if code == "written_off" else None
    result = resolve(
        db,
        actor,
        issue_id,
        None,
        Resolution(
            code=code,
            root_cause_fixed=True,
            root_cause="pod_missing",
            override_reason=override,
            note="POD sent with a corrected invoice",
            amount=amount,
        ),
    )
    return _status(db, issue_id)[0] if result.touched == {issue_id} else "?"


def _audits(db: Database, action: str) -> list[AuditEvent]:
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _without_calls_or_emails(db: Database, issue_id: int) -> int:
    """The item, with the calls and emails of its (demo) history taken off its timeline."""
    with db.session() as s:
        s.execute(delete(Activity).where(Activity.issue_id == issue_id,
                                         Activity.kind.in_(("call", "email", "promise"))))  # fmt: skip
    return issue_id


def test_required_steps_gate_resolution_for_a_collector(db: Database) -> None:
    issue_id = _without_calls_or_emails(db, _item(db, "agarcia"))
    agarcia = _owner(db, issue_id)
    with pytest.raises(InvalidInput, match=r"required script steps not done: 1\. Pull the POD"):
        _resolve(db, agarcia, issue_id)
    assert _status(db, issue_id) == ("open", None)
    state = scripts.script_for_issue(db, issue_id, agarcia)
    required = [s.number for s in state.steps if s.required]
    assert 3 not in required and len(required) == len(state.steps) - 1  # step 3 is optional
    with pytest.raises(InvalidInput, match="step 4 is done by an action: send or log the email"):
        scripts.mark_step(db, agarcia, issue_id, 4, True)
    _call_and_email(db, agarcia, issue_id)  # the actions tick steps 4 and 5 themselves
    for number in required:
        if number not in (4, 5):
            assert scripts.mark_step(db, agarcia, issue_id, number, True).touched == {issue_id}
    state = scripts.script_for_issue(db, issue_id, agarcia)
    assert [(s.via, s.done_by) for s in state.steps if s.number in (4, 5)] == [
        ("email", "agarcia"),
        ("call", "agarcia"),
    ]
    assert state.started and state.missing_required == []
    assert _resolve(db, agarcia, issue_id) == "resolved"
    assert len(_audits(db, "script.step")) == len(required)


def test_only_the_owner_or_a_supervisor_marks_steps(db: Database) -> None:
    issue_id = _item(db, "agarcia")
    with pytest.raises(PermissionDenied):
        scripts.mark_step(db, actor_for(db, "bchen"), issue_id, 1, True)
    with pytest.raises(InvalidInput, match="has no step 99"):
        scripts.mark_step(db, actor_for(db, "kwright"), issue_id, 99, True)
    scripts.mark_step(db, actor_for(db, "kwright"), issue_id, 1, True)
    assert scripts.script_for_issue(db, issue_id).steps[0].done_by == "kwright"
    scripts.mark_step(db, actor_for(db, "kwright"), issue_id, 1, False)
    assert not scripts.script_for_issue(db, issue_id).steps[0].done


def test_supervisor_override_is_audited_and_refused_to_others(db: Database) -> None:
    issue_id = _item(db, "agarcia")
    with pytest.raises(PermissionDenied, match="only a supervisor can override"):
        _resolve(db, _owner(db, issue_id), issue_id, override="customer paid already")
    kwright = actor_for(db, "kwright")
    with pytest.raises(InvalidInput, match="a supervisor can override with a reason"):
        _resolve(db, kwright, issue_id)
    assert _resolve(db, kwright, issue_id, override="Paid in full by wire") == "resolved"
    [event] = _audits(db, "script.override")
    assert event.user_login == "kwright" and event.entity_id == issue_id
    assert event.after == {"reason": "Paid in full by wire"}
    assert event.before is not None and 1 in event.before["missing_steps"]


def _call_and_email(db: Database, actor: Actor, issue_id: int) -> None:
    """Log the call and the email the script's [call] and [email] steps ask for."""
    log_contact(db, actor, issue_id, None, ContactLog("email", "Sent the signed POD"))
    log_contact(db, actor, issue_id, None, ContactLog("call", "AP confirmed the POD"))


def _follow_every_step(db: Database, actor: Actor, issue_id: int) -> None:
    _call_and_email(db, actor, issue_id)
    state = scripts.script_for_issue(db, issue_id, actor)
    for step in state.steps:
        if not step.done:
            scripts.mark_step(db, actor, issue_id, step.number, True)


def test_trainee_must_do_every_step_and_waits_for_approval(db: Database) -> None:
    issue_id = _item(db, "nbrown")
    nbrown = actor_for(db, "nbrown")
    state = scripts.script_for_issue(db, issue_id)  # the owner is a trainee
    assert state.trainee_mode and all(s.required for s in state.steps)
    assert state.steps[0].note_body and "signed" in state.steps[0].note_body
    _call_and_email(db, nbrown, issue_id)
    for step in state.steps[:-1]:
        if step.kind not in ("call", "email"):
            scripts.mark_step(db, nbrown, issue_id, step.number, True)
    with pytest.raises(InvalidInput, match=r"not done: 6\."):
        _resolve(db, nbrown, issue_id)
    scripts.mark_step(db, nbrown, issue_id, 6, True)

    settings.set_setting(db, actor_for(db, "kwright"), "trainee_approval_limit", "0")
    assert _resolve(db, nbrown, issue_id) == "pending_approval"
    assert _status(db, issue_id) == ("pending_approval", "rebilled")
    with pytest.raises(PermissionDenied):
        approvals.pending(db, nbrown)
    kwright = actor_for(db, "kwright")
    [waiting] = approvals.pending(db, kwright)
    assert (waiting.issue_id, waiting.kind, waiting.requested_by) == (
        issue_id,
        "resolution",
        "nbrown",
    )
    assert waiting.amount is not None and waiting.amount > Decimal("0")
    with pytest.raises(PermissionDenied):
        approvals.approve(db, actor_for(db, "agarcia"), waiting.id)
    done = approvals.approve(db, kwright, waiting.id)
    assert done.removed == {issue_id} and done.notice == "approved: the item is resolved"
    [decided] = approvals.for_issue(db, issue_id)
    assert (decided.status, decided.decided_by) == ("approved", "kwright")
    assert _status(db, issue_id) == ("resolved", "rebilled")
    assert approvals.pending(db, kwright) == []
    assert [e.after["status"] for e in _audits(db, "approval.approved") if e.after] == ["approved"]


def test_trainee_below_the_limit_resolves_and_rejection_reopens(db: Database) -> None:
    kwright = actor_for(db, "kwright")
    nbrown = actor_for(db, "nbrown")
    first = _item(db, "nbrown")
    _follow_every_step(db, nbrown, first)
    settings.set_setting(db, kwright, "trainee_approval_limit", "1000000")
    assert _resolve(db, nbrown, first) == "resolved"

    # any write-off waits for a supervisor, whatever the amount
    second = _item(db, "nbrown")
    _follow_every_step(db, nbrown, second)
    assert _resolve(db, nbrown, second, code="written_off") == "pending_approval"
    [waiting] = approvals.pending(db, kwright)
    assert waiting.kind == "write_off" and waiting.resolution_code == "written_off"
    with pytest.raises(InvalidInput, match="reason is empty"):
        approvals.reject(db, kwright, waiting.id, " ")
    back = approvals.reject(db, kwright, waiting.id, "Call them once more first")
    row = back.item(second)
    assert row is not None and row.status == "open"  # back on its owner's list
    [rejected] = approvals.for_issue(db, second)
    assert rejected.status == "rejected" and rejected.reason == "Call them once more first"
    assert _status(db, second) == ("open", None)
    with db.session() as s:
        assert s.scalar(select(Approval.status).where(Approval.id == waiting.id)) == "rejected"


def test_collector_write_off_waits_but_a_supervisor_writes_off(db: Database) -> None:
    issue_id = _item(db, "agarcia")
    agarcia = _owner(db, issue_id)
    _follow_every_step(db, agarcia, issue_id)
    assert _resolve(db, agarcia, issue_id, code="written_off") == "pending_approval"
    other = _item(db, "bchen")
    assert _resolve(db, actor_for(db, "lmartin"), other, code="written_off",
                    override="Customer out of business") == "resolved"  # fmt: skip


def test_supervisor_sees_script_progress(db: Database) -> None:
    issue_id = _item(db, "nbrown")
    nbrown = actor_for(db, "nbrown")
    scripts.mark_step(db, nbrown, issue_id, 1, True)
    scripts.mark_step(db, nbrown, issue_id, 2, True)
    [row] = scripts.progress_for_team(db)
    assert (row.issue_id, row.owner, row.owner_role) == (issue_id, "nbrown", "trainee")
    assert (row.done, row.total, row.required_missing) == (2, 6, 4)
