"""Features that add menus, panels and tabs to the main window.

Each feature module has `install(window: MainWindow) -> None`; add it to FEATURES. The main
window stays small, and each feature keeps its widgets in its own module.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from arbench.ui.main_window import MainWindow

FEATURES: tuple[str, ...] = (
    "arbench.ui.actions",
    "arbench.ui.script_runner",
    "arbench.ui.training_center",
    "arbench.ui.glossary_tips",
    "arbench.ui.approvals",
    "arbench.ui.live_updates",
    "arbench.ui.team_menu",
    "arbench.ui.content_editor",
    "arbench.ui.supervisor",
    "arbench.ui.data_actions",
    "arbench.ui.book_search",
    "arbench.ui.correspondence",
)  # module paths


def install_features(window: MainWindow) -> None:
    for name in FEATURES:
        import_module(name).install(window)
