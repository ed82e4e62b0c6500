"""Replies come back, through a real IMAP server: customers' messages are delivered by SMTP
(aiosmtpd on loopback) into a Maildir that dovecot serves; `fetch_mail` reads them over IMAP and
files each on its item (by the [AR#id] token, or a PRO / invoice / BOL number) or in the inbox."""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from arbench.services.base import actor_for
from arbench.services.correspondence import documents, mail_in, mail_out, mail_settings
from arbench.services.correspondence.mail_settings import MailServer
from arbench.services.knowledge import content
from arbench.services.work import item_detail
from arbench.store.correspondence_models import MailMessage
from arbench.store.db import Database
from arbench.store.models import Issue, Pro
from mailservers import Dovecot, SmtpServer

ON = date(2026, 11, 24)
MAILBOX, MAILBOX_PW = "ar@carrier.example", "imap-pw-7731"
SIGNED = b"%PDF-1.4\n% the customer's signed copy\n" + bytes(range(256)) * 9


@pytest.fixture
def servers() -> Iterator[tuple[SmtpServer, Dovecot]]:
    imap = Dovecot(MAILBOX, MAILBOX_PW).start()
    smtp = SmtpServer().start()
    smtp.handler.maildirs[MAILBOX] = imap.maildir
    smtp.handler.owner = imap.owner
    yield smtp, imap
    smtp.stop()
    imap.stop()


def _customer_sends(
    smtp: SmtpServer, subject: str, body: str, attachment: bytes | None = None
) -> None:
    message = EmailMessage()
    message["From"] = "Pat Payables <pat@customer.example>"
    message["To"] = MAILBOX
    message["Subject"] = subject
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="signed POD.pdf"
        )
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.send_message(message)


def _items(db: Database) -> list[tuple[int, str, str | None, str | None]]:
    with db.session() as s:
        ana = actor_for(db, "agarcia").id
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(Issue.id, Pro.pro, Pro.invoice_number, Pro.bol).join(Pro, Pro.id == Issue.pro_id)
            .where(Issue.owner_id == ana, Issue.status == "open").order_by(Issue.id).limit(3)
        )]  # fmt: skip


def test_replies_land_on_their_items_and_the_rest_waits_in_the_inbox(
    demo_db: Database, servers: tuple[SmtpServer, Dovecot], qapp: object
) -> None:
    smtp, imap = servers
    content.load_shipped(demo_db)
    sup, ana = actor_for(demo_db, "kwright"), actor_for(demo_db, "agarcia")
    mail_settings.set_server(demo_db, sup, MailServer("smtp", "127.0.0.1", smtp.port, "plain", ""))
    mail_settings.set_server(
        demo_db, sup, MailServer("imap", "127.0.0.1", imap.port, "plain", MAILBOX), MAILBOX_PW
    )
    mail_settings.set_sender(demo_db, ana, MAILBOX)
    (first, pro1, _inv1, _bol1), (second, _pro2, inv2, _bol2), _third = _items(demo_db)
    sent = mail_out.send_item_email(
        demo_db,
        ana,
        mail_out.ItemEmail(first, "pat@customer.example", f"POD for PRO {pro1}", "Attached."),
        ON,
    )
    assert smtp.received[0].recipients == ["pat@customer.example"]  # not delivered to our box
    _customer_sends(smtp, f"Re: {sent.subject}", "Thanks, signed copy attached.", SIGNED)
    _customer_sends(smtp, "Remittance question", f"Which items does invoice {inv2} cover?")
    _customer_sends(smtp, "Hello", "Please call me about our account.")

    report = mail_in.fetch_mail(demo_db, sup)
    assert report.fetched == 3 and len(report.matched) == 2 and len(report.inbox) == 1
    by_issue = {r.issue_id: r for r in report.matched}
    assert by_issue[first].matched_by == "token" and by_issue[first].attachments == (
        "signed POD.pdf",
    )
    assert by_issue[second].matched_by == "invoice"

    detail = item_detail.item_detail(demo_db, first)
    reply = [t for t in detail.timeline if t.outcome == "received"]
    assert len(reply) == 1 and "Thanks, signed copy attached." in reply[0].text
    docs = documents.documents_of(demo_db, pro=pro1)
    assert [(d.file_name, d.kind, d.sha256) for d in docs] == [
        ("signed POD.pdf", "pod", hashlib.sha256(SIGNED).hexdigest())
    ]

    again = mail_in.fetch_mail(demo_db, sup)  # nothing new: the UID position was kept
    assert again.fetched == 0
    waiting = mail_in.inbox(demo_db)
    assert [m.subject for m in waiting] == ["Hello"]
    mail_in.assign(demo_db, ana, waiting[0].id, first)
    assert mail_in.inbox(demo_db) == []
    with demo_db.session() as s:
        statuses = sorted(
            s.scalars(select(MailMessage.status).where(MailMessage.direction == "in"))
        )
    assert statuses == ["assigned", "matched", "matched"]


def test_eml_and_msg_files_are_filed_once(demo_db: Database, tmp_path: Path) -> None:
    (issue_id, pro, _inv, bol), *_ = _items(demo_db)
    message = EmailMessage()
    message["From"] = "ap@customer.example"
    message["To"] = MAILBOX
    message["Subject"] = f"BOL {bol}"
    message["Message-ID"] = "<reply-1@customer.example>"
    message.set_content("Short paid because of the reweigh, see certificate.")
    message.add_attachment(b"certificate bytes", maintype="application", subtype="pdf",
                           filename="inspection certificate.pdf")  # fmt: skip
    path = tmp_path / "reply.eml"
    path.write_bytes(bytes(message))
    ana = actor_for(demo_db, "agarcia")
    first = mail_in.import_files(demo_db, ana, [path])
    assert [(r.issue_id, r.matched_by) for r in first.matched] == [(issue_id, "bol")]
    assert [d.kind for d in documents.documents_of(demo_db, pro=pro)] == ["inspection_certificate"]
    second = mail_in.import_files(demo_db, ana, [path])
    assert second.duplicates == 1 and second.matched == []
    broken = tmp_path / "broken.msg"
    broken.write_bytes(b"not an outlook file")
    with pytest.raises(mail_in.InvalidInput, match="broken.msg: not a readable email"):
        mail_in.import_files(demo_db, ana, [broken])
