"""Table models for the import screens: column mapping, errors and plain read-only rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from arbench.io.register_fields import CANONICAL_FIELDS, FIELD_LABELS, IGNORE

Index = QModelIndex | QPersistentModelIndex
NOT_IMPORTED = "(not imported)"
IGNORE_LABEL = "Ignore"  # the user keeps the column out on purpose (saved with the mapping)


class RowsModel(QAbstractTableModel):
    """Read-only rows of text, fed by the view (no database access)."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[Any]] = ()) -> None:
        super().__init__()
        self.headers = list(headers)
        self.rows = [list(r) for r in rows]

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        self.beginResetModel()
        self.rows = [list(r) for r in rows]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and index.isValid():
            value = self.rows[index.row()][index.column()]
            return "" if value is None else str(value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class MappingModel(QAbstractTableModel):
    """One row per column of the file: its header, the field it maps to, its first values."""

    HEADERS = ("Column in the file", "Imports as", "First values")

    def __init__(self) -> None:
        super().__init__()
        self.columns: list[str] = []
        self.samples: dict[str, str] = {}
        self.mapping: dict[str, str] = {}

    def load(self, columns: list[str], samples: dict[str, str], mapping: dict[str, str]) -> None:
        self.beginResetModel()
        self.columns, self.samples, self.mapping = list(columns), dict(samples), dict(mapping)
        self.endResetModel()

    def set_field(self, column: str, field: str | None) -> None:
        """Map `column` to `field` (None: not imported, IGNORE: ignored on purpose); a field
        maps from one column only."""
        if field:
            self.mapping = {c: f for c, f in self.mapping.items() if f != field or f == IGNORE}
            self.mapping[column] = field
        else:
            self.mapping.pop(column, None)
        self.dataChanged.emit(self.index(0, 1), self.index(max(0, len(self.columns) - 1), 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
        ):
            return None
        column = self.columns[index.row()]
        if index.column() == 0:
            return column
        if index.column() == 1:
            field = self.mapping.get(column)
            if role == Qt.ItemDataRole.EditRole:
                return field or ""
            if field == IGNORE:
                return IGNORE_LABEL
            return FIELD_LABELS.get(field, field) if field else NOT_IMPORTED
        return self.samples.get(column, "")

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if index.column() != 1 or role != Qt.ItemDataRole.EditRole:
            return False
        self.set_field(self.columns[index.row()], str(value) or None)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.column() == 1 else base

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None


class FieldDelegate(QStyledItemDelegate):
    """A drop-down of the canonical fields for the "Imports as" column."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem(NOT_IMPORTED, "")
        combo.addItem(IGNORE_LABEL, IGNORE)
        for field in CANONICAL_FIELDS:
            combo.addItem(FIELD_LABELS[field], field)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
