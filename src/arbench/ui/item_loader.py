"""Which item the panel shows, loaded off the GUI thread.

Selecting a row asks for its detail through the operation runner; only the latest request is
shown (holding Ctrl+J loads the last item, not every one on the way). When a change record
touches the item the panel shows, or is about to show, its detail is read again.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject

from arbench.services.op_changes import Changes
from arbench.services.work import item_detail as detail_service
from arbench.services.work.item_detail import ItemDetail
from arbench.services.work.worklist import WorkItem
from arbench.store.db import Database
from arbench.ui.item_panel import ItemPanel
from arbench.ui.operations import OperationRunner


class ItemLoader(QObject):
    """Loads the detail of the wanted item into the panel; `wanted` is its id (or None)."""

    def __init__(self, db: Database, runner: OperationRunner, panel: ItemPanel,
                 parent: QObject | None = None, on: date | None = None):  # fmt: skip
        super().__init__(parent)
        self.db, self.runner, self.panel = db, runner, panel
        self.on = on or date.today()
        self.wanted: int | None = None

    @property
    def ready(self) -> bool:
        """Whether the panel shows the wanted item (actions act on what is shown)."""
        detail = self.panel.detail
        return detail is not None and detail.id == self.wanted

    def open(self, item: WorkItem | None) -> None:
        """Show a worklist row's item (None: clear the panel)."""
        if item is None:
            self.wanted = None
            self.runner.cancel("detail")
            if self.panel.detail is not None:
                self.panel.show_detail(None)
            return
        self.open_id(item.id, item.reason)

    def open_id(self, item_id: int, reason: str | None = None) -> None:
        """Show one item by id (the newest request wins when several are pending)."""
        self.wanted = item_id
        db, on = self.db, self.on

        def shown(detail: ItemDetail) -> None:
            self.panel.show_detail(detail, reason)

        self.runner.read(lambda: detail_service.item_detail(db, item_id, on), shown, key="detail")

    def changed(self, changes: Changes) -> None:
        """Read the wanted item again when a change record touched it or its account (the
        Account tab lists the account's other items and promises)."""
        detail = self.panel.detail
        same_account = detail is not None and detail.account.id in changes.accounts
        if self.wanted is not None and (self.wanted in changes.touched or same_account):
            row = changes.item(self.wanted)
            self.open_id(self.wanted, row.reason if row else self.panel.reason)
