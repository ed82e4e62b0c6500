"""The Qt binding in use does not leak references to None through model data() calls.

PySide6 6.12.0 drops one reference to None each time Qt reads a model's data() that returns
None; on Python 3.11 that deallocates None after enough repaints and the app dies. pyproject
pins PySide6 below 6.12; this test fails if a broken binding comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex


class _EmptyModel(QAbstractTableModel):
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def data(self, index: Index, role: int = 0) -> object:
        return None


def test_model_data_returning_none_keeps_none_alive(qapp: object) -> None:
    model = _EmptyModel()
    before = sys.getrefcount(None)
    for _ in range(2000):
        model.index(0, 0).data(0)
    assert sys.getrefcount(None) - before > -100
