"""The Today tab: the collector's day, account by account (the first tab of the window).

Installed with the window's context: a `TodayList` (ui.today_state) registered with the
worklist controller (`add_list`: it takes every change record like the other lists), a
`TodayView` tab over it (`add_list_view`, first), and the day's plan: when the user's lists are
read, the day is planned once (services.work.day_plan.build_plan, a write through the runner) and
the plan read (off the GUI thread); the user's own actions mark their accounts worked.
Extension point for what a day holds besides accounts (reminders due, #19): `add_section`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from arbench.services.op_changes import Changes
from arbench.services.work import day_plan
from arbench.services.work.day_plan import TodayPlan
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext
from arbench.ui.operations import Write
from arbench.ui.today_state import TodayList
from arbench.ui.today_view import TodayView


class TodayFeature(QObject):
    """The Today list, its tab, and the day's plan."""

    def __init__(self, ctx: WindowContext):
        super().__init__(ctx.window)
        self.ctx = ctx
        self.list = TodayList(ctx.actor.id)
        ctx.controller.add_list(self.list)
        self.view = TodayView(ctx.controller.view("today"), self.list)
        ctx.worklists.add_list_view(self.view, 0)
        ctx.worklists.setCurrentIndex(0)
        self.plan: TodayPlan | None = None
        self.planned = False  # the day's plan is stored (built once per window)
        self.sections: list[Callable[[TodayPlan], QWidget | None]] = []
        ctx.controller.loaded.connect(self._loaded)
        ctx.runner.completed.connect(self._own_write)
        go = make_action(ctx.window, "&Today", "Ctrl+1", "The day's accounts, in the order to work them",
                         self.show)  # fmt: skip
        ctx.menus.add(Section.ITEM_NAVIGATE, go)

    def add_section(self, section: Callable[[TodayPlan], QWidget | None]) -> None:
        """Extension point: another part of the day shown above the accounts (e.g. reminders
        due for approval, #19); called with each plan read, returns a widget or None."""
        self.sections.append(section)

    def show(self) -> None:
        self.ctx.worklists.setCurrentWidget(self.view)
        self.view.table.setFocus()

    def _loaded(self) -> None:
        if self.planned:
            self.read()
            return
        db, actor, on = self.ctx.db, self.ctx.actor, self.ctx.on
        self.ctx.runner.write(Write("Planning the day", lambda: day_plan.build_plan(db, actor, on=on),
                                    done=lambda _changes: self._built()))  # fmt: skip

    def _built(self) -> None:
        self.planned = True
        self.read()

    def read(self) -> None:
        """Read the day's plan again (off the GUI thread)."""
        db, login, on = self.ctx.db, self.ctx.actor.login, self.ctx.on
        self.ctx.runner.read(lambda: day_plan.today(db, login, on, with_items=False), self._show,
                             key="today")  # fmt: skip

    def _show(self, plan: TodayPlan) -> None:
        first = self.plan is None
        self.plan = plan
        if not self.list.set_plan(plan, self.ctx.controller.own_items()):
            self.view.model.refresh()  # same accounts: what was worked, what is later
        self._sections(plan)
        if first and self.view.current_item() is None and self.view.model.rowCount():
            self.view.table.expand(self.view.model.index(0, 0))
            self.view.select_row(0)
        self.view.title_changed.emit(self.view.title())

    def _sections(self, plan: TodayPlan) -> None:
        for section in self.sections:
            widget = section(plan)
            if widget is not None:
                self.view.add_section(widget)

    def _own_write(self, changes: Changes) -> None:
        """The user's own action worked its accounts today (at once on screen; then the plan
        is read again: an undo gives an account back, "later" may have changed)."""
        if self.list.mark_worked(changes.accounts):
            self.view.model.refresh()
            self.view.title_changed.emit(self.view.title())
        if self.planned and (changes.accounts or changes.reload):
            self.read()


def install(ctx: WindowContext) -> TodayFeature:
    return TodayFeature(ctx)
