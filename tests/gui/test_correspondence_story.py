"""A collector's evidence and correspondence, through the real window and widgets, on a real SMTP
server (aiosmtpd) and a real IMAP server (dovecot fed by that SMTP server):

1. drop a POD on a pro's Documents tab: it is stored, shown in the PDF viewer, "POD on file";
2. email it with the invoice copy to the customer (Send over SMTP): both attachments arrive;
3. the customer's reply, fetched from the Inbox window, lands on the pro's timeline with its
   attachment among the pro's documents;
4. a statement with the company profile is sent for three pros;
5. a reminder cadence queues and sends the right reminders over simulated days, and stops on a
   promise.
"""

from __future__ import annotations

import hashlib
import smtplib
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from arbench.services.admin import company
from arbench.services.base import actor_for
from arbench.services.correspondence import mail_settings, reminders
from arbench.services.correspondence.mail_settings import MailServer
from arbench.services.correspondence.reminders import CadenceSpec
from arbench.services.knowledge import content
from arbench.services.work import items
from arbench.services.work.item_inputs import PromiseToPay
from arbench.store.db import Database
from arbench.store.models import Account, Contact, Issue, Pro
from arbench.ui.main_window import MainWindow
from arbench.ui.script_runner import email_dialog
from helpers import open_window, wait_idle
from mailservers import Dovecot, SmtpServer

ON = date(2026, 11, 24)
MAILBOX, MAILBOX_PW = "agarcia@demofreight.example", "imap-story-pw"


@pytest.fixture
def servers() -> Iterator[tuple[SmtpServer, Dovecot]]:
    imap = Dovecot(MAILBOX, MAILBOX_PW).start()
    smtp = SmtpServer().start()
    smtp.handler.maildirs[MAILBOX] = imap.maildir
    smtp.handler.owner = imap.owner
    yield smtp, imap
    smtp.stop()
    imap.stop()


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def a_pdf(path: Path, text: str) -> bytes:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    painter = QPainter(writer)
    painter.drawText(200, 200, text)
    painter.end()
    return path.read_bytes()


