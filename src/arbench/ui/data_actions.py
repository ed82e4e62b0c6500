"""Data in and out on the main window: File → Import register…, Import remittance…, Export…,
Tools → Pre-audit list, Tools → Account aliases… (supervisors), and dropping a file on the
window to import it.

Every read of a file, every write and every export runs on the window's operation runner, so
the window never freezes; the results come back on the GUI thread. An import or a remittance
changes many items: the lists are read again through the worklist controller (`reload`).
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

from arbench.services.intake.preaudit import preaudit
from arbench.services.op_changes import RELOAD
from arbench.ui import screen
from arbench.ui.context import Section, WindowContext
from arbench.ui.models.import_models import RowsModel
from arbench.ui.notice_dialogs import NoticeBar

if TYPE_CHECKING:  # remittance and exports load pandas/openpyxl: imported when first used
    from arbench.ui.alias_editor import AliasDialog
    from arbench.ui.import_dialog import ImportDialog
    from arbench.ui.remittance_dialog import RemittanceDialog

REMITTANCE_FILTER = "Remittances (*.csv *.xlsx *.xls *.txt *.820 *.edi *.x12);;All files (*)"


class DataActions:
    """File ▸ Import register…, Import remittance…, Export ▸; Tools ▸ Pre-audit list; drops."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        add = ctx.menus.add
        add(Section.FILE_DATA, _action(ctx, "&Import register…", lambda: open_import(ctx)))
        add(Section.FILE_DATA, _action(ctx, "Import &remittance…", lambda: ask_remittance(ctx)))
        export_menu = QMenu("&Export", ctx.window)
        export_menu.addAction(_action(ctx, "My &worklist…", lambda: ask_export(ctx, "worklist")))
        export_menu.addAction(_action(ctx, "&Aging…", lambda: ask_export(ctx, "aging")))
        export_menu.addAction(
            _action(ctx, "&Statement of account…", lambda: ask_export(ctx, "statement"))
        )
        add(Section.FILE_DATA, export_menu)
        add(Section.TOOLS, _action(ctx, "&Pre-audit list", lambda: show_preaudit(ctx)))
        if ctx.actor.is_supervisor:
            add(Section.TOOLS, _action(ctx, "Account &aliases…", lambda: open_aliases(ctx)))
        ctx.window.setAcceptDrops(True)
        self.drop_filter = _DropFilter(ctx)
        ctx.window.installEventFilter(self.drop_filter)


def install(ctx: WindowContext) -> DataActions:
    return DataActions(ctx)


def _action(ctx: WindowContext, text: str, slot: Any) -> QAction:
    action = QAction(text, ctx.window)
    action.triggered.connect(slot)
    return action


def open_import(ctx: WindowContext, path: Path | None = None) -> ImportDialog:
    """Show the register import dialog (with `path` already read, when given)."""
    from arbench.ui.import_dialog import ImportDialog

    dialog = ImportDialog(ctx.db, ctx.actor, ctx.runner, path, ctx.window, ctx.on)
    dialog.imported.connect(lambda _: ctx.controller.apply(RELOAD))
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

    def __init__(self, ctx: WindowContext) -> None:
        super().__init__(ctx.window)
        self.ctx = ctx

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent) and event.mimeData().hasUrls():
            event.acceptProposedAction()
            return True
        if isinstance(event, QDropEvent) and event.mimeData().hasUrls():
            paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
            if paths:
                event.acceptProposedAction()
                drop_file(self.ctx, paths[0])
                return True
        return False


def drop_file(ctx: WindowContext, path: Path) -> None:
    if is_remittance_file(path):
        run_remittance(ctx, path)
    else:
        open_import(ctx, path)


# ----- remittance ---------------------------------------------------------------------------
def ask_remittance(ctx: WindowContext) -> RemittanceDialog:
    """File → Import remittance…: the dialog, which asks for the file."""
    return run_remittance(ctx, None)


def run_remittance(ctx: WindowContext, path: Path | None) -> RemittanceDialog:
    """The remittance dialog with `path` checked (a dropped file), or empty; once applied, the
    lists are read again (a remittance touches many items)."""
    from arbench.ui.remittance_dialog import RemittanceDialog

    dialog = RemittanceDialog(ctx.db, ctx.actor, ctx.runner, path, ctx.window, ctx.on)
    dialog.applied.connect(lambda _: ctx.controller.apply(RELOAD))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    if path is None:
        dialog.choose_file()
    return dialog


