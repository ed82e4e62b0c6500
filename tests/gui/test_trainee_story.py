"""A trainee's first POD item, finished by following only its script; the supervisor watches
the progress and approves the resolution."""

from __future__ import annotations

from datetime import date
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import exists, select

from arbench.services import settings
from arbench.services.base import actor_for
from arbench.services.knowledge import content
from arbench.services.organization.assignments import assign_accounts
from arbench.services.work.item_detail import item_detail
from arbench.store.db import Database
from arbench.store.models import Account, Activity, Issue, Pro
from arbench.ui import email_dialog
from arbench.ui.action_dialogs import AnswerDialog, ContactDialog, RouteDialog
from arbench.ui.resolve_dialog import ResolveDialog
from helpers import open_window, wait_idle

ON = date(2026, 11, 24)


def click(qtbot: QtBot, widget: QWidget | None) -> None:
    assert widget is not None
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def _texts(widget: QWidget) -> str:
    """Every label's text inside a widget."""
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in widget.findChildren(QLabel))


def give_mlee_a_pod_item(db: Database) -> int:
    """The supervisor hands the new hire an account with a POD request over $100 (one whose
    history has no call or email yet: her own actions are what tick those steps)."""
    with db.session() as s:
        issue_id, number = s.execute(
            select(Issue.id, Account.number)
            .join(Account, Account.id == Issue.account_id)
            .join(Pro, Pro.id == Issue.pro_id)
            .where(
                Issue.type == "pod_requested",
                Issue.status == "open",
                Pro.open_balance > 100,
                ~exists().where(
                    Activity.issue_id == Issue.id, Activity.kind.in_(("call", "email", "promise"))
                ),
            )
            .order_by(Issue.id)
        ).first()  # type: ignore[misc]
    kwright = actor_for(db, "kwright")
    assign_accounts(db, kwright, [number], "mlee")
    settings.set_setting(db, kwright, "trainee_approval_limit", "100.00")
    return int(issue_id)


