"""Data in and out on the main window: File → Import register…, Import remittance…, Export…,
Tools → Pre-audit list, Tools → Account aliases… (supervisors), and dropping a file on the
window to import it.

Every read of a file, every write and every export runs on the window's TaskRunner, so the
window never freezes; the results come back on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QProgressDialog,
    QVBoxLayout,
)

from arbench.services.preaudit import preaudit
from arbench.ui.models.import_models import RowsModel

if TYPE_CHECKING:  # remittance and exports load pandas/openpyxl: imported when first used
    from arbench.ui.alias_editor import AliasDialog
    from arbench.ui.import_dialog import ImportDialog
    from arbench.ui.main_window import MainWindow
    from arbench.ui.remittance_dialog import RemittanceDialog


def install(window: MainWindow) -> None:
    file_menu = _file_menu(window)
    first = file_menu.actions()[0]  # Refresh worklist: the imports go above it
    actions = [
        _action(window, "&Import register…", lambda: open_import(window)),
        _action(window, "Import &remittance…", lambda: ask_remittance(window)),
    ]
    export_menu = QMenu("&Export", window)
    export_menu.addAction(_action(window, "My &worklist…", lambda: ask_export(window, "worklist")))
    export_menu.addAction(_action(window, "&Aging…", lambda: ask_export(window, "aging")))
    export_menu.addAction(
        _action(window, "&Statement of account…", lambda: ask_export(window, "statement"))
    )
    for action in actions:
        file_menu.insertAction(first, action)
    file_menu.insertMenu(first, export_menu)
    file_menu.insertSeparator(first)
    window.tools_menu.addAction(_action(window, "&Pre-audit list", lambda: show_preaudit(window)))
    if window.actor.is_supervisor:
        window.tools_menu.addAction(
            _action(window, "Account &aliases…", lambda: open_aliases(window))
        )
    window.setAcceptDrops(True)
    window._drop_filter = _DropFilter(window)  # type: ignore[attr-defined]
    window.installEventFilter(window._drop_filter)  # type: ignore[attr-defined]


def _file_menu(window: MainWindow) -> QMenu:
    menu = window.menuBar().actions()[0].menu()
    assert isinstance(menu, QMenu)
    return menu


def _action(window: MainWindow, text: str, slot: Any) -> QAction:
    action = QAction(text, window)
    action.triggered.connect(slot)
    return action


def open_import(window: MainWindow, path: Path | None = None) -> ImportDialog:
    """Show the register import dialog (with `path` already read, when given)."""
    from arbench.ui.import_dialog import ImportDialog

    dialog = ImportDialog(window.db, window.actor, window.runner, path, window, window.on)
    dialog.imported.connect(lambda _: window.reload())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def is_remittance_file(path: Path) -> bool:
    """An X12 file whose first transaction set is an 820."""
    try:
        head = path.read_bytes()[:4096].decode("latin-1")
    except OSError:
        return False
    return "ST" in head and any(f"ST{sep}820" in head for sep in "*|^~`:")


class _DropFilter(QObject):
    """Accept files dropped on the main window and start their import."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent) and event.mimeData().hasUrls():
            event.acceptProposedAction()
            return True
        if isinstance(event, QDropEvent) and event.mimeData().hasUrls():
            paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
            if paths:
                event.acceptProposedAction()
                drop_file(self.window, paths[0])
                return True
        return False


def drop_file(window: MainWindow, path: Path) -> None:
    if is_remittance_file(path):
        run_remittance(window, path)
    else:
        open_import(window, path)


# ----- remittance ---------------------------------------------------------------------------
def ask_remittance(window: MainWindow) -> RemittanceDialog:
    """File → Import remittance…: the dialog, which asks for the file."""
    return run_remittance(window, None)


def run_remittance(window: MainWindow, path: Path | None) -> RemittanceDialog:
    """The remittance dialog with `path` checked (a dropped file), or empty."""
    from arbench.ui.remittance_dialog import RemittanceDialog

    dialog = RemittanceDialog(window.db, window.actor, window.runner, path, window, window.on)
    dialog.applied.connect(lambda _: window.reload())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    if path is None:
        dialog.choose_file()
    return dialog


def open_aliases(window: MainWindow) -> AliasDialog:
    """Tools → Account aliases…: the editor, on the selected item's account."""
    from arbench.ui.alias_editor import AliasDialog

    detail = window.panel.detail
    dialog = AliasDialog(window.db, window.actor, detail.account.number if detail else "", window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# ----- exports ------------------------------------------------------------------------------
def ask_export(window: MainWindow, what: str) -> None:
    account = None
    if what == "statement":
        account, ok = QInputDialog.getText(window, "Statement of account", "Account number:")
        if not ok or not account.strip():
            return
    suggested = f"{what}-{(account or window.actor.login).strip()}-{window.on.isoformat()}.xlsx"
    filters = "Excel (*.xlsx);;PDF (*.pdf)" if what == "statement" else "Excel (*.xlsx)"
    name, _ = QFileDialog.getSaveFileName(window, "Export", suggested, filters)
    if name:
        run_export(window, what, Path(name), account.strip() if account else None)


def run_export(window: MainWindow, what: str, path: Path, account: str | None = None) -> None:
    """Write the export off the GUI thread, with a progress dialog."""
    progress = QProgressDialog(f"Exporting {path.name}…", "", 0, 100, window)
    progress.setCancelButton(None)
    progress.setMinimumDuration(300)
    db, on, login = window.db, window.on, window.actor.login
    user = None if window.actor.is_supervisor else login

    def work() -> Any:
        from arbench.services import exports as export_service

        if what == "worklist":
            return export_service.export_worklist(db, login, on, path)
        if what == "aging":
            return export_service.export_aging(db, on, path, user)
        return export_service.export_statement(db, account or "", on, path)

    def done(result: Any) -> None:
        progress.reset()
        window.statusBar().showMessage(f"Exported {result.rows:,} rows to {result.path}", 10000)

    def failed(exc: Exception) -> None:
        progress.reset()
        window.show_error(exc)

    window.runner.run(work, done, failed)


# ----- pre-audit ----------------------------------------------------------------------------
class PreauditWindow(QDialog):
    """The pre-audit list: each exception on a draft freight bill, routed to a department."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle("Pre-audit list")
        self.resize(1100, 560)
        from arbench.ui.import_dialog import _table

        self.model = RowsModel(("PRO", "Account", "Customer", "Rule", "Route to", "What to do"))
        self.view = _table(self.model)
        self.view.setSortingEnabled(False)
        self.summary = QLabel("Checking the draft bills…")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)
        window.runner.run(lambda: preaudit(window.db), self.show_result, window.show_error)

    def show_result(self, result: Any) -> None:
        self.model.set_rows([(r.pro, r.account_number, r.account_name, r.rule.replace("_", " "),
                              r.route_to, r.message) for r in result.rows])  # fmt: skip
        for column, width in enumerate((100, 80, 200, 200, 90)):
            self.view.setColumnWidth(column, width)
        self.summary.setText(f"{result.drafts:,} draft bills checked: {result.clean:,} ready to "
                             f"invoice, {len(result.rows):,} exceptions.")  # fmt: skip


def show_preaudit(window: MainWindow) -> PreauditWindow:
    dialog = PreauditWindow(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
