"""The main window: the user's worklist split into pro-level and account-level, and the item panel.

Context (database, acting user, settings, task runner) is passed in, never fetched globally.
Other features hook in through `item_menu`, `tools_menu`, the item panel and `worklist_loaded`.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget

from arbench import __version__
from arbench.services import item_detail as detail_service
from arbench.services import worklist as worklist_service
from arbench.services.base import Actor
from arbench.services.worklist import WorkItem
from arbench.store.db import Database, display_url
from arbench.ui.item_panel import ItemPanel
from arbench.ui.models.worklist_model import ACCOUNT_COLUMNS, PRO_COLUMNS
from arbench.ui.settings import UserSettings
from arbench.ui.tasks import TaskRunner
from arbench.ui.worklist_view import WorklistView

SEARCH_HINT = "Type to search by PRO, BOL, invoice, customer number or name"


class MainWindow(QMainWindow):
    worklist_loaded = Signal()

    def __init__(self, db: Database, actor: Actor, settings: UserSettings, on: date | None = None):
        super().__init__()
        self.db, self.actor, self.settings = db, actor, settings
        self.on = on or date.today()
        self.runner = TaskRunner(self)
        self.items: list[WorkItem] = []
        self.setWindowTitle(
            f"arbench — {actor.display_name} ({actor.role.value}) — worklist for {self.on}"
        )
        self.pro_view = WorklistView(PRO_COLUMNS, SEARCH_HINT)
        self.account_view = WorklistView(ACCOUNT_COLUMNS, SEARCH_HINT)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pro_view, "Pro-level")
        self.tabs.addTab(self.account_view, "Account-level")
        self.panel = ItemPanel()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([960, 540])
        self.setCentralWidget(splitter)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.statusBar().showMessage(f"Database: {display_url(db.url)}")
        self.pro_view.item_selected.connect(self.open_item)
        self.account_view.item_selected.connect(self.open_item)
        self.tabs.currentChanged.connect(
            lambda _: self.open_item(self.current_view().current_item())
        )
        self._build_menus()
        self._restore_geometry()
        from arbench.ui.features import install_features

        install_features(self)

    # ----- menus ---------------------------------------------------------------------------
    def _action(self, menu_text: str, shortcut: str | None, slot: object, tip: str) -> QAction:
        action = QAction(menu_text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            tip = (
                f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
            )
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)  # type: ignore[arg-type]
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(
            self._action("&Refresh worklist", "F5", self.reload, "Reload the worklist")
        )
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", "Ctrl+Q", self.close, "Quit arbench"))
        self.item_menu = bar.addMenu("&Item")
        self.item_menu.addAction(
            self._action(
                "&Next item", "Ctrl+J", lambda: self.current_view().move(1), "Select the next item"
            )
        )
        self.item_menu.addAction(
            self._action(
                "&Previous item",
                "Ctrl+K",
                lambda: self.current_view().move(-1),
                "Select the previous item",
            )
        )
        self.item_menu.addAction(
            self._action("&Search", "Ctrl+F", self.focus_search, "Search the worklist")
        )
        self.item_menu.addSeparator()
        self.tools_menu = bar.addMenu("&Tools")
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(
            self._action(
                "&About arbench", None, self.show_about, "Version, data location, database"
            )
        )

    def current_view(self) -> WorklistView:
        return self.pro_view if self.tabs.currentIndex() == 0 else self.account_view

    def focus_search(self) -> None:
        self.current_view().search.setFocus()
        self.current_view().search.selectAll()

    # ----- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        """Load the worklist off the GUI thread and show it when ready."""
        self.status_label.setText("Loading worklist…")
        db, login, on = self.db, self.actor.login, self.on
        self.runner.run(
            lambda: worklist_service.worklist(db, login, on), self.show_items, self.show_error
        )

    def show_items(self, items: list[WorkItem]) -> None:
        self.items = items
        pros, accounts = worklist_service.split(items)
        self.pro_view.set_items(pros)
        self.account_view.set_items(accounts)
        self.tabs.setTabText(0, f"Pro-level ({len(pros):,})")
        self.tabs.setTabText(1, f"Account-level ({len(accounts):,})")
        due = sum(1 for i in items if i.bucket <= 4)
        self.status_label.setText(f"{len(items):,} open items · {due:,} need attention today")
        if self.current_view().current_item() is None:
            self.current_view().select_row(0)
        if not items:
            self.panel.header.setText(self.empty_worklist_hint())
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

    def open_item(self, item: WorkItem | None) -> None:
        """Show the selected item's freight bill, account and timeline."""
        if item is None:
            if self.panel.detail is not None:  # typing in the search box: clear once, not per key
                self.panel.show_detail(None)
            return
        self.panel.show_detail(detail_service.item_detail(self.db, item.id), item.reason)

    def refresh_item(self, item_id: int) -> None:
        """Redraw one item (list row and panel) after a change, without reloading the list."""
        self.open_item_by_id(item_id)

    def open_item_by_id(self, item_id: int) -> None:
        self.panel.show_detail(detail_service.item_detail(self.db, item_id))

    def show_error(self, exc: Exception) -> None:
        self.status_label.setText("")
        QMessageBox.warning(self, "arbench", str(exc))

    def show_about(self) -> None:
        from arbench.ui.about import about_text

        QMessageBox.about(self, "About arbench", about_text(self.db))

    # ----- window state ------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = self.settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 820)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.save_geometry(self.saveGeometry(), self.saveState())
        self.settings.sync()
        self.runner.wait()
        super().closeEvent(event)


__all__ = ["MainWindow", "__version__"]
