"""Help ▸ Keyboard shortcuts: every shortcut of the window, read from its menus, and the keys
of the lists and dialogs (so the sheet never disagrees with what the keys do)."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QTextBrowser, QVBoxLayout

from arbench.ui import screen, theme
from arbench.ui.action_bar import make_action
from arbench.ui.context import Section, WindowContext

IN_LISTS = (
    ("↑ ↓", "previous / next row"), ("→ ←", "Today: open / close an account's items"),
    ("Shift+↑ ↓, Ctrl+click", "select several items (an action covers all of them)"),
    ("Enter", "open the item (in the Account tab's list: open that item)"),
    ("Right-click on a header", "choose the columns; drag a header to move it"),
)  # fmt: skip
IN_DIALOGS = (
    ("Ctrl+Enter", "save"), ("Ctrl+Shift+Enter", "save, then go on to the next item"),
    ("Tab / Shift+Tab", "next / previous field (also out of a note)"),
    ("Escape", "close (asks first when something was typed)"),
    ("Alt+underlined letter", "that button or field"),
)  # fmt: skip


def menu_shortcuts(ctx: WindowContext) -> list[tuple[str, str, str]]:
    """(menu, entry, shortcut) of every menu entry with a shortcut, in menu order."""
    out = []
    for title, menu in ctx.menus.menus.items():
        for action in menu.actions():
            sub = action.menu()
            for entry in [action, *(sub.actions() if isinstance(sub, QMenu) else [])]:
                keys = entry.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if keys and not entry.isSeparator():
                    out.append((title.replace("&", ""), entry.text().replace("&", ""), keys))
    return out


def sheet_html(ctx: WindowContext) -> str:
    def rows(pairs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> str:
        return "".join(
            f"<tr><th class='nowrap'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in pairs
        )

    menus = [(keys, f"{menu} ▸ {entry}") for menu, entry, keys in menu_shortcuts(ctx)]
    return (f"{theme.css()}<h3>Menus and item actions</h3><table>{rows(menus)}</table>"
            f"<h3>In the lists</h3><table>{rows(IN_LISTS)}</table>"
            f"<h3>In every action dialog</h3><table>{rows(IN_DIALOGS)}</table>")  # fmt: skip


class ShortcutSheet:
    """The Help menu's keyboard sheet; `dialog` is the sheet open now."""

    def __init__(self, ctx: WindowContext):
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.action: QAction = make_action(ctx.window, "&Keyboard shortcuts", "Ctrl+/",
                                           "Every shortcut of the window and its dialogs", self.show)  # fmt: skip
        ctx.menus.add(Section.HELP, self.action)

    def show(self) -> QDialog:
        dialog = QDialog(self.ctx.window)
        dialog.setWindowTitle("Keyboard shortcuts")
        browser = QTextBrowser(dialog)
        browser.setHtml(sheet_html(self.ctx))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        layout.addWidget(buttons)
        screen.fit(dialog, 640, 720)
        self.dialog = dialog
        dialog.open()
        return dialog


def install(ctx: WindowContext) -> ShortcutSheet:
    return ShortcutSheet(ctx)
