"""What a feature of the main window gets: a typed context, and the window's extension points.

A feature (ui/features.py) is installed with a `WindowContext`: the database, the acting
user, the day, the settings, the worklist controller (every change goes through its `apply`;
`applied` and `loaded` are the worklist hooks), the operation runner (every write and heavy
read), and the extension points:
- `menus`: the menu bar by identity and section (`Section.FILE_DATA`, `Section.ITEM_ACTIONS`,
  ...), never by a label's text;
- `panel`: the item panel (its action bar, tabs, header notes, `detail_shown`);
- `worklists`: the worklist tabs (views, the current item, `add_view`, `select_item`);
- `loader`: which item the panel shows (`open_id` shows any item, e.g. from the whole book).
Nothing is attached to the window by name; features are reached through `MainWindow.features`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar

from arbench.services.base import Actor
from arbench.services.work.item_detail import ItemDetail
from arbench.store.db import Database
from arbench.ui.item_loader import ItemLoader
from arbench.ui.item_panel import ItemPanel
from arbench.ui.operations import OperationRunner
from arbench.ui.settings import UserSettings
from arbench.ui.worklist_controller import WorklistController
from arbench.ui.worklist_tabs import WorklistTabs


class Section(Enum):
    """A place in a menu: (menu title, section). Sections keep their order in the menu."""

    FILE_DATA = ("&File", "data")  # import, export
    FILE_LIST = ("&File", "list")  # refresh
    FILE_DATABASE = ("&File", "database")  # connect, back up, restore
    FILE_QUIT = ("&File", "quit")
    ITEM_NAVIGATE = ("&Item", "navigate")  # next, previous
    ITEM_FIND = ("&Item", "find")  # search the list, search the whole book
    ITEM_ACTIONS = ("&Item", "actions")  # open, log, promise, ... email
    MAIL = ("&Mail", "mail")  # inbox, reminders, statements
    TOOLS = ("&Tools", "tools")
    HELP = ("&Help", "help")


class Menus:
    """The menu bar, built once with every section; features add entries to a section."""

    def __init__(self, bar: QMenuBar):
        self.menus: dict[str, QMenu] = {}
        self._ends: dict[Section, QAction] = {}
        for section in Section:
            title, _ = section.value
            if title not in self.menus:
                self.menus[title] = bar.addMenu(title)
            self._ends[section] = self.menus[title].addSeparator()  # the section ends here

    def menu(self, section: Section) -> QMenu:
        return self.menus[section.value[0]]

    def add(self, section: Section, entry: QAction | QMenu) -> None:
        """Add an action (or a submenu) at the end of a section."""
        menu, end = self.menu(section), self._ends[section]
        if isinstance(entry, QMenu):
            menu.insertMenu(end, entry)
        else:
            menu.insertAction(end, entry)


@dataclass(frozen=True)
class WindowContext:
    """Everything a feature of one main window may use; passed in, never fetched."""

    db: Database
    actor: Actor
    on: date
    settings: UserSettings
    controller: WorklistController
    runner: OperationRunner
    window: QMainWindow  # the parent of dialogs; its status bar
    menus: Menus
    panel: ItemPanel
    worklists: WorklistTabs
    loader: ItemLoader

    def show_message(self, text: str, msecs: int = 0) -> None:
        """A line in the window's status bar."""
        self.window.statusBar().showMessage(text, msecs)

    def view_only(self, detail: ItemDetail | None) -> bool:
        """Someone else's item, shown to a collector or trainee: they may look, not act."""
        if detail is None or self.actor.is_supervisor:
            return False
        return detail.owner_id != self.actor.id and not self.controller.is_mine(detail.id)
