"""A collector's day, clicked through the real window: open the top item, log a call, record a
promise, route to operations, the answer comes back, resolve; plus a conflict and an error."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from arbench.services.base import actor_for
from arbench.services.work import items as service
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import ContactLog
from arbench.services.work.worklist import by_order
from arbench.store.db import Database
from arbench.ui.action_dialogs import ContactDialog, PromiseDialog, RouteDialog
from arbench.ui.main_window import MainWindow
from arbench.ui.resolve_dialog import ResolveDialog
from helpers import open_window as shared_open_window
from helpers import wait_idle

ON = date(2026, 11, 24)


def open_window(qtbot: QtBot, db: Database, login: str = "agarcia") -> MainWindow:
    return shared_open_window(qtbot, db, login, ON)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def press(qtbot: QtBot, window: MainWindow, name: str) -> object:
    """Click the item panel's button for an action and return the dialog it opened."""
    click(qtbot, window.features.item_actions.buttons[name])
    dialog = window.features.item_actions.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def submit(qtbot: QtBot, window: MainWindow, dialog: object) -> None:
    """Click the dialog's OK button and wait until the write is applied everywhere."""
    click(qtbot, dialog.ok_button)  # type: ignore[attr-defined]
    wait_idle(qtbot, window)


def row_of(window: MainWindow, issue_id: int):  # type: ignore[no-untyped-def]
    model = window.pro_view.model
    row = model.row_of(issue_id)
    return None if row is None else model.items[row]


def work_script(db: Database, issue_id: int) -> None:
    """Tick the item's required script steps, when shipped scripts are loaded."""
    from arbench.services.base import NotFound
    from arbench.services.work import scripts

    me = actor_for(db, "agarcia")
    try:
        script = scripts.script_for_issue(db, issue_id, me)
    except NotFound:
        return
    for step in script.missing_required:
        scripts.mark_step(db, me, issue_id, step.number)


