"""Team mode in the window: colleagues' changes appear, a lost database is announced and
retried, the connection dialog keeps the password in the keyring only, backups from File."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from arbench import paths
from arbench.services import changes as change_service
from arbench.services.base import Unreachable, actor_for, audit
from arbench.services.permissions import writing
from arbench.services.work import items
from arbench.services.work.item_inputs import ContactLog
from arbench.store import secrets
from arbench.store.db import Database
from arbench.store.models import Issue, User
from arbench.ui.connection_dialog import ConnectionDialog
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings
from helpers import open_window

ON = date(2026, 11, 24)


def row_follow_up(window: MainWindow, issue_id: int) -> date | None:
    model = window.pro_view.model
    row = model.row_of(issue_id)
    return None if row is None else model.items[row].follow_up


def test_colleagues_changes_appear_without_a_restart(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "agarcia")
    live = window.features.live_updates
    window.pro_view.select_row(3)
    selected = window.pro_view.current_item()
    assert selected is not None
    target = window.pro_view.model.items[0]
    follow_up = ON + timedelta(days=12)
    supervisor = actor_for(demo_db, "kwright")
    with demo_db.session() as s:
        version = s.get(Issue, target.id).version  # type: ignore[union-attr]
    items.log_contact(
        demo_db,
        supervisor,
        target.id,
        version,
        ContactLog(kind="call", outcome="AP promised the POD", follow_up=follow_up),
        on=ON,
    )
    live.poll()
    qtbot.waitUntil(lambda: row_follow_up(window, target.id) == follow_up, timeout=60000)
    assert "kwright changed 1 item" in window.statusBar().currentMessage()

    # a supervisor hands one of bchen's items to agarcia (hand-written, as another tool would)
    with writing("test.reassign"), demo_db.session() as s:
        users = {login: uid for login, uid in s.execute(select(User.login, User.id))}
        moved = s.scalars(
            select(Issue).where(Issue.owner_id == users["bchen"], Issue.level == "pro",
                                Issue.status == "open").order_by(Issue.id)
        ).first()  # fmt: skip
        assert moved is not None
        audit(
            s,
            supervisor,
            "issue.assign",
            "issue",
            moved.id,
            {"owner": "bchen"},
            {"owner": "agarcia"},
        )
        moved.owner_id = users["agarcia"]
        moved_id = moved.id
    before = len(window.controller.own_items())
    live.poll()
    qtbot.waitUntil(lambda: window.pro_view.model.row_of(moved_id) is not None, timeout=60000)
    assert len(window.controller.own_items()) == before + 1
    assert window.tabs.tabText(window.tabs.indexOf(window.pro_view)).startswith(
        f"Pro-level ({len([i for i in window.controller.own_items() if i.level == 'pro']):,})"
    )
    assert window.pro_view.current_item() == selected  # the user's place is kept


def test_lost_database_is_announced_and_retried(
    qtbot: QtBot, demo_db: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, demo_db, "agarcia")
    live = window.features.live_updates

    def down(self: object, **_: object) -> None:
        raise Unreachable(
            "cannot reach the database postgresql://ar@db:5432/ar: connection refused"
        )

    said: list[str] = []  # every status message, so none is missed when the next replaces it
    window.statusBar().messageChanged.connect(said.append)

    def told(text: str) -> str | None:
        return next((message for message in said if text in message), None)

    monkeypatch.setattr(change_service.ChangeCursor, "poll", down)
    live.poll()
    qtbot.waitUntil(lambda: told("Lost contact") is not None, timeout=60000)
    message = str(told("Lost contact"))
    assert "connection refused" in message and "retrying in 3 s" in message
    live.poll()
    qtbot.waitUntil(lambda: told("retrying in 6 s") is not None, timeout=60000)  # backs off
    monkeypatch.undo()
    live.poll()
    qtbot.waitUntil(lambda: told("restored") is not None, timeout=60000)
    assert live.timer.interval() == 3000 and not live.lost


class LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("the login keyring is locked")

    def delete_password(self, service: str, username: str) -> None:
        pass


def fill_server(qtbot: QtBot, dialog: ConnectionDialog, password: str) -> None:
    dialog.kind.setCurrentIndex(1)
    for edit, text in ((dialog.host, "ar-db.example.com"), (dialog.user, "agarcia")):
        edit.clear()
        qtbot.keyClicks(edit, text)
    dialog.port.setValue(6432)
    dialog.sslmode.setCurrentText("require")
    qtbot.keyClicks(dialog.password, password)


def test_connection_dialog_keeps_the_password_in_the_keyring_only(qtbot: QtBot) -> None:
    settings = UserSettings()
    dialog = ConnectionDialog(settings.qsettings)
    qtbot.addWidget(dialog)
    dialog.show()
    secret = "Tr0ub4dor&3-freight"
    fill_server(qtbot, dialog, secret)
    dialog.grab().save(str(paths.data_dir() / "connection_dialog.png"))
    assert "test MemoryKeyring" in dialog.keyring_note.text()
    dialog.accept()
    assert dialog.result() == ConnectionDialog.DialogCode.Accepted
    url = "postgresql://agarcia@ar-db.example.com:6432/arbench?sslmode=require"
    assert dialog.url() == url
    assert secrets.get_password(secrets.service_key_for(url), "agarcia") == secret
    settings.sync()
    ini = paths.settings_file().read_text()
    assert "ar-db.example.com" in ini and "6432" in ini and secret not in ini
    from arbench.ui.connection_dialog import remembered_url

    assert remembered_url() == url  # the next start opens this server

    again = ConnectionDialog(settings.qsettings)  # remembers everything but the password
    qtbot.addWidget(again)
    assert (again.kind.currentIndex(), again.host.text(), again.port.value()) == (
        1,
        "ar-db.example.com",
        6432,
    )
    assert again.password.text() == "" and "holds a password" in again.keyring_note.text()


def test_connection_dialog_reports_a_keyring_failure_and_keeps_the_text(qtbot: QtBot) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        dialog = ConnectionDialog(UserSettings().qsettings)
        qtbot.addWidget(dialog)
        dialog.show()
        fill_server(qtbot, dialog, "s3cret")
        dialog.accept()
        assert dialog.isVisible()
        assert "the keyring (" in dialog.error.text() and "locked" in dialog.error.text()
        assert "not saved anywhere else" in dialog.error.text()
        assert dialog.password.text() == "s3cret"
    finally:
        keyring.set_keyring(previous)
    assert (
        "s3cret" not in paths.settings_file().read_text()
        if paths.settings_file().exists()
        else True
    )


def file_entries(window: MainWindow) -> dict[str, tuple[bool, bool]]:
    """File menu entries: text -> (visible, enabled)."""
    menu = window.menuBar().actions()[0].menu()
    return {a.text(): (a.isVisible(), a.isEnabled()) for a in menu.actions()}  # type: ignore[union-attr]


def test_only_supervisors_see_back_up_and_restore(qtbot: QtBot, demo_db: Database) -> None:
    for login in ("nbrown", "agarcia"):  # a trainee, a collector
        window = open_window(qtbot, demo_db, login)
        entries = file_entries(window)
        assert entries["&Connect to database…"] == (True, True)
        assert entries.get("&Back up database…", (False, False)) == (False, False)
        assert entries.get("R&estore database…", (False, False)) == (False, False)
        window.close()


def test_file_menu_backs_the_book_up(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> None:
    window = open_window(qtbot, demo_db, "kwright")
    entries = file_entries(window)
    for wanted in ("&Connect to database…", "&Back up database…", "R&estore database…"):
        assert entries[wanted] == (True, True)
    target = tmp_path / "from-the-menu.sqlite3"
    window.features.team_menu.backup_to(target)
    qtbot.waitUntil(
        lambda: "Backup written to" in window.statusBar().currentMessage(), timeout=10000
    )
    assert target.exists() and target.read_bytes()[:15] == b"SQLite format 3"


def test_connecting_opens_the_other_book_for_the_same_user(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    import shutil

    from arbench.ui.connection_dialog import remembered_url

    other = tmp_path / "branch-office.sqlite3"
    shutil.copy(str(demo_db.engine.url.database), other)
    window = open_window(qtbot, demo_db, "agarcia")
    menu = window.features.team_menu
    menu.connect(str(other))
    qtbot.waitUntil(lambda: menu.successor is not None, timeout=20000)
    successor = menu.successor
    qtbot.addWidget(successor)
    assert successor.actor.login == "agarcia" and str(other) in successor.db.url
    assert not window.isVisible()
    qtbot.waitSignal(successor.worklist_loaded, timeout=20000)
    successor.close()
    successor.db.dispose()
    assert remembered_url() is None  # only the dialog's choice is remembered
