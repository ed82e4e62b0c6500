"""Starting the GUI: open the database; on an empty one, start the team's own book (then the
import dialog) or load the demo book; pick the user."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QProgressDialog

from arbench import paths
from arbench.domain.catalogue import Role
from arbench.services import database as book
from arbench.services.admin.demo import create_demo
from arbench.services.base import ServiceError
from arbench.services.identity import connected_login, sign_in
from arbench.services.knowledge.content import ensure_loaded, load_shipped
from arbench.services.organization import users as user_service
from arbench.store.db import Database
from arbench.ui import theme
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings
from arbench.ui.user_picker import UserPicker


def display_problem() -> str | None:
    """Why no window can open here (Linux with no display and no QT_QPA_PLATFORM), or None.

    Without a display Qt aborts the process with a page of plugin messages; this says it in one.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset): start arbench "
        "on a desktop or under `xvfb-run -a`, or use a sub-command (see `arbench --help`)"
    )


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("arbench")
    app.setOrganizationName("arbench")
    theme.apply_scheme(app)  # dark when asked (ARBENCH_THEME) or when the platform is dark
    icon = paths.resources_dir() / "icons" / "arbench.svg"
    if icon.exists():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_demo(db: Database) -> None:
    """Build the demo book with a progress dialog."""
    dialog = QProgressDialog("Building the demo book…", "", 0, 100)
    dialog.setCancelButton(None)
    dialog.show()

    def progress(done: int, total: int) -> None:
        dialog.setValue(int(done * 100 / max(total, 1)))
        QApplication.processEvents()

    create_demo(db, progress=progress)
    load_shipped(db)
    dialog.close()


def first_run(db: Database) -> str | None:
    """On an empty database: the user starts their own book (returns its supervisor's login)
    or loads the demo book (returns ""); None when they close the dialog."""
    from arbench.ui.first_run import DEMO_BOOK, FirstRunDialog

    dialog = FirstRunDialog(db)
    if not dialog.exec():
        return None
    if dialog.choice == DEMO_BOOK:
        build_demo(db)
        return ""
    assert dialog.user is not None
    return dialog.user.login


def start_window(db: Database, login: str | None, settings: UserSettings) -> QMainWindow | None:
    users = user_service.list_users(db, active_only=True)
    own_book = False
    if not users:
        started = first_run(db)
        if started is None:
            return None
        own_book = bool(started)
        login = started or login
    identity = connected_login(db)
    if login is None and identity.team and not identity.owner:
        login = identity.name  # team mode: you are your database login, no question asked
    if login is None:
        picker = UserPicker(user_service.list_users(db, active_only=True), settings.last_user)
        if not picker.exec():
            return None
        login = picker.login
    actor = sign_in(db, login)
    assert actor is not None
    ensure_loaded(db)  # databases made before the content existed get the shipped content
    settings.last_user = login
    if actor.role == Role.DEPARTMENT:  # department staff get their queue, not a worklist
        from arbench.ui.department_window import DepartmentWindow

        queue = DepartmentWindow(db, actor, settings)
        queue.show()
        return queue
    window = MainWindow(db, actor, settings)
    window.show()
    window.reload()
    if own_book:  # a new team's next step: its own register
        from arbench.ui.data_actions import open_import

        open_import(window.context)
    return window


def run_gui(db_url: str | None, login: str | None) -> int:
    marks = {"imported_s": time.time()}  # for the start benchmark (ARBENCH_START_PROBE)
    app = make_app()
    from arbench.ui.connection_dialog import remembered_url

    url = book.full_url(db_url or os.environ.get("ARBENCH_DB") or remembered_url())
    try:
        db = book.open_book(url, create=url.startswith("sqlite"))
    except ServiceError as exc:
        QMessageBox.critical(None, "arbench", str(exc))
        return 2
    marks["db_open_s"] = time.time()
    try:
        window = start_window(db, login, UserSettings())
    except ServiceError as exc:
        QMessageBox.critical(None, "arbench", str(exc))
        return 2
    if window is None:
        return 0
    if os.environ.get("ARBENCH_START_PROBE"):  # the start benchmark's hook; off for users
        from arbench.ui import start_probe

        spawned = start_probe.spawned_at()
        if spawned is not None and isinstance(window, MainWindow):  # not a department's queue
            _probe = start_probe.install(window, spawned, marks)  # noqa: F841 (kept alive)
    return app.exec()