def drop(panel: QWidget, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    panel.dropEvent(event)


def _setup(db: Database, smtp: SmtpServer, imap: Dovecot) -> None:
    content.load_shipped(db)
    boss = actor_for(db, "kwright")
    mail_settings.set_server(db, boss, MailServer("smtp", "127.0.0.1", smtp.port, "plain", ""))
    mail_settings.set_server(
        db, boss, MailServer("imap", "127.0.0.1", imap.port, "plain", MAILBOX), MAILBOX_PW
    )
    company.set_profile(db, boss, company.ProfileChange(
        name="Great Lakes Freight Lines", address="1200 Harbor Road, Toledo OH 43604",
        remit_to_name="Great Lakes Freight Lines", remit_to_address="PO Box 4410\nToledo OH 43601"))  # fmt: skip


def _a_pod_item(db: Database) -> tuple[int, str]:
    with db.session() as s:
        row = s.execute(
            select(Issue.id, Pro.pro).join(Pro, Pro.id == Issue.pro_id)
            .where(Issue.owner_id == actor_for(db, "agarcia").id, Issue.type == "pod_requested",
                   Issue.status == "open").order_by(Issue.id)
        ).first()  # fmt: skip
    assert row is not None
    return row[0], row[1]


def test_pod_email_reply_statement_and_cadence(
    demo_db: Database, servers: tuple[SmtpServer, Dovecot], qtbot: QtBot, tmp_path: Path
) -> None:
    smtp, imap = servers
    _setup(demo_db, smtp, imap)
    issue_id, pro = _a_pod_item(demo_db)
    window = open_window(qtbot, demo_db, "agarcia")
    feature = window.features.correspondence
    window.open_item_by_id(issue_id)
    wait_idle(qtbot, window)
    assert window.panel.detail is not None and window.panel.detail.pro is not None
    assert window.panel.detail.pro.pod_on_file is False

    # 1. Drop the POD on the Documents tab (its viewer is created when the tab is first shown).
    docs = feature.documents
    assert docs.viewer is None
    window.panel.tabs.setCurrentWidget(docs)
    wait_idle(qtbot, window)
    pod = a_pdf(tmp_path / f"POD {pro}.pdf", f"Delivered PRO {pro}, signed J. Smith")
    drop(docs, [tmp_path / f"POD {pro}.pdf"])
    wait_idle(qtbot, window)
    assert [(d.kind, d.file_name) for d in docs.model.rows] == [("pod", f"POD {pro}.pdf")]
    assert docs.viewer is not None
    assert docs.viewer.currentWidget() is docs.viewer.pdf_view and docs.viewer.pdf.pageCount() == 1
    assert window.panel.detail.pro.pod_on_file is True  # the write's change record redrew it

    # 2. Email it with the invoice copy (Item ▸ Email…'s dialog).
    dialog = email_dialog(window.context, [issue_id], "pod_copy", window)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, window)  # filled off the GUI thread: templates, attachments, the draft
    dialog.check_attachment("invoice")
    assert "[?]" not in dialog.body.toPlainText()
    dialog.to.setText("pat@customer.example")
    click(qtbot, dialog.smtp_button)
    wait_idle(qtbot, window)
    assert not dialog.isVisible()  # sent and recorded: the dialog closed
    sent = smtp.received[-1].message
    files = {p.get_filename(): p.get_payload(decode=True) for p in sent.iter_attachments()}
    assert set(files) == {f"POD {pro}.pdf", f"invoice-PRO-{pro}.pdf"}
    assert hashlib.sha256(files[f"POD {pro}.pdf"]).digest() == hashlib.sha256(pod).digest()
    assert "Attached: " in window.panel.timeline.toPlainText()

    # 3. The customer replies (to the collector's mailbox) with their signed copy.
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = (
        "pat@customer.example",
        MAILBOX,
        f"Re: {sent['Subject']}",
    )
    reply.set_content("Thanks, our signed receiving copy is attached. Releasing payment Friday.")
    signed = b"%PDF-1.4 customer receiving copy " + bytes(range(200))
    reply.add_attachment(
        signed, maintype="application", subtype="pdf", filename="receiving copy.pdf"
    )
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.send_message(reply)
    inbox = feature.open_inbox()
    wait_idle(qtbot, window)
    click(qtbot, inbox.fetch_button)
    wait_idle(qtbot, window)
    assert "1 on items" in inbox.status.text()
    assert "Releasing payment Friday" in window.panel.timeline.toPlainText()
    assert "receiving copy.pdf" in [d.file_name for d in docs.model.rows]
    inbox.close()

    # 4. A statement of three pros of this account, from the item.
    feature.open_statement()
    wait_idle(qtbot, window)
    statement = feature.statement
    assert statement is not None
    assert statement.chosen() == [pro]  # from a pro's item: that pro ticked
    for i in range(statement.pros.count()):
        statement.pros.item(i).setCheckState(
            Qt.CheckState.Checked if i < 3 else Qt.CheckState.Unchecked
        )
    chosen = statement.chosen()
    assert len(chosen) == 3
    statement.to.setText("ap@customer.example")
    before = len(smtp.received)
    click(qtbot, statement.send_button)
    wait_idle(qtbot, window)
    assert len(smtp.received) == before + 1 and not statement.isVisible()
    with demo_db.session() as s:
        expected = sum(s.scalars(select(Pro.open_balance).where(Pro.pro.in_(chosen))), Decimal(0))
    body = smtp.received[-1].message.get_body(preferencelist=("plain",)).get_content()
    assert f"${expected:,.2f}" in body and "Great Lakes Freight Lines" in body
    assert all(p in body for p in chosen)

    # 5. A cadence over simulated days, approved in the Reminders window; a promise stops it.
    _cadence_over_days(demo_db, window, qtbot, smtp)


