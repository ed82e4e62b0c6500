"""Control over the lists: filters, saved views, columns kept, export of what is shown.

Installed with the window's context for each table view (pro-level, account-level): a
"Filter" button opens a filter bar (level, issue type, root cause, bucket, amount, days past
due, dispute window, waiting on; the tab then counts "12 of 3,594"); "Views" saves the search,
filter, sort and columns under a name and brings them back (per user, in the user's
settings); the columns chosen on the header (right-click) and their order are kept per user
and list; "Export" writes exactly the rows and columns shown, in their order, to xlsx.
"""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from arbench.domain.catalogue import ISSUE_TYPES, ROOT_CAUSES, Department, Level
from arbench.domain.priority import BUCKET_LABELS
from arbench.services.reporting import exports
from arbench.services.work.worklist import WorkItem
from arbench.ui.context import WindowContext
from arbench.ui.item_filter import ANY_DEPARTMENT, NOT_SET, ItemFilter
from arbench.ui.worklist_state import Sort
from arbench.ui.worklist_view import WorklistView

KINDS = {"Open amount": "money", "Days past due": "int", "Follow-up": "date", "Priority": "number"}


def _combo(choices: list[tuple[str, Any]]) -> QComboBox:
    combo = QComboBox()
    combo.addItem("any", None)
    for text, data in choices:
        combo.addItem(text, data)
    return combo


class FilterBar(QWidget):
    """The conditions of a list's filter; every change applies at once."""

    def __init__(self, view: WorklistView, level: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.view = view
        types = [
            (t.name, t.code) for t in ISSUE_TYPES.values() if level is None or t.level == level
        ]
        causes = [("not set", NOT_SET)] + [(c.name, c.code) for c in ROOT_CAUSES.values()
                                            if level is None or c.level == level]  # fmt: skip
        self.level = _combo([(lv.value, lv.value) for lv in Level])
        self.type = _combo(types)
        self.root_cause = _combo(causes)
        self.bucket = _combo([(text, int(b)) for b, text in BUCKET_LABELS.items()])
        self.waiting_on = _combo(
            [("any department", ANY_DEPARTMENT)] + [(d.value, d.value) for d in Department]
        )
        self.min_amount, self.max_amount = QLineEdit(), QLineEdit()
        self.min_days, self.max_days, self.window_days = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, hint in ((self.min_amount, "from"), (self.max_amount, "to"), (self.min_days, "from"),
                           (self.max_days, "to"), (self.window_days, "days")):  # fmt: skip
            edit.setPlaceholderText(hint)
            edit.setMaximumWidth(90)
            edit.textChanged.connect(lambda _t: self.apply())
        for combo in (self.level, self.type, self.root_cause, self.bucket, self.waiting_on):
            combo.currentIndexChanged.connect(lambda _i: self.apply())
        self.clear_button = QPushButton("&Clear filter")
        self.clear_button.clicked.connect(self.clear)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 2, 0, 2)
        cells = [("Level", self.level), ("Type", self.type), ("Root cause", self.root_cause),
                 ("Bucket", self.bucket), ("Waiting on", self.waiting_on),
                 ("Amount", self.min_amount), ("", self.max_amount), ("Days past due", self.min_days),
                 ("", self.max_days), ("Window closes within", self.window_days)]  # fmt: skip
        for n, (label, widget) in enumerate(cells):
            row, column = divmod(n, 5)
            if label:
                grid.addWidget(QLabel(label), row * 2, column)
            grid.addWidget(widget, row * 2 + 1, column)
        grid.addWidget(self.clear_button, 3, 5)
        self.level.setVisible(level is None)

    def current(self) -> ItemFilter:
        def number(edit: QLineEdit) -> Decimal | None:
            try:
                return (
                    Decimal(edit.text().replace(",", "").strip()) if edit.text().strip() else None
                )
            except InvalidOperation:
                return None

        def whole(edit: QLineEdit) -> int | None:
            value = number(edit)
            return int(value) if value is not None else None

        return ItemFilter(
            level=self.level.currentData(), type=self.type.currentData(),
            root_cause=self.root_cause.currentData(), bucket=self.bucket.currentData(),
            min_amount=number(self.min_amount), max_amount=number(self.max_amount),
            min_days=whole(self.min_days), max_days=whole(self.max_days),
            window_within=whole(self.window_days), waiting_on=self.waiting_on.currentData(),
        )  # fmt: skip

    def apply(self) -> None:
        self.view.shown.set_filter(self.current())

    def set_filter(self, value: ItemFilter) -> None:
        for combo, data in ((self.level, value.level), (self.type, value.type),
                            (self.root_cause, value.root_cause), (self.bucket, value.bucket),
                            (self.waiting_on, value.waiting_on)):  # fmt: skip
            combo.setCurrentIndex(max(0, combo.findData(data)) if data is not None else 0)
        for edit, number in ((self.min_amount, value.min_amount), (self.max_amount, value.max_amount),
                             (self.min_days, value.min_days), (self.max_days, value.max_days),
                             (self.window_days, value.window_within)):  # fmt: skip
            edit.setText("" if number is None else str(number))
        self.apply()

    def clear(self) -> None:
        self.set_filter(ItemFilter())


