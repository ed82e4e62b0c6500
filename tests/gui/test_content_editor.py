"""The supervisor's content editor: live preview, publish a new version, history with a diff."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from arbench.services.base import actor_for
from arbench.services.knowledge import content
from arbench.store.db import Database
from arbench.ui.content_editor import ContentEditor
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings


def test_supervisor_edits_previews_publishes_and_reads_the_diff(
    qtbot: QtBot, demo_db: Database
) -> None:
    content.load_shipped(demo_db)
    window = MainWindow(
        demo_db, actor_for(demo_db, "kwright"), UserSettings(), on=date(2026, 11, 24)
    )
    qtbot.addWidget(window)
    action = next(a for a in window.tools_menu.actions() if a.text() == "&Content editor…")
    action.trigger()
    assert window.features.content_editor is not None
    editor = window.features.content_editor.editor
    assert isinstance(editor, ContentEditor) and editor.isVisible()
    editor.kind.setCurrentIndex(editor.kind.findData("note"))
    row = next(
        r
        for r in range(editor.keys_model.rowCount())
        if editor.keys_model.item(r).text() == "glossary-pod"
    )
    editor.keys.setCurrentIndex(editor.keys_model.index(row, 0))
    assert editor.current is not None and editor.current.key == "glossary-pod"
    assert not editor.publish_button.isEnabled()

    editor.editor.moveCursor(editor.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.editor, "Always check the POD date against the bill.")
    editor.update_preview()
    assert "Always check the POD date" in editor.preview.toPlainText()
    assert "edited, not published" in editor.status.text()
    qtbot.mouseClick(editor.publish_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)  # published off-thread
    assert content.current(demo_db, "note", "glossary-pod").version == 2
    assert editor.history_model.rowCount() == 2 and "kwright" in editor.history_model.item(0).text()
    assert "+Always check the POD date against the bill." in editor.diff.toPlainText()

    editor.editor.setPlainText("no front matter here")
    editor.update_preview()
    assert (
        "Cannot publish" in editor.preview.toPlainText()
        and "line 1" in editor.preview.toPlainText()
    )


def test_content_editor_and_approvals_are_for_supervisors_only(
    qtbot: QtBot, demo_db: Database
) -> None:
    window = MainWindow(demo_db, actor_for(demo_db, "mlee"), UserSettings(), on=date(2026, 11, 24))
    qtbot.addWidget(window)
    texts = [a.text() for a in window.tools_menu.actions()]
    assert "&Training center…" in texts
    assert "&Content editor…" not in texts and "&Approvals and script progress…" not in texts
