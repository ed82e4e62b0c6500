"""The Item menu's actions and the item panel's buttons: log, promise, route, root cause,
resolve, reopen, account-level issues and promotion proposals.

Each action opens its dialog (window-modal, `open()`); the dialog gives a typed value
(services.item_inputs) and the action hands one `Write` to the operation runner: the service
call runs off the GUI thread with the version the panel shows, and its `Changes` record is
applied by the worklist controller (rows in every list, counts, status line, the panel). A
`Conflict` offers "Reload and reapply" (the item is read again, then the dialog reopens with
what the user typed); any other error is shown and the dialog comes back with the values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolButton

from arbench.domain.catalogue import IssueStatus, Level
from arbench.services import changes as change_service
from arbench.services import item_detail as detail_service
from arbench.services import items as service
from arbench.services.base import InvalidInput
from arbench.services.departments import list_departments
from arbench.services.item_detail import ItemDetail
from arbench.services.item_inputs import AccountIssueRequest, DepartmentAnswer
from arbench.services.op_changes import Changes
from arbench.services.promotion import PromotionProposal
from arbench.ui.account_dialogs import AccountIssueDialog, ProposalsDialog
from arbench.ui.action_bar import make_action
from arbench.ui.action_dialogs import (
    ActionDialog,
    AnswerDialog,
    ContactDialog,
    PromiseDialog,
    ReopenDialog,
    ReopenRequest,
    ResolveDialog,
    RootCauseDialog,
    RouteDialog,
)
from arbench.ui.context import Section, WindowContext
from arbench.ui.operations import Write

V = TypeVar("V")

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
)  # fmt: skip
NOT_ON_ITEM = {"open", "reopen", "proposals"}  # work without an item shown (or on any item)


@dataclass(frozen=True)
class Action(Generic[V]):
    """One item action: its label, the dialog that asks for its value, and the service call."""

    label: str  # for the status bar: "Logging the call"
    dialog: Callable[[ItemDetail | None], ActionDialog[V]]
    call: Callable[[ItemDetail | None, V], Changes]  # runs off the GUI thread
    needs_item: bool = True


class ItemActions(QObject):
    """The item actions of one main window; `dialog` is the dialog open now."""

    def __init__(self, ctx: WindowContext):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.dialog: ActionDialog[Any] | None = None
        self.sla: dict[str, int] = {}  # department -> service level in days
        slots: dict[str, Callable[[], None]] = {
            "open": self.open_current, "log": self.log_contact, "promise": self.promise,
            "route": self.route, "answer": self.answer, "cause": self.root_cause,
            "resolve": self.resolve, "reopen": self.reopen, "account": self.account_issue,
            "proposals": self.proposals,
        }  # fmt: skip
        bar = ctx.panel.action_bar
        for name, text, shortcut, tip, button in ACTIONS:
            action = make_action(ctx.window, text, shortcut, tip, slots[name])
            bar.add(name, action, button, needs_item=name not in NOT_ON_ITEM,
                    writes=name != "open")  # fmt: skip
            ctx.menus.add(Section.ITEM_ACTIONS, action)
        self.read_service_levels()

    @property
    def actions(self) -> dict[str, QAction]:
        """Every item action by name (the email action too, once the Script tab added it)."""
        return self.ctx.panel.action_bar.named

    @property
    def buttons(self) -> dict[str, QToolButton]:
        return self.ctx.panel.action_bar.buttons

    # ----- the actions ---------------------------------------------------------------------
    def open_current(self) -> None:
        if self.ctx.worklists.current_item() is not None:
            self.ctx.panel.tabs.setFocus()

    def log_contact(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Logging the contact", lambda d: ContactDialog(_need(d), on, parent=w),
                         lambda d, v: service.log_contact(db, actor, _need(d).id, _need(d).version, v, on=on)))  # fmt: skip

    def promise(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Recording the promise",
                         lambda d: PromiseDialog(_need(d), on, _balance(_need(d)), parent=w),
                         lambda d, v: service.record_promise(db, actor, _need(d).id, _need(d).version, v, on=on)))  # fmt: skip

    def route(self) -> None:
        db, actor, on, w, sla = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window, self.sla
        self._run(Action("Routing the item", lambda d: RouteDialog(_need(d), on, w, sla),
                         lambda d, v: service.route(db, actor, _need(d).id, _need(d).version, v, on=on)))  # fmt: skip
        self.read_service_levels()

    def read_service_levels(self) -> None:
        """The departments' service levels (the route dialog's due date), off the GUI thread."""
        db = self.ctx.db
        self.ctx.runner.read(lambda: {d.name: d.sla_days for d in list_departments(db)},
                             self.sla.update, key="service levels")  # fmt: skip

    def answer(self) -> None:
        detail = self.ctx.panel.detail
        if detail is None:
            self.ctx.show_message("Select an item first", 4000)
            return
        db = self.ctx.db
        self.ctx.runner.read(lambda: service.open_requests(db, detail.id),
                             lambda requests: self._answer(requests))  # fmt: skip

    def _answer(self, requests: list[tuple[int, str, str, date]]) -> None:
        if not requests:
            self.ctx.runner.show_error(InvalidInput("This item has no open department request."))
            return
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(_d: ItemDetail | None, v: DepartmentAnswer) -> Changes:
            return service.answer_request(db, actor, v.request_id, answer=v.answer, on=on)

        self._run(Action("Recording the answer",
                         lambda d: AnswerDialog(_need(d), requests, parent=w), call))  # fmt: skip

    def root_cause(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Setting the root cause", lambda d: RootCauseDialog(_need(d), parent=w),
                         lambda d, v: service.set_root_cause(db, actor, _need(d).id, _need(d).version, code=v, on=on)))  # fmt: skip

    def resolve(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Resolving the item",
                         lambda d: ResolveDialog(_need(d), actor.is_supervisor, parent=w),
                         lambda d, v: service.resolve(db, actor, _need(d).id, _need(d).version, v, on=on)))  # fmt: skip

    def reopen(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(d: ItemDetail | None, v: ReopenRequest) -> Changes:
            chosen = d if d is not None and d.status == IssueStatus.RESOLVED else None
            issue_id = chosen.id if chosen else service.find_issue(db, v.which)
            version = chosen.version if chosen else None
            return service.reopen(db, actor, issue_id, version, reason=v.reason, on=on)

        def dialog(d: ItemDetail | None) -> ReopenDialog:
            return ReopenDialog(d if d is not None and d.status == IssueStatus.RESOLVED else None,
                                parent=w)  # fmt: skip

        self._run(Action("Reopening the item", dialog, call, needs_item=False))

    def account_issue(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(d: ItemDetail | None, v: AccountIssueRequest) -> Changes:
            d = _need(d)
            if d.level == Level.ACCOUNT:
                return service.link_pro_issues(db, actor, d.id, d.version, v.pro_issue_ids, on=on)
            return service.create_account_issue(db, actor, d.account.id, v.issue_type,
                                                v.root_cause, v.pro_issue_ids, on=on)  # fmt: skip

        self._run(Action("Saving the account-level issue",
                         lambda d: AccountIssueDialog(_need(d), parent=w), call))  # fmt: skip

    def proposals(self) -> None:
        db, login, on = self.ctx.db, self.ctx.actor.login, self.ctx.on
        self.ctx.runner.read(lambda: service.promotion_proposals(db, login=login, on=on),
                             self._proposals)  # fmt: skip

    def _proposals(self, found: list[PromotionProposal]) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(_d: ItemDetail | None, chosen: tuple[PromotionProposal, ...]) -> Changes:
            done = Changes()
            for proposal in chosen:
                done = done.merge(service.accept_proposal(db, actor, proposal, on=on))
            return done

        self._run(Action("Accepting the proposals", lambda _d: ProposalsDialog(found, parent=w),
                         call, needs_item=False))  # fmt: skip

    # ----- running an action -----------------------------------------------------------------
    def _run(self, action: Action[V], value: V | None = None) -> None:
        detail = self.ctx.panel.detail
        if action.needs_item and detail is None:
            self.ctx.show_message("Select an item first", 4000)
            return
        dialog = action.dialog(detail)
        if value is not None:
            dialog.set_value(value)
        dialog.accepted.connect(lambda: self._submit(action, detail, dialog.value()))
        self.dialog = dialog
        dialog.open()

    def _submit(self, action: Action[V], detail: ItemDetail | None, value: V) -> None:
        self.dialog = None
        self.ctx.runner.write(Write(
            action.label, lambda: action.call(detail, value),
            retry=lambda: self._run(action, value),
            reload_and_retry=lambda: self._reload_and_reapply(action, detail, value),
        ))  # fmt: skip

    def _reload_and_reapply(self, action: Action[V], detail: ItemDetail | None, value: V) -> None:
        """Read the item again (rows and panel), then reopen the dialog with the user's value."""
        if detail is None:
            self._run(action, value)
            return
        db, on, item_id = self.ctx.db, self.ctx.on, detail.id

        def fresh() -> tuple[Changes, ItemDetail]:
            return change_service.changes_of(db, [item_id], on), detail_service.item_detail(
                db, item_id
            )

        def reapply(result: tuple[Changes, ItemDetail]) -> None:
            changes, again = result
            self.ctx.controller.apply(changes)
            self.ctx.panel.show_detail(again, self.ctx.panel.reason)
            self._run(action, value)

        self.ctx.runner.read(fresh, reapply)


def _need(detail: ItemDetail | None) -> ItemDetail:
    assert detail is not None
    return detail


def _balance(detail: ItemDetail) -> str:
    if detail.pro is not None:
        return f"{detail.pro.open_balance:.2f}"
    return f"{detail.amount or 0:.2f}"


def install(ctx: WindowContext) -> ItemActions:
    """Add the item actions to the Item menu and the item panel's action bar."""
    return ItemActions(ctx)
