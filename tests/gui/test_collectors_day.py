"""The collector's day, with the keyboard only: Today opens on the first account; three accounts
are worked end to end (one call covering every pro of an account, a promise split across its
pros, a route, a resolve, save-and-next, an undo), and after every step each count on the
screen equals the database, counted here with SQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.work import day_plan
from arbench.services.work import worklist as worklist_service
from arbench.store.db import Database
from arbench.store.models import Activity, DayPlan, DayPlanAccount, Issue, Pro, Promise, User
from arbench.ui.action_dialogs import ContactDialog, PromiseDialog, RouteDialog
from arbench.ui.main_window import MainWindow
from arbench.ui.resolve_dialog import ResolveDialog
from helpers import open_window, wait_idle

ON = date(2026, 11, 24)
OPEN = [s.value for s in OPEN_STATUSES]
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def key(qtbot: QtBot, widget: QWidget | None, k: Qt.Key,
        mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # fmt: skip
    """A key pressed in `widget`'s window (made active first, as a desktop does when a dialog
    closes: the offscreen platform leaves the last window active)."""
    assert widget is not None
    top = widget.window()
    if QApplication.activeWindow() is not top:
        top.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is top, timeout=5000)
        widget.setFocus()
    qtbot.keyClick(widget, k, mods)


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def dialog_of(qtbot: QtBot, window: MainWindow) -> object:
    dialog = window.features.item_actions.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and dialog.isAncestorOf(QApplication.focusWidget()), timeout=5000)  # fmt: skip
    return dialog


def tab_to(qtbot: QtBot, target: QWidget) -> None:
    """Tab through the fields until `target` has the focus (at most 12 presses)."""
    for _ in range(12):
        if focus() is target or target.isAncestorOf(focus()):
            return
        key(qtbot, focus(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target}")


# ----- the database's counts, with SQL -------------------------------------------------------------
def user_id(db: Database) -> int:
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == "agarcia"))
    assert uid is not None
    return uid


def open_counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        rows = s.execute(select(Issue.level, func.count())
                         .where(Issue.owner_id == user_id(db), Issue.status.in_(OPEN))
                         .group_by(Issue.level)).all()  # fmt: skip
    return {level: n for level, n in rows}


def account_in_db(db: Database, number: str) -> tuple[int, Decimal]:
    """(open items of agarcia on the account, the open balance of its pro-level ones)."""
    from arbench.store.models import Account

    with db.session() as s:
        n, total = s.execute(
            select(func.count(), func.coalesce(func.sum(Pro.open_balance), 0))
            .select_from(Issue).join(Account, Account.id == Issue.account_id)
            .outerjoin(Pro, Pro.id == Issue.pro_id)
            .where(Account.number == number, Issue.owner_id == user_id(db), Issue.status.in_(OPEN))
        ).one()  # fmt: skip
    return int(n), Decimal(total)


def plan_in_db(db: Database) -> tuple[int, int]:
    """(accounts in today's stored plan, of them worked)."""
    with db.session() as s:
        plan = s.scalar(
            select(DayPlan.id).where(DayPlan.user_id == user_id(db), DayPlan.plan_date == ON)
        )
        rows = s.execute(select(DayPlanAccount.worked).where(DayPlanAccount.plan_id == plan)).all()
    return len(rows), sum(1 for (w,) in rows if w)


def assert_counts(window: MainWindow, db: Database) -> None:
    """Every count on screen equals the database's."""
    counts = open_counts(db)
    total = sum(counts.values())
    due = sum(1 for i in worklist_service.worklist(db, "agarcia", ON) if i.bucket <= 4)
    assert window.status_label.text() == f"{total:,} open items · {due:,} need attention today"
    tabs = window.tabs
    assert tabs.tabText(tabs.indexOf(window.pro_view)) == f"Pro-level ({counts.get('pro', 0):,})"
    assert (
        tabs.tabText(tabs.indexOf(window.account_view))
        == f"Account-level ({counts.get('account', 0):,})"
    )
    planned, worked = plan_in_db(db)
    later = len(day_plan.today(db, "agarcia", ON, with_items=False).later)
    today = window.features.today.view
    assert tabs.tabText(0) == f"Today ({planned} accounts · {worked} worked · {later:,} later)"
    for group in today.model.groups:
        n, amount = account_in_db(db, group.number)
        assert (group.facts.items, len(group.items)) == (n, n), group.number
        if any(i.level == "pro" for i in group.items):
            assert group.facts.open_amount == amount, group.number


# ----- the story -----------------------------------------------------------------------------------
def test_a_collector_works_three_accounts_from_today_with_the_keyboard(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = open_window(qtbot, demo_db, "agarcia", today=True)
    today = window.features.today.view
    tree = today.table
    assert window.tabs.currentWidget() is today
    assert_counts(window, demo_db)
    key(qtbot, window, Qt.Key.Key_1, CTRL)  # Item ▸ Today: the list has the keyboard
    assert focus() is tree

    # ----- account 1: one call for all its pros, then a promise split across them, and on
    first = today.model.groups[0]
    pros = [i.id for i in first.items]
    assert len(pros) >= 3 and [i.id for i in today.selected_items()] == pros
    calls = _count(demo_db, Activity, Activity.issue_id.in_(pros), Activity.kind == "call")
    key(qtbot, tree, Qt.Key.Key_L, CTRL)
    contact = dialog_of(qtbot, window)
    assert isinstance(contact, ContactDialog) and contact.subject and contact.subject.several
    tab_to(qtbot, contact.text)
    qtbot.keyClicks(focus(), "Went through every open bill with AP")
    key(qtbot, focus(), Qt.Key.Key_Tab)  # Tab leaves the note, it is not typed into it
    assert focus() is not contact.text and "\t" not in contact.text.toPlainText()
    key(qtbot, focus(), Qt.Key.Key_Escape)  # something was typed: it asks first
    assert contact.confirm is not None and contact.confirm.isVisible()
    key(qtbot, contact.confirm, Qt.Key.Key_Escape)  # "Keep editing"
    qtbot.waitUntil(lambda: not contact.confirm.isVisible(), timeout=5000)  # type: ignore[union-attr]
    assert (
        contact.isVisible() and contact.text.toPlainText() == "Went through every open bill with AP"
    )
    key(qtbot, contact.text, Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, window)
    assert _count(
        demo_db, Activity, Activity.issue_id.in_(pros), Activity.kind == "call"
    ) == calls + len(pros)
    assert today.model.groups[0].worked
    assert_counts(window, demo_db)

    assert window.runner.message is None  # no error on the way
    key(qtbot, tree, Qt.Key.Key_P, CTRL)
    promise = dialog_of(qtbot, window)
    assert isinstance(promise, PromiseDialog) and len(promise.shares) == len(pros)
    total = sum((i.open_amount for i in first.items), Decimal(0)) - Decimal("100.00")
    tab_to(qtbot, promise.amount)
    key(qtbot, focus(), Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(focus(), f"{total:.2f}")  # a total on the account: spread oldest first
    key(qtbot, focus(), Qt.Key.Key_Return, CTRL | SHIFT)  # record, and go on to the next account
    wait_idle(qtbot, window)
    with demo_db.session() as s:
        shares = dict(s.execute(select(Promise.issue_id, Promise.amount)
                                .where(Promise.issue_id.in_(pros), Promise.status == "open")).all())  # fmt: skip
    assert sum(shares.values(), Decimal(0)) == total and len(shares) >= len(pros) - 1
    oldest = max(first.items, key=lambda i: (i.days_past_due, -i.id))
    assert shares[oldest.id] == oldest.open_amount
    assert (
        today.model.groups[1].number == today.model.key(tree.currentIndex())[1]
    )  # the next account
    assert_counts(window, demo_db)

    # ----- account 2: into its items; route the first, resolve the next, save and next
    second = today.model.groups[1]
    key(qtbot, tree, Qt.Key.Key_Right)  # open the account
    key(qtbot, tree, Qt.Key.Key_Down)  # its first item
    wait_idle(qtbot, window)
    routed = today.current_item()
    assert routed is not None and routed.account_number == second.number
    following = second.items[1].id
    key(qtbot, tree, Qt.Key.Key_R, CTRL)
    route = dialog_of(qtbot, window)
    assert isinstance(route, RouteDialog)
    tab_to(qtbot, route.request)
    qtbot.keyClicks(focus(), "Signed delivery receipt, please")
    key(qtbot, focus(), Qt.Key.Key_Return, CTRL | SHIFT)  # route and next
    wait_idle(qtbot, window)
    assert today.current_item() is not None and today.current_item().id == following  # type: ignore[union-attr]
    assert _count(demo_db, Activity, Activity.issue_id == routed.id, Activity.kind == "route") == 1
    assert_counts(window, demo_db)

    after = _after(today, following)
    key(qtbot, tree, Qt.Key.Key_E, CTRL)
    resolve = dialog_of(qtbot, window)
    assert isinstance(resolve, ResolveDialog)
    assert resolve.code.currentData() is None and resolve.code.findData("paid_in_full") < 0
    qtbot.keyClicks(resolve.code, "Reb")  # the combo takes typed letters: "Rebilled / …"
    assert resolve.code.currentData() == "rebilled"
    tab_to(qtbot, resolve.fixed)
    qtbot.keyClicks(resolve.fixed, "Y")
    assert resolve.fixed.currentData() is True
    tab_to(qtbot, resolve.note)
    qtbot.keyClicks(focus(), "Rebilled to the right party")
    key(qtbot, focus(), Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, window)
    assert not today.holds(following)  # resolved: off the list
    assert today.current_item() is not None and today.current_item().id == after  # type: ignore[union-attr]
    assert_counts(window, demo_db)

    # ----- account 3: up to the account, on to the next (Ctrl+J), one call, undone, again
    key(qtbot, tree, Qt.Key.Key_Left)  # back to the account row
    key(qtbot, tree, Qt.Key.Key_J, CTRL)
    wait_idle(qtbot, window)  # the panel shows the account's first item
    third = today.model.groups[2]
    assert today.model.key(tree.currentIndex()) == ("a", third.number)
    ids = [i.id for i in third.items]
    before = _count(demo_db, Activity, Activity.issue_id.in_(ids))
    key(qtbot, tree, Qt.Key.Key_L, CTRL)
    contact = dialog_of(qtbot, window)
    assert isinstance(contact, ContactDialog)
    tab_to(qtbot, contact.text)
    qtbot.keyClicks(focus(), "Left a voicemail for AP")
    key(qtbot, focus(), Qt.Key.Key_Return, CTRL)
    wait_idle(qtbot, window)
    assert _count(demo_db, Activity, Activity.issue_id.in_(ids)) == before + len(ids)
    key(qtbot, tree, Qt.Key.Key_Z, CTRL)  # undo: an audited reversal
    wait_idle(qtbot, window)
    assert _count(demo_db, Activity, Activity.issue_id.in_(ids)) == before
    assert "undone: Log a call" in window.statusBar().currentMessage()
    assert_counts(window, demo_db)
    key(qtbot, tree, Qt.Key.Key_L, CTRL)
    contact = dialog_of(qtbot, window)
    assert isinstance(contact, ContactDialog)
    tab_to(qtbot, contact.text)
    qtbot.keyClicks(focus(), "Spoke to AP: payment run on Friday")
    key(qtbot, focus(), Qt.Key.Key_Return, CTRL | SHIFT)
    wait_idle(qtbot, window)
    assert today.model.key(tree.currentIndex()) == ("a", today.model.groups[3].number)
    assert [g.worked for g in today.model.groups[:3]] == [True, True, True]
    assert_counts(window, demo_db)

    # tomorrow starts with what today left: the accounts planned and not worked
    tomorrow = day_plan.today(demo_db, "agarcia", ON + timedelta(days=1))
    left = [g.number for g in today.model.groups if not g.later and not g.worked]
    assert [a.account_number for a in tomorrow.accounts[: len(left)]] == left


def _after(today: object, item_id: int) -> int:
    """The item that follows `item_id` in Today's order now."""
    rows = [i.id for g in today.model.groups for i in g.items]  # type: ignore[attr-defined]
    return rows[rows.index(item_id) + 1]


def _count(db: Database, model: type, *where: object) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]