def test_trainee_follows_the_pod_script_and_the_supervisor_approves(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content.load_shipped(demo_db)
    issue_id = give_mlee_a_pod_item(demo_db)
    window = open_window(qtbot, demo_db, "mlee")
    view = window.pro_view
    view.select_row(view.model.row_of(issue_id) or 0)
    wait_idle(qtbot, window)  # the item and its script are read off the GUI thread
    assert window.panel.detail is not None and window.panel.detail.id == issue_id
    tab = window.features.script.tab
    actions = window.features.item_actions
    window.panel.tabs.setCurrentWidget(tab)
    assert (
        "POD requested before payment" in tab.header.text() and "Trainee mode" in tab.header.text()
    )
    assert all(r.step.required for r in tab.rows)  # trainee: every step, optional ones too
    inline = tab.row(1).findChild(QWidget, "inline_note")
    assert inline is not None and "signed" in inline.text()

    # 1. Check the POD: read the note in the training center, "Read and understood", tick.
    click(qtbot, tab.row(1).note_button)
    center = window.features.training.center
    assert center is not None
    assert center.isVisible() and center.note.key == "glossary-pod"
    assert "Proof of delivery" in center.viewer.toPlainText()
    click(qtbot, center.ack_button)
    wait_idle(qtbot, window)
    assert not center.ack_button.isEnabled() and "read and understood" in center.ack_state.text()
    center.close()
    click(qtbot, tab.row(1).check)
    wait_idle(qtbot, window)
    assert tab.row(1).step.done and "1 of 6 steps done" in tab.header.text()

    # The talk track is filled from the item; close codes read as words.
    guide = tab.guide.toPlainText()
    assert "{" not in guide and "PRO " + window.panel.detail.pro.pro in guide  # type: ignore[union-attr]
    assert "Paid after documents sent" in guide and "paid_after_documents" not in guide

    # 2. Route to operations: the [route] step ticks itself, with who and when.
    actions.route()
    route = actions.dialog
    assert isinstance(route, RouteDialog)
    route.department.setCurrentIndex(route.department.findData("operations"))
    qtbot.keyClicks(route.request, "Signed delivery receipt with printed name, please")
    click(qtbot, route.ok_button)
    wait_idle(qtbot, window)
    assert tab.row(2).step.done and tab.row(2).step.via == "route"
    assert tab.row(2).step.done_by == "mlee" and "(routed)" in _texts(tab.row(2))
    # 3. Operations answers: the [wait] step ticks itself.
    actions.answer()
    wait_idle(qtbot, window)
    answer = actions.dialog
    assert isinstance(answer, AnswerDialog)
    qtbot.keyClicks(answer.answer, "Signed POD attached from the handheld")
    click(qtbot, answer.ok_button)
    wait_idle(qtbot, window)
    assert tab.row(3).step.done and tab.row(3).step.via == "answer"

    # 4. Email the POD: the [email] step cannot be ticked by hand; logging the email ticks it.
    assert not tab.row(4).check.isEnabled() and "ticks itself" in tab.row(4).check.toolTip()
    assert not tab.row(5).check.isEnabled()  # [call]: the same
    saved = tmp_path / "pod.eml"
    monkeypatch.setattr(
        email_dialog.QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "")
    )
    click(qtbot, tab.row(4).email_button)
    wait_idle(qtbot, window)  # the templates, attachments and draft are read off the GUI thread
    compose = tab.email
    assert compose is not None and compose.isVisible()
    pro = window.panel.detail.pro
    assert pro is not None and f"PRO {pro.pro}" in compose.subject.text()
    assert "Accounts Receivable, Demo Freight Lines" in compose.body.toPlainText()
    click(qtbot, compose.save_button)
    wait_idle(qtbot, window)  # one write: the email logged and its step ticked
    message = BytesParser(policy=policy.default).parsebytes(saved.read_bytes())
    assert (
        message["Subject"] == f"{compose.subject.text()} [AR#{window.panel.detail.id}]"
        and message["To"]
    )
    assert tab.row(4).step.done and tab.row(4).step.via == "email"
    assert "saved as pod.eml" in window.panel.timeline.toPlainText()

    # 5. Call payables and log it: the [call] step ticks itself.
    actions.log_contact()
    call = actions.dialog
    assert isinstance(call, ContactDialog)
    call.outcome.setEditText("AP has the POD, releasing for Friday's run")
    qtbot.keyClicks(call.text, "Confirmed receipt of the POD email")
    click(qtbot, call.ok_button)
    wait_idle(qtbot, window)
    assert tab.row(5).step.done and tab.row(5).step.via == "call"
    assert "5 of 6 steps done" in tab.header.text()

    # Resolve, ticking 6 (decide) with it: above the trainee limit, so it waits, and she is
    # told so (not only in the status bar).
    actions.resolve()
    resolve = actions.dialog
    assert isinstance(resolve, ResolveDialog)
    assert resolve.code.findData("paid_after_documents") < 0  # the balance is not paid yet
    assert resolve.code.currentData() is None and resolve.fixed.currentData() is None
    assert list(resolve.steps) == [6] and "pending approval" in _texts(resolve)
    resolve.steps[6].setChecked(True)
    resolve.code.setCurrentIndex(resolve.code.findData("rebilled"))
    resolve.fixed.setCurrentIndex(resolve.fixed.findData(False))
    qtbot.keyClicks(resolve.note, "Rebilled with the signed POD attached")
    click(qtbot, resolve.ok_button)
    wait_idle(qtbot, window)
    assert item_detail(demo_db, issue_id).status == "pending_approval"
    assert "sent to a supervisor for approval" in window.statusBar().currentMessage()
    told = actions.message
    assert told is not None and told.isVisible() and "pending approval" in told.text()

    # The supervisor sees the progress and the approval, and approves.
    boss = open_window(qtbot, demo_db, "kwright")
    action = next(a for a in boss.tools_menu.actions() if a.text().startswith("&Approvals"))
    action.trigger()
    wait_idle(qtbot, boss)
    assert boss.features.approvals is not None
    dialog = boss.features.approvals.dialog
    assert dialog is not None
    progress = dialog.progress_model
    rows = [
        [progress.item(r, c).text() for c in range(progress.columnCount())]
        for r in range(progress.rowCount())
    ]
    mine = next(r for r in rows if r[2] == f"#{issue_id}")
    assert (mine[0], mine[1], mine[8], mine[9]) == ("mlee", "trainee", "6 / 6", "0")
    assert dialog.approval_model.rowCount() == 1
    assert dialog.approval_model.item(0, 1).text() == "mlee"
    click(qtbot, dialog.approve_button)
    wait_idle(qtbot, boss)
    assert dialog.approval_model.rowCount() == 0
    detail = item_detail(demo_db, issue_id)
    assert detail.status == "resolved"
    kinds = [e.kind for e in detail.timeline if e.issue_id == issue_id]
    assert kinds[:2] == ["approval", "resolve"] and "email" in kinds and "answer" in kinds
