"""The Item menu's actions and the item panel's buttons: log, promise, route, root cause,
resolve, reopen, undo, account-level issues and promotion proposals.

An action covers the rows selected in the current list (several pros of one account, or a
whole account in Today), else the item shown in the panel. It opens its dialog (window-modal,
`open()`); the dialog gives a typed value (services.work.item_inputs) and the action hands one
`Write` to the operation runner: the service call runs off the GUI thread with the versions
the user saw, and its `Changes` record is applied by the worklist controller (rows in every
list, counts, status line, the panel). Before it runs, the list remembers the item that
followed the selection; "… and next" (and every resolve) selects that item afterwards, in
the list's order before the action. A `Conflict` offers "Reload and reapply" (the item is read
again, then the dialog reopens with what the user typed); any other error is shown and the
dialog comes back with the values. Undo (Ctrl+Z) reverses the user's last action within the
team's undo window.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QToolButton

from arbench.domain.catalogue import IssueStatus, Level, Role
from arbench.services import changes as change_service
from arbench.services import settings
from arbench.services.base import InvalidInput
from arbench.services.op_changes import Changes
from arbench.services.organization.departments import list_departments
from arbench.services.work import account_actions, resolution, undo
from arbench.services.work import item_detail as detail_service
from arbench.services.work import items as service
from arbench.services.work import promotion as promotion_service
from arbench.services.work import resolution as resolution_service
from arbench.services.work.item_detail import ItemDetail
from arbench.services.work.item_inputs import AccountIssueRequest, DepartmentAnswer
from arbench.services.work.promotion import PromotionProposal
from arbench.services.work.scripts import IssueScript, StepState
from arbench.ui.account_dialogs import AccountIssueDialog, ProposalsDialog
from arbench.ui.action_bar import make_action
from arbench.ui.action_dialogs import (
    AnswerDialog,
    ContactDialog,
    PromiseDialog,
    ReopenDialog,
    ReopenRequest,
    RootCauseDialog,
    RouteDialog,
)
from arbench.ui.context import Section, WindowContext
from arbench.ui.dialog_base import ActionDialog, Subject
from arbench.ui.operations import Write
from arbench.ui.resolve_dialog import ResolveDialog

V = TypeVar("V")
MANUAL_STEPS = ("check", "wait", "decide")  # steps a resolve may tick by hand

# name, menu text, shortcut, tooltip, button text (None: menu only)
ACTIONS = (
    ("open", "&Open item", "Return", "Show the selected item in the item panel", None),
    ("log", "&Log call…", "Ctrl+L", "Log a call, email or note with the next follow-up (on every selected item)", "Log call"),
    ("promise", "&Promise to pay…", "Ctrl+P", "Record a promise to pay: amount and date (split across the selected pros)", "Promise"),
    ("route", "&Route to department…", "Ctrl+R", "Send a request to operations, pricing, billing, sales or claims", "Route"),
    ("answer", "Record department &answer…", None, "Record the department's answer to an open request", None),
    ("cause", "Set root &cause…", "Ctrl+T", "Choose the root cause from the freight catalogue", "Root cause"),
    ("resolve", "R&esolve…", "Ctrl+E", "Resolve with a resolution code, a note and whether the root cause was fixed", "Resolve"),
    ("reopen", "Re&open…", None, "Reopen a resolved item (counted as a reopen), or correct a mistaken resolve", None),
    ("undo", "&Undo last action", "Ctrl+Z", "Undo your last action (within the team's undo window)", "Undo"),
    ("account", "Create/link &account-level issue…", None, "Open an account-level issue and link pro issues to it", "Account issue"),
    ("proposals", "Pro&motion proposals…", None, "Pro issues on one account sharing a root cause: propose the account-level issue", None),
)  # fmt: skip
NOT_ON_ITEM = {"open", "reopen", "proposals", "undo"}  # work without an item shown


@dataclass(frozen=True)
class Action(Generic[V]):
    """One item action: its label, the dialog that asks for its value, and the service call."""

    label: str  # for the status bar: "Logging the call"
    dialog: Callable[[Subject | None], ActionDialog[V]]
    call: Callable[[Subject | None, V], Changes]  # runs off the GUI thread
    needs_item: bool = True
    goes_on: bool = False  # afterwards, select the item that followed (resolve)


class ItemActions(QObject):
    """The item actions of one main window; `dialog` is the dialog open now, `message` the
    last note shown after an action (a resolution waiting for approval)."""

    def __init__(self, ctx: WindowContext):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.dialog: ActionDialog[Any] | None = None
        self.sla: dict[str, int] = {}  # department -> service level in days
        self.message: QMessageBox | None = None
        self.script_source: Callable[[], IssueScript | None] = lambda: None
        self.trainee_limit: Decimal | None = None
        slots: dict[str, Callable[[], None]] = {
            "open": self.open_current, "log": self.log_contact, "promise": self.promise,
            "route": self.route, "answer": self.answer, "cause": self.root_cause,
            "resolve": self.resolve, "reopen": self.reopen, "undo": self.undo,
            "account": self.account_issue, "proposals": self.proposals,
        }  # fmt: skip
        bar = ctx.panel.action_bar
        for name, text, shortcut, tip, button in ACTIONS:
            action = make_action(ctx.window, text, shortcut, tip, slots[name])
            bar.add(name, action, button, needs_item=name not in NOT_ON_ITEM,
                    writes=name != "open")  # fmt: skip
            ctx.menus.add(Section.ITEM_ACTIONS, action)
        self.read_service_levels()
        if ctx.actor.role == Role.TRAINEE:
            db = ctx.db
            ctx.runner.read(lambda: settings.get_settings(db).trainee_approval_limit,
                            self._limit, lambda _exc: None)  # fmt: skip

    def _limit(self, limit: Decimal) -> None:
        self.trainee_limit = limit

    @property
    def actions(self) -> dict[str, QAction]:
        """Every item action by name (the email action too, once the Script tab added it)."""
        return self.ctx.panel.action_bar.named

    @property
    def buttons(self) -> dict[str, QToolButton]:
        return self.ctx.panel.action_bar.buttons

    def subject(self) -> Subject | None:
        """What an action covers: the selected rows when the shown item is one of them."""
        detail = self.ctx.panel.detail
        if detail is None:
            return None
        items = tuple(self.ctx.worklists.current_view().selected_items())
        if detail.id not in {i.id for i in items}:
            items = ()
        return Subject(detail, items if len(items) > 1 else ())

    # ----- the actions ---------------------------------------------------------------------
    def open_current(self) -> None:
        if self.ctx.worklists.current_item() is not None:
            self.ctx.panel.tabs.setFocus()

    def log_contact(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Logging the contact", lambda s: ContactDialog(_need(s), on, parent=w),
                         lambda s, v: account_actions.log_contacts(db, actor, _need(s).targets(), v, on=on)))  # fmt: skip

    def promise(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Recording the promise", lambda s: PromiseDialog(_need(s), on, parent=w),
                         lambda s, v: account_actions.record_promises(db, actor, _need(s).targets(), v, on=on)))  # fmt: skip

    def route(self) -> None:
        db, actor, on, w, sla = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window, self.sla
        self._run(Action("Routing", lambda s: RouteDialog(_need(s), on, w, sla),
                         lambda s, v: account_actions.route_items(db, actor, _need(s).targets(), v, on=on)))  # fmt: skip
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
        self.ctx.runner.read(lambda: service.open_requests(db, detail.id), self._answer)

    def _answer(self, requests: list[tuple[int, str, str, date]]) -> None:
        if not requests:
            self.ctx.runner.show_error(InvalidInput("This item has no open department request."))
            return
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(_s: Subject | None, v: DepartmentAnswer) -> Changes:
            return service.answer_request(db, actor, v.request_id, answer=v.answer, on=on)

        self._run(Action("Recording the answer",
                         lambda s: AnswerDialog(Subject(_need(s).detail), requests, parent=w), call))  # fmt: skip

    def root_cause(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window
        self._run(Action("Setting the root cause", lambda s: RootCauseDialog(_need(s), parent=w),
                         lambda s, v: account_actions.set_root_causes(db, actor, _need(s).targets(), v, on=on)))  # fmt: skip

    def resolve(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def dialog(s: Subject | None) -> ResolveDialog:
            return ResolveDialog(_need(s), actor.is_supervisor, trainee_limit=self.trainee_limit,
                                 open_steps=self._open_steps(_need(s)), parent=w)  # fmt: skip

        self._run(Action("Resolving", dialog,
                         lambda s, v: resolution.resolve_items(db, actor, _need(s).targets(), v, on=on),
                         goes_on=True))  # fmt: skip

    def _open_steps(self, subject: Subject) -> list[StepState]:
        script = self.script_source()
        if subject.several or script is None or script.issue_id != subject.detail.id:
            return []
        return [s for s in script.steps if not s.done and s.kind in MANUAL_STEPS]

    def reopen(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def resolved(s: Subject | None) -> ItemDetail | None:
            d = s.detail if s is not None else None
            return d if d is not None and d.status == IssueStatus.RESOLVED else None

        def call(s: Subject | None, v: ReopenRequest) -> Changes:
            chosen = resolved(s)
            issue_id = chosen.id if chosen else service.find_issue(db, v.which)
            version = chosen.version if chosen else None
            return resolution_service.reopen(db, actor, issue_id, version, reason=v.reason, on=on,
                                  correction=v.correction)  # fmt: skip

        self._run(Action("Reopening the item", lambda s: ReopenDialog(resolved(s), parent=w), call,
                         needs_item=False))  # fmt: skip

    def undo(self) -> None:
        db, actor, on = self.ctx.db, self.ctx.actor, self.ctx.on
        self.ctx.runner.write(Write("Undoing your last action",
                                    lambda: undo.undo_last(db, actor, on=on)))  # fmt: skip

    def account_issue(self) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(s: Subject | None, v: AccountIssueRequest) -> Changes:
            d = _need(s).detail
            if d.level == Level.ACCOUNT:
                return promotion_service.link_pro_issues(
                    db, actor, d.id, d.version, v.pro_issue_ids, on=on
                )
            return promotion_service.create_account_issue(db, actor, d.account.id, v.issue_type,
                                                v.root_cause, v.pro_issue_ids, on=on)  # fmt: skip

        self._run(Action("Saving the account-level issue",
                         lambda s: AccountIssueDialog(_need(s).detail, parent=w), call))  # fmt: skip

    def proposals(self) -> None:
        db, login, on = self.ctx.db, self.ctx.actor.login, self.ctx.on
        self.ctx.runner.read(lambda: promotion_service.promotion_proposals(db, login=login, on=on),
                             self._proposals)  # fmt: skip

    def _proposals(self, found: list[PromotionProposal]) -> None:
        db, actor, on, w = self.ctx.db, self.ctx.actor, self.ctx.on, self.ctx.window

        def call(_s: Subject | None, chosen: tuple[PromotionProposal, ...]) -> Changes:
            done = Changes()
            for proposal in chosen:
                done = done.merge(promotion_service.accept_proposal(db, actor, proposal, on=on))
            return done

        self._run(Action("Accepting the proposals", lambda _s: ProposalsDialog(found, parent=w),
                         call, needs_item=False))  # fmt: skip

    # ----- running an action -----------------------------------------------------------------
    def _run(
        self, action: Action[V], value: V | None = None, subject: Subject | None = None
    ) -> None:
        subject = subject or self.subject()
        if action.needs_item and subject is None:
            self.ctx.show_message("Select an item first", 4000)
            return
        if subject is not None and len({i.account_number for i in subject.items}) > 1:
            self.ctx.runner.show_error(InvalidInput(
                "The selected items are on several accounts: select the pros of one account "
                "(one call, one promise, one email covers one customer)."))  # fmt: skip
            return
        dialog = action.dialog(subject)
        if value is not None:
            dialog.set_value(value)
        dialog.accepted.connect(lambda: self._submit(action, subject, dialog))
        self.dialog = dialog
        dialog.open()

    def _submit(self, action: Action[V], subject: Subject | None, dialog: ActionDialog[V]) -> None:
        self.dialog = None
        value, and_next = dialog.value(), dialog.and_next
        view = self.ctx.worklists.current_view()
        view.mark_place()
        self.ctx.runner.write(Write(
            action.label, lambda: action.call(subject, value),
            done=lambda changes: self._done(action, subject, and_next, changes),
            retry=lambda: self._run(action, value, subject),
            reload_and_retry=lambda: self._reload_and_reapply(action, subject, value),
        ))  # fmt: skip

    def _done(self, action: Action[V], subject: Subject | None, and_next: bool,
              changes: Changes) -> None:  # fmt: skip
        if and_next or action.goes_on:
            self.ctx.worklists.current_view().go_on()
        wanted = {t.issue_id for t in subject.targets()} if subject is not None else set()
        parked = [
            i for i in changes.items if i.id in wanted and i.status == IssueStatus.PENDING_APPROVAL
        ]
        if action.goes_on and parked:
            self._tell_pending(parked[0].pro or f"account issue #{parked[0].id}", len(parked))

    def _tell_pending(self, what: str, count: int) -> None:
        """A resolution waiting for a supervisor is said, not only hinted in the status bar."""
        items = what if count == 1 else f"{count} items"
        box = QMessageBox(QMessageBox.Icon.Information, "Waiting for approval",
                          f"{items} {'is' if count == 1 else 'are'} pending approval: a supervisor "
                          "approves the resolution before it takes effect. Until then it stays on "
                          "your list as “pending approval”.", QMessageBox.StandardButton.Ok,
                          self.ctx.window)  # fmt: skip
        self.message = box
        box.open()

    def _reload_and_reapply(self, action: Action[V], subject: Subject | None, value: V) -> None:
        """Read the items again (rows and panel), then reopen the dialog with the user's value."""
        if subject is None:
            self._run(action, value)
            return
        db, on, item_id = self.ctx.db, self.ctx.on, subject.detail.id
        ids = [t.issue_id for t in subject.targets()]

        def fresh() -> tuple[Changes, ItemDetail]:
            return change_service.changes_of(db, ids, on), detail_service.item_detail(
                db, item_id, on
            )

        def reapply(result: tuple[Changes, ItemDetail]) -> None:
            changes, again = result
            self.ctx.controller.apply(changes)
            self.ctx.panel.show_detail(again, self.ctx.panel.reason)
            rows = tuple(changes.item(i.id) or i for i in subject.items)
            self._run(action, value, Subject(again, rows))

        self.ctx.runner.read(fresh, reapply)


def _need(subject: Subject | None) -> Subject:
    assert subject is not None
    return subject


def install(ctx: WindowContext) -> ItemActions:
    """Add the item actions to the Item menu and the item panel's action bar."""
    return ItemActions(ctx)
