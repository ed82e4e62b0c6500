"""The main window: the user's worklists (pro-level and account-level) and the item panel.

The window builds the pieces every feature shares and hands them out as one `WindowContext`
(ui.context): the worklist controller (the one owner of the lists, their counts and the
status line), the operation runner (every write and heavy read off the GUI thread; each
write's change record goes to the controller), the menus by section, the item panel and the
worklist tabs, and the item loader (the selected item's detail, read off the GUI thread and
read again when a change touches it). Features are installed by ui/features.py and reached
through `features`.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QSplitter

from arbench import __version__
from arbench.services.base import Actor
from arbench.services.work.worklist import WorkItem
from arbench.store.db import Database
from arbench.ui import screen
from arbench.ui.action_bar import make_action
from arbench.ui.context import Menus, Section, WindowContext
from arbench.ui.features import Features, install_features
from arbench.ui.item_loader import ItemLoader
from arbench.ui.item_panel import ItemPanel
from arbench.ui.operations import OperationRunner
from arbench.ui.settings import UserSettings
from arbench.ui.worklist_controller import WorklistController
from arbench.ui.worklist_tabs import ListView, WorklistTabs

DEFAULT_SIZE = (1400, 820)


class MainWindow(QMainWindow):
    worklist_loaded = Signal()

    def __init__(self, db: Database, actor: Actor, settings: UserSettings, on: date | None = None):
        super().__init__()
        self.db, self.actor, self.settings = db, actor, settings
        self.on = on or date.today()
        self.setWindowTitle(
            f"arbench — {actor.display_name} ({actor.role.value}) — worklist for {self.on}"
        )
        self.runner = OperationRunner(self)
        self.controller = WorklistController(db, actor, self.on, self.runner, self)
        self.runner.completed.connect(self.controller.apply)
        self.tabs = WorklistTabs(self.controller)
        self.pro_view, self.account_view = self.tabs.pro_view, self.tabs.account_view
        self.panel = ItemPanel()
        self.panel.setMinimumWidth(self.panel.action_bar.minimumSizeHint().width())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([960, 540])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.menus = Menus(self.menuBar())
        self.loader = ItemLoader(db, self.runner, self.panel, self, self.on)
        self.context = WindowContext(db, actor, self.on, settings, self.controller, self.runner,
                                     self, self.menus, self.panel, self.tabs, self.loader)  # fmt: skip
        self._connect()
        self._build_menus()
        self._restore_geometry()
        self.features: Features = install_features(self.context)

    def _connect(self) -> None:
        self.controller.status_changed.connect(self.status_label.setText)
        self.controller.loaded.connect(self._loaded)
        self.controller.applied.connect(self.loader.changed)
        self.tabs.item_selected.connect(self.loader.open)
        self.panel.open_requested.connect(self.open_listed)
        self.tabs.item_selected.connect(lambda _item: self._update_actions())
        self.panel.detail_shown.connect(lambda _detail: self._update_actions())
        self.runner.writing_changed.connect(lambda _writing: self._update_actions())

    # ----- menus ---------------------------------------------------------------------------
    def _build_menus(self) -> None:
        add, tabs = self.menus.add, self.tabs
        add(Section.FILE_LIST, make_action(self, "&Refresh worklist", "F5", "Reload the worklist", self.reload))  # fmt: skip
        add(Section.FILE_QUIT, make_action(self, "&Quit", "Ctrl+Q", "Quit arbench", self.close))
        add(Section.ITEM_NAVIGATE, make_action(self, "&Next item", "Ctrl+J", "Select the next item",
                                               lambda: tabs.current_view().step(1)))  # fmt: skip
        add(Section.ITEM_NAVIGATE, make_action(self, "&Previous item", "Ctrl+K", "Select the previous item",
                                               lambda: tabs.current_view().step(-1)))  # fmt: skip
        add(Section.ITEM_NAVIGATE, make_action(self, "P&ro-level list", "Ctrl+2", "The pro-level list",
                                               lambda: tabs.setCurrentWidget(tabs.pro_view)))  # fmt: skip
        add(Section.ITEM_NAVIGATE, make_action(self, "Acco&unt-level list", "Ctrl+3", "The account-level list",
                                               lambda: tabs.setCurrentWidget(tabs.account_view)))  # fmt: skip
        add(Section.ITEM_FIND, make_action(self, "&Search", "Ctrl+F", "Search the worklist", self.focus_search))  # fmt: skip
        add(Section.HELP, make_action(self, "&About arbench", None, "Version, data location, database",
                                      self.show_about))  # fmt: skip

    @property
    def item_menu(self) -> QMenu:
        return self.menus.menu(Section.ITEM_ACTIONS)

    @property
    def tools_menu(self) -> QMenu:
        return self.menus.menu(Section.TOOLS)

    def current_view(self) -> ListView:
        return self.tabs.current_view()

    def focus_search(self) -> None:
        self.tabs.current_view().search.setFocus()
        self.tabs.current_view().search.selectAll()

    # ----- the lists ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the worklist again (off the GUI thread); `worklist_loaded` when shown."""
        self.controller.reload()

    def _loaded(self) -> None:
        view = self.tabs.current_view()
        if view.current_item() is None:
            view.select_row(0)
        elif self.loader.wanted is not None:  # the list was read again: so is the item shown
            item = view.current_item()
            same = item is not None and item.id == self.loader.wanted
            self.loader.open_id(
                self.loader.wanted, item.reason if same and item else self.panel.reason
            )
        if not self.controller.own_items() and self.loader.wanted is None:
            self.panel.show_message(self.empty_worklist_hint())
        self.worklist_loaded.emit()

    def empty_worklist_hint(self) -> str:
        """What to do when the user owns no open items (supervisors usually don't)."""
        if self.actor.is_supervisor:
            return (
                "<b>No open items are assigned to you.</b><br>As a supervisor, start from "
                "<b>Tools ▸ Supervisor console</b> (Ctrl+Shift+U) for the team view, assignments "
                "and KPIs, and <b>Tools ▸ Approvals</b> for trainee resolutions waiting for you."
            )
        return (
            "<b>No open items are assigned to you.</b><br>Ask your supervisor to assign accounts, "
            "or open <b>Tools ▸ Training center</b> (F1) to work through the onboarding path."
        )

    # ----- the item panel -------------------------------------------------------------------
    def open_item(self, item: WorkItem | None) -> None:
        """Show an item's freight bill, account and timeline (read off the GUI thread)."""
        self.loader.open(item)

    def open_item_by_id(self, item_id: int, reason: str | None = None) -> None:
        self.loader.open_id(item_id, reason)

    def open_listed(self, item_id: int) -> None:
        """Open an item of the Account tab: selected where a list holds it, else shown alone."""
        if not self.tabs.select_item(item_id):
            self.loader.open_id(item_id)

    def _update_actions(self) -> None:
        detail = self.panel.detail
        self.panel.action_bar.update_state(self.loader.ready, self.context.view_only(detail),
                                        self.runner.writes > 0)  # fmt: skip

    def show_error(self, exc: Exception) -> None:
        self.runner.show_error(exc)

    def show_about(self) -> None:
        from arbench.ui.about import about_text

        QMessageBox.about(self, "About arbench", about_text(self.db))

    # ----- window state ------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        width, height = DEFAULT_SIZE if geometry is None else (self.width(), self.height())
        screen.fit(self, width, height)  # a geometry saved on a larger screen fits this one
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.save_geometry(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.runner.stop()
        super().closeEvent(event)


__all__ = ["MainWindow", "__version__"]