class ListControls:
    """Filter, views and export for one table view, and its columns kept in the settings."""

    def __init__(self, ctx: WindowContext, view: WorklistView, key: str, level: str | None):
        self.ctx, self.view, self.key = ctx, view, key
        self.filters = FilterBar(view, level)
        self.filters.hide()
        self.filter_button = QToolButton()
        self.filter_button.setText("Filter")
        self.filter_button.setCheckable(True)
        self.filter_button.setToolTip("Filter by type, root cause, bucket, amount, days past due, "
                                      "dispute window, waiting on")  # fmt: skip
        self.filter_button.toggled.connect(self.filters.setVisible)
        self.views_button = QToolButton()
        self.views_button.setText("Views")
        self.views_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.views_menu = QMenu(self.views_button)
        self.views_menu.aboutToShow.connect(self._fill_views)
        self.views_button.setMenu(self.views_menu)
        self.export_button = QToolButton()
        self.export_button.setText("Export…")
        self.export_button.setToolTip("Save exactly the rows and columns shown as an Excel file")
        self.export_button.clicked.connect(self.ask_export)
        for widget in (self.filter_button, self.views_button, self.export_button):
            view.add_tool(widget)
        view.tools.addStretch(1)
        view.add_bar(self.filters)
        state = ctx.settings.header_state(ctx.actor.login, key)
        if state is not None:
            view.restore_header(state)
        view.columns_changed.connect(self._save_columns)

    def _save_columns(self) -> None:
        self.ctx.settings.save_header_state(
            self.ctx.actor.login, self.key, self.view.header_state()
        )

    # ----- saved views --------------------------------------------------------------------------
    def current_view(self) -> dict[str, Any]:
        sort = self.view.shown.sort
        return {"search": self.view.search.text(), "filter": self.filters.current().to_json(),
                "sort": [sort.column, sort.descending] if sort else None,
                "header": base64.b64encode(bytes(self.view.header_state().data())).decode()}  # fmt: skip

    def save_view(self, name: str) -> None:
        views = self.ctx.settings.saved_views(self.ctx.actor.login, self.key)
        views[name] = self.current_view()
        self.ctx.settings.save_views(self.ctx.actor.login, self.key, views)

    def apply_view(self, name: str) -> bool:
        saved = self.ctx.settings.saved_views(self.ctx.actor.login, self.key).get(name)
        if saved is None:
            return False
        if saved.get("header"):
            self.view.restore_header(QByteArray(base64.b64decode(saved["header"])))
        chosen = ItemFilter.from_json(saved.get("filter") or {})
        self.filter_button.setChecked(chosen.active)
        self.filters.set_filter(chosen)
        sort = saved.get("sort")
        column = self.view.model.columns[int(sort[0])] if sort else None
        self.view.shown.set_sort(
            Sort(int(sort[0]), column[1], bool(sort[1])) if sort and column else None
        )
        self.view.search.setText(str(saved.get("search") or ""))
        return True

    def delete_view(self, name: str) -> None:
        views = self.ctx.settings.saved_views(self.ctx.actor.login, self.key)
        views.pop(name, None)
        self.ctx.settings.save_views(self.ctx.actor.login, self.key, views)

    def _fill_views(self) -> None:
        menu = self.views_menu
        menu.clear()
        names = sorted(self.ctx.settings.saved_views(self.ctx.actor.login, self.key))
        for name in names:
            menu.addAction(name, partial(self.apply_view, name))
        if names:
            menu.addSeparator()
        menu.addAction("Save this view as…", self._ask_name)
        if names:
            delete = menu.addMenu("Delete view")
            for name in names:
                delete.addAction(name, partial(self.delete_view, name))

    def _ask_name(self) -> None:
        name, ok = QInputDialog.getText(self.view, "Save view", "Name of this view:")
        if ok and name.strip():
            self.save_view(name.strip())

    # ----- export ---------------------------------------------------------------------------------
    def shown_table(self) -> tuple[list[tuple[str, str]], list[list[object]]]:
        """The columns shown (in the user's order) and the rows shown (in their order)."""
        columns = [self.view.model.columns[c] for c in self.view.visible_columns()]
        heads = [(title, KINDS.get(title, "text")) for title, _, _ in columns]
        rows = [[_cell(item, title, display) for title, _, display in columns]
                for item in self.view.model.items]  # fmt: skip
        return heads, rows

    def ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.view, "Export what the list shows",
                                              f"{self.key}.xlsx", "Excel (*.xlsx)")  # fmt: skip
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the shown rows and columns (off the GUI thread); the status bar says where."""
        heads, rows = self.shown_table()
        title = f"{self.view.title()}"
        described = self.view.shown.filter.describe() if self.view.shown.filter else ""
        heading = tuple(x for x in (title, described, self.view.search.text().strip() and
                                    f"search: {self.view.search.text().strip()}") if x)  # fmt: skip

        def done(result: exports.ExportResult) -> None:
            self.ctx.show_message(f"Exported {result.rows:,} rows to {result.path}", 8000)

        self.ctx.runner.read(lambda: exports.export_view(path, title, heads, rows, heading), done)


def _cell(item: WorkItem, title: str, display: Any) -> object:
    kind = KINDS.get(title)
    if kind == "money":
        return item.open_amount
    if kind == "int":
        return item.days_past_due
    if kind == "date":
        return item.follow_up
    if kind == "number":
        return round(item.priority, 1)
    return display(item)


def install(ctx: WindowContext) -> list[ListControls]:
    """Filter, views, columns and export on the pro-level and account-level lists."""
    worklists = ctx.worklists
    return [ListControls(ctx, worklists.pro_view, "pro", Level.PRO.value),
            ListControls(ctx, worklists.account_view, "account", Level.ACCOUNT.value)]  # fmt: skip
