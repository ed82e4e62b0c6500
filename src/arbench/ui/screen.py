"""Windows sized to the screen they open on: never larger than what is available there.

At 150 % scaling a 1920×1080 screen offers 1280×720 logical pixels; a window asked for
1400×820 opens at most `SHARE` of that, centred, so its edges and buttons stay on screen.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SHARE = 0.94  # at most this much of the available screen, at first open


def fit(widget: QWidget, width: int, height: int) -> None:
    """Resize to width × height, or less where the screen is smaller; keep it on screen."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    widget.resize(min(width, int(available.width() * SHARE)),
                  min(height, int(available.height() * SHARE)))  # fmt: skip
    frame = widget.frameGeometry()
    if widget.isWindow() and not available.contains(frame):
        frame.moveCenter(available.center())
        widget.move(frame.topLeft())