def open_aliases(ctx: WindowContext) -> AliasDialog:
    """Tools → Account aliases…: the editor, on the selected item's account."""
    from arbench.ui.alias_editor import AliasDialog

    detail = ctx.panel.detail
    dialog = AliasDialog(ctx.db, ctx.actor, detail.account.number if detail else "", ctx.window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


# ----- exports ------------------------------------------------------------------------------
def ask_export(ctx: WindowContext, what: str) -> None:
    account = None
    if what == "statement":
        account, ok = QInputDialog.getText(ctx.window, "Statement of account", "Account number:")
        if not ok or not account.strip():
            return
    suggested = f"{what}-{(account or ctx.actor.login).strip()}-{ctx.on.isoformat()}.xlsx"
    filters = "Excel (*.xlsx);;PDF (*.pdf)" if what == "statement" else "Excel (*.xlsx)"
    name, _ = QFileDialog.getSaveFileName(ctx.window, "Export", suggested, filters)
    if name:
        run_export(ctx, what, Path(name), account.strip() if account else None)


def run_export(ctx: WindowContext, what: str, path: Path, account: str | None = None) -> None:
    """Write the export off the GUI thread, with a progress dialog."""
    progress = QProgressDialog(f"Exporting {path.name}…", "", 0, 100, ctx.window)
    progress.setCancelButton(None)
    progress.setMinimumDuration(300)
    db, on, login = ctx.db, ctx.on, ctx.actor.login
    user = None if ctx.actor.is_supervisor else login

    def work() -> Any:
        from arbench.services.reporting import exports as export_service

        if what == "worklist":
            return export_service.export_worklist(db, login, on, path)
        if what == "aging":
            return export_service.export_aging(db, on, path, user)
        return export_service.export_statement(db, account or "", on, path)

    def done(result: Any) -> None:
        progress.reset()
        ctx.show_message(f"Exported {result.rows:,} rows to {result.path}", 10000)

    def failed(exc: Exception) -> None:
        progress.reset()
        ctx.runner.show_error(exc)

    ctx.runner.run(work, done, failed)


# ----- pre-audit ----------------------------------------------------------------------------
class PreauditWindow(QDialog):
    """The pre-audit list: each exception on a draft freight bill, routed to a department."""

    def __init__(self, ctx: WindowContext) -> None:
        super().__init__(ctx.window)
        self.setWindowTitle("Pre-audit list")
        screen.fit(self, 1100, 560)
        from arbench.ui.import_dialog import _table

        self.model = RowsModel(("PRO", "Account", "Customer", "Rule", "Route to", "What to do"))
        self.view = _table(self.model)
        self.view.setSortingEnabled(False)
        self.summary = QLabel("Checking the draft bills…")
        self.findings: list[tuple[str, str]] = []  # (pro, rule) of each row
        self.notices = NoticeBar(ctx.db, ctx.actor, ctx.on, ctx.runner, self.view,
                                 lambda: self.findings, self)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)
        layout.addWidget(self.notices)
        db = ctx.db
        ctx.runner.run(lambda: preaudit(db), self.show_result, ctx.runner.show_error)

    def show_result(self, result: Any) -> None:
        self.findings = [(r.pro, r.rule) for r in result.rows]
        self.model.set_rows([(r.pro, r.account_number, r.account_name, r.rule.replace("_", " "),
                              r.route_to, r.message) for r in result.rows])  # fmt: skip
        self.view.selectionModel().currentRowChanged.connect(
            lambda *_: self.notices.update_buttons()
        )
        for column, width in enumerate((100, 80, 200, 200, 90)):
            self.view.setColumnWidth(column, width)
        self.summary.setText(f"{result.drafts:,} draft bills checked: {result.clean:,} ready to "
                             f"invoice, {len(result.rows):,} exceptions.")  # fmt: skip


def show_preaudit(ctx: WindowContext) -> PreauditWindow:
    dialog = PreauditWindow(ctx)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
