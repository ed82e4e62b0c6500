"""The Item menu's actions and the item panel's buttons: log, promise, route, root cause,
resolve, reopen, account-level issues and promotion proposals.

Each action opens its dialog (window-modal, `open()`), calls one service with the version the
panel shows, then updates just the rows it changed (`update_item` / `remove_item`) and redraws
the panel: no full reload. A `Conflict` shows what the other person changed and offers
"Reload and reapply", which reopens the dialog with what the user typed; any other error is
shown in a message box and the dialog comes back with the user's values.

Services run on the GUI thread here: each is one short transaction on one item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QToolButton

from arbench.services import items as service
from arbench.services.base import Conflict, ServiceError
from arbench.services.item_detail import ItemDetail
from arbench.services.resolution import ResolveResult
from arbench.services.worklist import WorkItem
from arbench.ui.account_dialogs import AccountIssueDialog, ProposalsDialog
from arbench.ui.action_dialogs import (
    ActionDialog,
    AnswerDialog,
    ContactDialog,
    PromiseDialog,
    ReopenDialog,
    ResolveDialog,
    RootCauseDialog,
    RouteDialog,
)

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow

Factory = Callable[[ItemDetail | None], ActionDialog]
Call = Callable[[ItemDetail | None, dict[str, Any]], Any]

# name, menu text, shortcut, tooltip, button text (None: menu only)
ACTIONS = (
    ("open", "&Open item", "Return", "Show the selected item in the item panel", None),
    ("log", "&Log call…", "Ctrl+L", "Log a call, email or note with the next follow-up", "Log call"),
    ("promise", "&Promise to pay…", "Ctrl+P", "Record a promise to pay: amount and date", "Promise"),
    ("route", "&Route to department…", "Ctrl+R", "Send a request to operations, pricing, billing, sales or claims", "Route"),
    ("answer", "Record department &answer…", None, "Record the department's answer to an open request", None),
    ("cause", "Set root &cause…", "Ctrl+T", "Choose the root cause from the freight catalogue", "Root cause"),
    ("resolve", "R&esolve…", "Ctrl+E", "Resolve with a resolution code and whether the root cause was fixed", "Resolve"),
    ("reopen", "Re&open…", None, "Reopen a resolved item (counted as a reopen)", None),
    ("account", "Create/link &account-level issue…", None, "Open an account-level issue and link pro issues to it", "Account issue"),
    ("proposals", "Pro&motion proposals…", None, "Pro issues on one account sharing a root cause: propose the account-level issue", None),
    ("email", "E&mail…", None, "Email the customer from a template", "Email…"),
)  # fmt: skip


class ItemActions(QObject):
    """Owns the item actions of one main window; `dialog` and `message` are what is open now."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.w = window
        self.dialog: ActionDialog | None = None
        self.message: QMessageBox | None = None
        self.actions: dict[str, QAction] = {}
        self.buttons: dict[str, QToolButton] = {}
        slots = {
            "open": self.open_current, "log": self.log_contact, "promise": self.promise, "route": self.route,
            "answer": self.answer, "cause": self.root_cause, "resolve": self.resolve, "reopen": self.reopen,
            "account": self.account_issue, "proposals": self.proposals,
        }  # fmt: skip
        window.item_menu.addSeparator()
        for name, text, shortcut, tip, button in ACTIONS:
            action = self._action(text, shortcut, tip)
            if name in slots:
                action.triggered.connect(slots[name])
            window.item_menu.addAction(action)
            self.actions[name] = action
            if button:
                self._button(name, button, action)
        self.actions["email"].setEnabled(False)  # enabled by the email feature when it connects
        window.panel.actions_layout.addStretch(1)

    def _action(self, text: str, shortcut: str | None, tip: str) -> QAction:
        action = QAction(text, self.w)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = (
                f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def _button(self, name: str, text: str, action: QAction) -> None:
        button = QToolButton(self.w.panel)
        button.setDefaultAction(action)
        button.setText(text)
        button.setObjectName(f"action_{name}")
        self.w.panel.actions_layout.addWidget(button)
        self.buttons[name] = button

    # ----- the actions ---------------------------------------------------------------------------
    @property
    def _ctx(self) -> tuple[Any, Any, Any]:
        return self.w.db, self.w.actor, self.w.on

    def open_current(self) -> None:
        item = self.w.current_view().current_item()
        if item is not None:
            self.w.open_item(item)
            self.w.panel.tabs.setFocus()

    def log_contact(self) -> None:
        db, actor, on = self._ctx
        self._run(lambda d: ContactDialog(_need(d), on, parent=self.w),
                  lambda d, v: service.log_contact(db, actor, _need(d).id, _need(d).version, on=on, **v))  # fmt: skip

    def promise(self) -> None:
        db, actor, on = self._ctx
        self._run(lambda d: PromiseDialog(_need(d), on, _balance(_need(d)), parent=self.w),
                  lambda d, v: service.record_promise(db, actor, _need(d).id, _need(d).version, on=on, **v))  # fmt: skip

    def route(self) -> None:
        db, actor, on = self._ctx
        self._run(lambda d: RouteDialog(_need(d), on, parent=self.w),
                  lambda d, v: service.route(db, actor, _need(d).id, _need(d).version, on=on, **v))  # fmt: skip

    def answer(self) -> None:
        db, actor, on = self._ctx
        detail = self.w.panel.detail
        requests = service.open_requests(db, detail.id) if detail else []
        if detail is not None and not requests:
            self._show_error("This item has no open department request.")
            return
        self._run(lambda d: AnswerDialog(_need(d), requests, parent=self.w),
                  lambda d, v: service.answer_request(db, actor, v["request_id"], answer=v["answer"], on=on))  # fmt: skip

    def root_cause(self) -> None:
        db, actor, on = self._ctx
        self._run(lambda d: RootCauseDialog(_need(d), parent=self.w),
                  lambda d, v: service.set_root_cause(db, actor, _need(d).id, _need(d).version, on=on, **v))  # fmt: skip

    def resolve(self) -> None:
        db, actor, on = self._ctx
        self._run(lambda d: ResolveDialog(_need(d), actor.is_supervisor, parent=self.w),
                  lambda d, v: service.resolve(db, actor, _need(d).id, _need(d).version, on=on, **v))  # fmt: skip

    def reopen(self) -> None:
        db, actor, on = self._ctx

        def call(d: ItemDetail | None, v: dict[str, Any]) -> Any:
            chosen = d if d is not None and d.status == "resolved" else None
            issue_id = chosen.id if chosen else service.find_issue(db, v["which"])
            version = chosen.version if chosen else None
            return service.reopen(db, actor, issue_id, version, reason=v["reason"], on=on)

        detail = self.w.panel.detail
        shown = detail if detail is not None and detail.status == "resolved" else None
        self._run(lambda d: ReopenDialog(shown, parent=self.w), call, need_item=False)

    def account_issue(self) -> None:
        db, actor, on = self._ctx

        def call(d: ItemDetail | None, v: dict[str, Any]) -> Any:
            d = _need(d)
            if d.level == "account":
                return service.link_pro_issues(
                    db, actor, d.id, d.version, v["pro_issue_ids"], on=on
                )
            return service.create_account_issue(db, actor, d.account.id, v["issue_type"], v["root_cause"],
                                                v["pro_issue_ids"], on=on)  # fmt: skip

        self._run(lambda d: AccountIssueDialog(_need(d), parent=self.w), call)

    def proposals(self) -> None:
        db, actor, on = self._ctx
        try:
            found = service.promotion_proposals(db, login=actor.login, on=on)
        except ServiceError as exc:
            self._show_error(str(exc))
            return

        def call(_d: ItemDetail | None, v: dict[str, Any]) -> Any:
            return [service.accept_proposal(db, actor, p, on=on) for p in v["chosen"]]

        self._run(lambda d: ProposalsDialog(found, parent=self.w), call, need_item=False)

    # ----- running an action -----------------------------------------------------------------------
    def _run(
        self,
        factory: Factory,
        call: Call,
        values: dict[str, Any] | None = None,
        need_item: bool = True,
    ) -> None:
        detail = self.w.panel.detail
        if need_item and detail is None:
            self.w.statusBar().showMessage("Select an item first", 4000)
            return
        dialog = factory(detail)
        if values is not None:
            dialog.set_values(values)
        dialog.accepted.connect(lambda: self._submit(factory, call, dialog.values(), need_item))
        self.dialog = dialog
        dialog.open()

    def _submit(
        self, factory: Factory, call: Call, values: dict[str, Any], need_item: bool
    ) -> None:
        self.dialog = None
        detail = self.w.panel.detail
        try:
            result = call(detail, values)
        except Conflict as exc:
            self._show_conflict(
                exc, lambda: self._reload_and_reapply(factory, call, values, need_item)
            )
            return
        except ServiceError as exc:
            self._show_error(str(exc), lambda: self._run(factory, call, values, need_item))
            return
        self._apply(detail.id if detail else None, result)

    def _reload_and_reapply(
        self, factory: Factory, call: Call, values: dict[str, Any], need_item: bool
    ) -> None:
        detail = self.w.panel.detail
        if detail is not None:
            fresh = service.work_items(self.w.db, [detail.id], self.w.on)
            self._apply(detail.id, fresh[0] if fresh else None, select_next=False)
        self._run(factory, call, values, need_item)

    def _show_conflict(self, exc: Conflict, reapply: Callable[[], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Someone else changed this item", str(exc),
                          QMessageBox.StandardButton.Cancel, self.w)  # fmt: skip
        if exc.changes:
            box.setInformativeText("\n".join(f"{field}: {theirs} (theirs) — {yours} (yours)"
                                             for field, (theirs, yours) in exc.changes.items()))  # fmt: skip
        reload_button = box.addButton("Reload and reapply", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(reload_button)
        box.finished.connect(lambda _: reapply() if box.clickedButton() is reload_button else None)
        self.message = box
        box.open()

    def _show_error(self, text: str, then: Callable[[], None] | None = None) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "arbench", text, QMessageBox.StandardButton.Ok, self.w
        )
        if then is not None:
            box.finished.connect(lambda _: then())
        self.message = box
        box.open()

    # ----- showing the result ----------------------------------------------------------------------
    def _apply(self, issue_id: int | None, result: Any, select_next: bool = True) -> None:
        """Update the rows the action changed and redraw the panel."""
        touched: list[int] = []
        if isinstance(result, ResolveResult):
            touched = result.linked_resolved + result.linked_pending
            self._put(result.issue_id, result.item)
            if result.linked_open:
                self.w.statusBar().showMessage(
                    f"{len(result.linked_open)} linked pro issue(s) are still open", 8000
                )
        elif isinstance(result, list):  # accepted proposals: new account issues
            for item in result:
                if item is not None:
                    self._put(item.id, item)
                    touched += self._linked_of(item.id)
        elif isinstance(result, WorkItem):
            self._put(result.id, result)
            touched = self._linked_of(result.id) if result.level == "account" else []
        elif issue_id is not None:
            self._put(issue_id, None)
        for item in service.work_items(self.w.db, touched, self.w.on):
            self._put(item.id, item)
        for gone in set(touched) - {
            i.id for i in service.work_items(self.w.db, touched, self.w.on)
        }:
            self._put(gone, None)
        self._redraw(issue_id)

    def _linked_of(self, account_issue_id: int) -> list[int]:
        from arbench.services.item_detail import item_detail

        return [p.id for p in item_detail(self.w.db, account_issue_id).linked_pros]

    def _put(self, issue_id: int, item: WorkItem | None) -> None:
        """Replace, add or remove one row in the pro or account list."""
        views = (self.w.pro_view, self.w.account_view)
        listed = any(v.model.row_of(issue_id) is not None for v in views)
        if item is not None and not listed and not self._mine(issue_id):
            item = None  # someone else's item (opened from a whole-book search): not our list
        for view in views:
            model = view.model
            if item is None:
                model.remove_item(issue_id)
            elif model.row_of(issue_id) is not None:
                model.update_item(item)  # moves to where it now ranks (default order)
            elif (item.level == "pro") == (view is self.w.pro_view):
                model.add_item(item)
        self.w.items = [i for i in self.w.items if i.id != issue_id] + ([item] if item else [])
        self.w.tabs.setTabText(0, f"Pro-level ({self.w.pro_view.model.rowCount():,})")
        self.w.tabs.setTabText(1, f"Account-level ({self.w.account_view.model.rowCount():,})")

    def _mine(self, issue_id: int) -> bool:
        from arbench.services.search import owner_logins

        return owner_logins(self.w.db, [issue_id]).get(issue_id) == self.w.actor.login

    def _redraw(self, issue_id: int | None) -> None:
        current = self.w.current_view().current_item()
        if issue_id is not None and current is not None and current.id == issue_id:
            self.w.open_item_by_id(issue_id)
        elif current is not None:
            self.w.open_item(current)
        elif issue_id is not None:
            self.w.open_item_by_id(issue_id)


def _need(detail: ItemDetail | None) -> ItemDetail:
    assert detail is not None
    return detail


def _balance(detail: ItemDetail) -> str:
    if detail.pro is not None:
        return f"{detail.pro.open_balance:.2f}"
    return f"{detail.amount or 0:.2f}"


def install(window: MainWindow) -> None:
    """Add the item actions to the window's Item menu and item panel."""
    window.item_actions = ItemActions(window)  # type: ignore[attr-defined]
    window.email_action = window.item_actions.actions["email"]  # type: ignore[attr-defined]
