"""The first run on an empty database: start your own book, or load the demo book.

"Start your own book" asks for the company's name and remit-to details and for the first
supervisor, creates them (services.admin.first_run.start_book), and the app then opens the register
import dialog, so a team goes from nothing to its own worklist. "Load the demo book" builds the
training book instead.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from arbench.services.admin.company import ProfileChange
from arbench.services.admin.first_run import start_book
from arbench.services.base import ServiceError
from arbench.services.database import shown_url
from arbench.services.organization.users import UserInfo
from arbench.store.db import Database

OWN_BOOK, DEMO_BOOK = "own", "demo"


class FirstRunDialog(QDialog):
    """Choose how an empty database starts; `choice` and `user` say what was done."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.choice: str | None = None
        self.user: UserInfo | None = None
        self.setWindowTitle("arbench — a new book")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome())
        self.pages.addWidget(self._own_book())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    # ----- pages ------------------------------------------------------------------------------
    def _welcome(self) -> QWidget:
        page = QWidget()
        text = QLabel(
            f"<p><b>This database is empty</b> ({shown_url(self.db.url)}).</p>"
            "<p>Start your own book to import your team's open-item register and work it, or "
            "load the demo freight book (2,000 accounts, 40,000 pros) to look around and train."
            "</p>"
        )
        text.setWordWrap(True)
        self.own_button = QPushButton("Start your own book…")
        self.own_button.setDefault(True)
        self.own_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.demo_button = QPushButton("Load the demo book")
        self.demo_button.clicked.connect(self.choose_demo)
        buttons = QHBoxLayout()
        buttons.addWidget(self.own_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(page)
        layout.addWidget(text)
        layout.addLayout(buttons)
        return page

    def _own_book(self) -> QWidget:
        page = QWidget()
        self.company = QLineEdit()
        self.address = QPlainTextEdit()
        self.remit_name = QLineEdit()
        self.remit_address = QPlainTextEdit()
        for box in (self.address, self.remit_address):
            box.setTabChangesFocus(True)
            box.setFixedHeight(64)
        self.login = QLineEdit()
        self.login.setPlaceholderText("e.g. kwright")
        self.full_name = QLineEdit()
        form = QFormLayout()
        form.addRow("Company name", self.company)
        form.addRow("Company address", self.address)
        form.addRow("Remit-to name", self.remit_name)
        form.addRow("Remit-to address", self.remit_address)
        form.addRow(QLabel("<b>The first supervisor</b> (assigns accounts, adds users)"))
        form.addRow("Login", self.login)
        form.addRow("Full name", self.full_name)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        back = QPushButton("Back")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        self.create_button = QPushButton("Create the book and import a register…")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_book)
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        return page

    # ----- choices ----------------------------------------------------------------------------
    def choose_demo(self) -> None:
        self.choice = DEMO_BOOK
        self.accept()

    def company_details(self) -> ProfileChange:
        """The company profile as filled in (statements and emails show it)."""
        return ProfileChange(
            name=self.company.text(),
            address=self.address.toPlainText(),
            remit_to_name=self.remit_name.text(),
            remit_to_address=self.remit_address.toPlainText(),
        )

    def create_book(self) -> None:
        """Create the first supervisor and store the company; a problem is shown, not raised."""
        if not self.company.text().strip():
            self.problem.setText("Give your company's name: statements and letters show it.")
            return
        try:
            self.user = start_book(
                self.db, self.login.text(), self.full_name.text(), self.company_details()
            )
        except ServiceError as exc:
            self.problem.setText(str(exc))
            return
        self.choice = OWN_BOOK
        self.accept()