def _story_account(db: Database) -> dict[str, int]:
    """An account of agarcia's with two pros due on 2026-12-01 (its own class, 'story')."""
    ana = actor_for(db, "agarcia")
    due, at, ids = date(2026, 12, 1), datetime(2026, 11, 1), {}
    with db.session() as s:
        account = Account(
            number="C999001", name="Story Outdoor Co", collector_id=ana.id, account_class="story"
        )
        s.add(account)
        s.flush()
        s.add(Contact(account_id=account.id, name="Pat Payables", email="pat@story.example"))
        for number in ("987650001", "987650002"):
            pro = Pro(pro=number, account_id=account.id, invoice_number=f"S{number}", bol=f"B{number}",
                      invoice_date=due - timedelta(days=30), due_date=due, amount=Decimal("640.00"),
                      open_balance=Decimal("640.00"))  # fmt: skip
            s.add(pro)
            s.flush()
            issue = Issue(level="pro", type="past_due", account_id=account.id, pro_id=pro.id, owner_id=ana.id,
                          opened_on=due, created_at=at, updated_at=at)  # fmt: skip
            s.add(issue)
            s.flush()
            ids[number] = issue.id
    return ids


def _cadence_over_days(db: Database, window: MainWindow, qtbot: QtBot, smtp: SmtpServer) -> None:
    ids = _story_account(db)
    boss, ana = actor_for(db, "kwright"), actor_for(db, "agarcia")
    reminders.define_cadence(db, boss, CadenceSpec("story", ((-2, "payment_reminder_upcoming"),
                             (0, "payment_due_today"), (7, "past_due_reminder")), "story", quiet_days=0))  # fmt: skip
    queue = window.features.correspondence.open_reminders().queue
    before = len(smtp.received)
    due = date(2026, 12, 1)
    for day in range(-3, 10):
        on = due + timedelta(days=day)
        if day == 3:  # the customer promises to pay 987650002
            items.record_promise(db, ana, ids["987650002"], None,
                                 PromiseToPay("640.00", on + timedelta(days=5)), on=on)  # fmt: skip
        reminders.queue_reminders(db, boss, on)
        queue.set_day(on)
        wait_idle(qtbot, window)
        story = [
            queue.list.item(i)
            for i in range(queue.list.count())
            if "C999001" in queue.list.item(i).text()
        ]
        for i in range(queue.list.count()):  # only the story account's reminders go out here
            item = queue.list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item in story else Qt.CheckState.Unchecked)
        if story:
            click(qtbot, queue.send_button)
            wait_idle(qtbot, window)
    got = Counter((m.message["To"], str(m.message["Subject"])) for m in smtp.received[before:])
    assert set(got.values()) == {1}, got  # each reminder once
    by_pro = Counter(str(m.message["Subject"]) for m in smtp.received[before:])
    assert sum(1 for s in by_pro if "987650001" in s or "S987650001" in s) == 3  # -2, 0, +7
    assert (
        sum(1 for s in by_pro if "987650002" in s or "S987650002" in s) == 2
    )  # -2, 0; promise stops +7


SHOW_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from arbench.services.base import actor_for
from arbench.store.db import open_database
from arbench.ui.main_window import MainWindow
from arbench.ui.settings import UserSettings
db = open_database(sys.argv[1])
window = MainWindow(db, actor_for(db, "agarcia"), UserSettings())
window.show()
window.reload()
app.processEvents()
window.runner.wait()
app.processEvents()
print("QtPdf" if "PySide6.QtPdf" in sys.modules else "no QtPdf")
window.panel.tabs.setCurrentWidget(window.features.correspondence.documents)
app.processEvents()
print("QtPdf" if "PySide6.QtPdf" in sys.modules else "no QtPdf")
window.runner.stop()
"""


def test_the_window_starts_without_qtpdf_until_the_documents_tab_is_shown(
    demo_db: Database,
) -> None:
    """QtPdf is loaded when the Documents tab is first shown, not when the window starts (#18);
    a process of its own, since this one has long imported everything."""
    done = subprocess.run([sys.executable, "-c", SHOW_WINDOW, str(demo_db.url)], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["no QtPdf", "QtPdf"]