def test_collector_works_the_top_item_from_call_to_resolution(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = open_window(qtbot, demo_db)
    view = window.pro_view
    top = view.model.items[0]
    rect = view.table.visualRect(view.model.index(0, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert window.panel.detail is not None and window.panel.detail.id == top.id
    tip = window.features.item_actions.buttons["log"].toolTip()
    assert "Ctrl+L" in tip

    # 1. Log a call.
    dialog = press(qtbot, window, "log")
    assert isinstance(dialog, ContactDialog)
    dialog.outcome.setEditText("AP asked for POD copy")
    qtbot.keyClicks(dialog.text, "Called AP about the open balance")
    submit(qtbot, window, dialog)
    row = row_of(window, top.id)
    assert row is not None and row.follow_up == ON + timedelta(days=3)
    moved = view.model.row_of(top.id)  # moved to where it now ranks, without a reload
    assert moved and view.model.items == sorted(view.model.items, key=by_order)
    assert view.current_item() == view.model.items[moved]  # the selection went with it
    assert (
        "Called AP about the open balance — AP asked for POD copy"
        in window.panel.timeline.toPlainText()
    )

    # 2. Promise to pay $500 by a week from today.
    dialog = press(qtbot, window, "promise")
    assert isinstance(dialog, PromiseDialog)
    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "500.00")
    submit(qtbot, window, dialog)
    row = row_of(window, top.id)
    assert row is not None and row.follow_up == ON + timedelta(days=8)
    assert "Promise to pay $500.00 by 2026-12-01" in window.panel.timeline.toPlainText()
    assert "promise $500.00 by 2026-12-01" in window.panel.header.text()

    # 3. Route to operations.
    dialog = press(qtbot, window, "route")
    assert isinstance(dialog, RouteDialog)
    dialog.department.setCurrentIndex(dialog.department.findData("operations"))
    qtbot.keyClicks(dialog.request, "Send the signed POD")
    submit(qtbot, window, dialog)
    row = row_of(window, top.id)
    assert row is not None and row.status == "waiting"
    assert row.reason.startswith("Waiting on operations since 2026-11-24")
    assert "waiting on operations since 2026-11-24" in window.panel.header.text()
    assert (
        "Routed to operations, due 2026-11-29: Send the signed POD"
        in window.panel.timeline.toPlainText()
    )

    # 4. Operations answers (recorded through the service), the list is refreshed (F5).
    [(request_id, _, _, _)] = service.open_requests(demo_db, top.id)
    service.answer_request(
        demo_db, actor_for(demo_db, "kwright"), request_id, answer="Signed POD attached", on=ON
    )
    with qtbot.waitSignal(window.worklist_loaded, timeout=20000):
        window.reload()
    wait_idle(qtbot, window)
    row = row_of(window, top.id)
    assert row is not None and row.bucket_label == "Department answered or overdue"
    assert row.reason.startswith("Operations answered")
    assert all(i.bucket <= row.bucket for i in view.model.items[: view.model.row_of(top.id)])
    view.select_row(view.model.row_of(top.id) or 0)
    wait_idle(qtbot, window)
    assert "Operations answered: Signed POD attached" in window.panel.timeline.toPlainText()

    # 5. The collector works the resolution script (the #4 script runner), then resolves:
    #    the row leaves the list, the timeline keeps every step.
    work_script(demo_db, top.id)
    window.open_item_by_id(top.id)
    wait_idle(qtbot, window)
    dialog = press(qtbot, window, "resolve")
    assert isinstance(dialog, ResolveDialog)
    assert dialog.code.findData("paid_after_documents") < 0  # not paid yet: not offered
    dialog.code.setCurrentIndex(dialog.code.findData("rebilled"))
    dialog.fixed.setCurrentIndex(dialog.fixed.findData(True))
    qtbot.keyClicks(dialog.note, "Rebilled with the signed POD attached")
    submit(qtbot, window, dialog)
    message = window.runner.message
    assert message is None or not message.isVisible(), message.text()
    assert row_of(window, top.id) is None
    assert window.panel.detail is not None and window.panel.detail.id != top.id
    kinds = [e.kind for e in item_detail(demo_db, top.id).timeline if e.issue_id == top.id]
    assert kinds[:5] == ["resolve", "answer", "route", "promise", "call"]


def test_conflict_offers_reload_and_keeps_what_was_typed(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db)
    top = window.pro_view.model.items[0]
    window.pro_view.select_row(0)
    wait_idle(qtbot, window)
    dialog = press(qtbot, window, "log")
    qtbot.keyClicks(dialog.text, "My notes from the call")  # type: ignore[attr-defined]
    # Meanwhile a supervisor works the same item in another session.
    seen = window.panel.detail.version  # type: ignore[union-attr]
    service.log_contact(
        demo_db,
        actor_for(demo_db, "kwright"),
        top.id,
        seen,
        ContactLog(kind="note", text="Checked portal", follow_up=ON + timedelta(days=9)),
        on=ON,
    )
    submit(qtbot, window, dialog)
    box = window.runner.message
    assert box is not None and box.isVisible()
    assert (
        "changed by kwright" in box.text()
        and "follow_up: 2026-12-03 (theirs)" in box.informativeText()
    )
    reload_button = next(b for b in box.buttons() if b.text() == "Reload and reapply")
    click(qtbot, reload_button)
    wait_idle(qtbot, window)
    again = window.features.item_actions.dialog
    assert isinstance(again, ContactDialog) and again is not dialog
    assert again.text.toPlainText() == "My notes from the call"
    submit(qtbot, window, again)
    timeline = window.panel.timeline.toPlainText()
    assert "My notes from the call" in timeline and "Checked portal" in timeline


def test_bad_promise_shows_the_error_and_reopens_with_the_amount(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = open_window(qtbot, demo_db)
    window.pro_view.select_row(0)
    wait_idle(qtbot, window)
    dialog = press(qtbot, window, "promise")
    dialog.amount.setText("99999999.00")  # type: ignore[attr-defined]
    submit(qtbot, window, dialog)
    box = window.runner.message
    assert isinstance(box, QMessageBox) and "more than the open balance" in box.text()
    click(qtbot, box.button(QMessageBox.StandardButton.Ok))
    again = window.features.item_actions.dialog
    assert isinstance(again, PromiseDialog) and again.amount.text() == "99999999.00"


def test_account_issue_from_the_pro_panel_and_a_promotion_proposal(
    qtbot: QtBot, demo_db: Database
) -> None:
    from PySide6.QtCore import Qt as _Qt

    from arbench.services.settings import set_setting
    from arbench.ui.account_dialogs import AccountIssueDialog, ProposalsDialog

    window = open_window(qtbot, demo_db)
    accounts_before = window.account_view.model.rowCount()
    window.pro_view.select_row(0)
    wait_idle(qtbot, window)
    top = window.pro_view.model.items[0]
    dialog = press(qtbot, window, "account")
    assert isinstance(dialog, AccountIssueDialog)
    assert dialog.type.currentData() == "invoicing_requirements"  # what POD missing signals
    submit(qtbot, window, dialog)
    assert window.account_view.model.rowCount() == accounts_before + 1
    row = row_of(window, top.id)
    assert row is not None and row.parent_id is not None  # the pro row shows its new parent
    assert "Linked to account-level issue" in window.panel.timeline.toPlainText()

    # Three pros of one account get the same cause; the proposal turns them into one issue.
    set_setting(demo_db, actor_for(demo_db, "kwright"), "promotion_window_days", "3650")
    by_account: dict[str, list[int]] = {}
    for item in window.pro_view.model.items:
        if item.parent_id is None and item.status == "open":
            by_account.setdefault(item.account_number, []).append(item.id)
    ids = next(g for g in by_account.values() if len(g) >= 3)[:3]
    for issue_id in ids:
        service.set_root_cause(
            demo_db, actor_for(demo_db, "agarcia"), issue_id, None, code="rate_keyed_wrong", on=ON
        )
    window.features.item_actions.actions["proposals"].trigger()
    wait_idle(qtbot, window)  # the proposals are read off the GUI thread
    proposals = window.features.item_actions.dialog
    assert isinstance(proposals, ProposalsDialog)
    index = next(n for n, p in enumerate(proposals.proposals) if set(ids) <= set(p.issue_ids))
    proposals.list.item(index).setCheckState(_Qt.CheckState.Checked)
    submit(qtbot, window, proposals)
    assert window.account_view.model.rowCount() == accounts_before + 2
    for issue_id in ids:
        linked = row_of(window, issue_id)
        assert linked is not None and linked.parent_id is not None


def test_department_answer_typed_in_the_window_brings_the_item_back(
    qtbot: QtBot, demo_db: Database
) -> None:
    from arbench.ui.action_dialogs import AnswerDialog

    window = open_window(qtbot, demo_db)
    window.pro_view.select_row(0)
    wait_idle(qtbot, window)
    top = window.pro_view.model.items[0]
    dialog = press(qtbot, window, "route")
    qtbot.keyClicks(dialog.request, "Inspection certificate please")  # type: ignore[attr-defined]
    submit(qtbot, window, dialog)
    window.features.item_actions.actions["answer"].trigger()
    wait_idle(qtbot, window)  # the open requests are read off the GUI thread
    answer = window.features.item_actions.dialog
    assert (
        isinstance(answer, AnswerDialog)
        and "Inspection certificate please" in answer.request.currentText()
    )
    qtbot.keyClicks(answer.answer, "Certificate and photos attached")
    submit(qtbot, window, answer)
    row = row_of(window, top.id)
    assert (
        row is not None
        and row.status == "open"
        and row.bucket_label == "Department answered or overdue"
    )
    assert "answered: Certificate and photos attached" in window.panel.timeline.toPlainText()
