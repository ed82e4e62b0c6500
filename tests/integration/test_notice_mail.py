"""Pre-audit notices by mail, on real servers on loopback: `notices send` mails the notice
through the team's outbox (aiosmtpd receives it), and the customer's reply, delivered by SMTP
into a real IMAP mailbox (dovecot) and fetched with `mail fetch`, becomes the notice's answer:
on the pro's item when it has one, on the pro itself (with the reply's attachment among its
documents) when it has none. Without a mail server, nothing is recorded."""

from __future__ import annotations

import smtplib
from collections import Counter
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from arbench.cli import main
from arbench.services.base import actor_for
from arbench.services.correspondence import documents, mail_settings, notices
from arbench.services.correspondence.mail_settings import MailServer
from arbench.store.correspondence_models import MailMessage
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, Contact, Issue, Pro
from arbench.store.models_departments import ExceptionNotice
from mailservers import Dovecot, SmtpServer

ON = date(2026, 11, 24)
SINCE = date(2026, 11, 1)
MAILBOX, MAILBOX_PW = "ar@demofreight.example", "imap-notice-pw"
RECEIPT = b"%PDF-1.4 delivery receipt signed by the consignee " + bytes(range(64))


@pytest.fixture
def servers(demo_db: Database) -> Iterator[tuple[SmtpServer, Dovecot]]:
    imap = Dovecot(MAILBOX, MAILBOX_PW).start()
    smtp = SmtpServer().start()
    smtp.handler.maildirs[MAILBOX] = imap.maildir
    smtp.handler.owner = imap.owner
    boss = actor_for(demo_db, "kwright")
    mail_settings.set_server(demo_db, boss, MailServer("smtp", "127.0.0.1", smtp.port, "plain", ""))
    mail_settings.set_server(demo_db, boss, MailServer("imap", "127.0.0.1", imap.port, "plain",
                                                       MAILBOX), MAILBOX_PW)  # fmt: skip
    yield smtp, imap
    smtp.stop()
    imap.stop()


def _candidate(db: Database, with_item: bool) -> notices.NoticeCandidate:
    """A pod_missing_required finding whose pro has (or has no) item."""
    with db.session() as s:
        for c in notices.notice_candidates(db, since=SINCE):
            items = s.scalar(select(func.count()).select_from(Issue).join(Pro, Pro.id == Issue.pro_id)
                             .where(Pro.pro == c.pro))  # fmt: skip
            if c.rule == "pod_missing_required" and bool(items) == with_item:
                return c
    raise AssertionError("the demo book has no such finding")


def _cli(capsys: pytest.CaptureFixture[str], db: Database, *args: str) -> str:
    code = main(["--db", db.url, "--as", "kwright", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _reply(smtp: SmtpServer, subject: str, text: str) -> None:
    """The customer answers the notice (their client quotes it), with a delivery receipt."""
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = "ap@customer.example", MAILBOX, f"Re: {subject}"
    reply["Date"] = "Wed, 25 Nov 2026 10:00:00 +0000"  # the day the answer is kept for
    reply.set_content(f"{text}\n\nOn Tue, Nov 24, 2026 at 9:00 AM Kim Wright wrote:\n> Hello,\n")
    reply.add_attachment(RECEIPT, maintype="application", subtype="pdf",
                         filename="delivery receipt.pdf")  # fmt: skip
    with smtplib.SMTP("127.0.0.1", smtp.port) as client:
        client.send_message(reply)


@pytest.mark.parametrize("with_item", [True, False], ids=["pro with an item", "pro without"])
def test_a_notice_goes_out_by_mail_and_the_reply_is_its_answer(
    demo_db: Database, servers: tuple[SmtpServer, Dovecot], capsys: pytest.CaptureFixture[str],
    with_item: bool,
) -> None:  # fmt: skip
    smtp, _ = servers
    finding = _candidate(demo_db, with_item)
    out = _cli(capsys, demo_db, "notices", "send", finding.pro, "--rule", finding.rule,
               "--on", ON.isoformat())  # fmt: skip
    with demo_db.session() as s:
        notice = s.scalar(select(ExceptionNotice))
        assert notice is not None and notice.how == "smtp" and notice.mail_id is not None
        sent_copy = s.get(MailMessage, notice.mail_id)
        assert sent_copy is not None
        pro_id = notice.pro_id
        to = s.scalar(select(Contact.email).join(Pro, Pro.account_id == Contact.account_id)
                      .where(Pro.pro == finding.pro, Contact.email.is_not(None)).order_by(Contact.id))  # fmt: skip
        issue_id = s.scalar(select(Issue.id).where(Issue.pro_id == pro_id).order_by(Issue.id))
    assert out.strip() == f"notice #{notice.id} for PRO {finding.pro} sent to {to}"
    (arrived,) = smtp.received
    message = arrived.message
    assert arrived.recipients == [to] and "kwright@demofreight.example" in str(message["From"])
    subject = str(message["Subject"]).strip()  # a long subject is folded on the wire
    assert subject.startswith(notice.subject) and f"[AR-PRO#{finding.pro}]" in subject
    assert (f"[AR#{issue_id}]" in subject) is with_item
    assert message.get_content().strip().splitlines() == notice.body.strip().splitlines()
    assert sent_copy.subject == subject and sent_copy.direction == "out"

    _reply(smtp, subject, "We will send the delivery receipt with the invoice.")
    _cli(capsys, demo_db, "mail", "fetch")
    with demo_db.session() as s:
        kept = s.get(ExceptionNotice, notice.id)
        assert kept is not None
        answer, answered_on = kept.answer, kept.answered_on
        received = s.scalar(select(MailMessage).where(MailMessage.direction == "in"))
        assert received is not None
        status, matched_by, on_pro = received.status, received.matched_by, received.pro_id
        timeline = s.scalars(select(Activity.text).where(Activity.account_id == kept.account_id,
                                                         Activity.kind.in_(("notice", "email")))
                             .order_by(Activity.id)).all()  # fmt: skip
        audit = Counter(s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(("notice.send", "notice.answer", "mail.send", "mail.receive")))))  # fmt: skip
    assert answer == "We will send the delivery receipt with the invoice." and answered_on == date(
        2026, 11, 25
    )
    assert (status, on_pro) == ("matched", pro_id)
    assert matched_by == ("token" if with_item else "notice")
    assert [t.split(":")[0] for t in timeline[-2:]] == [
        f"Pre-audit notice to {to} (smtp)", "Reply from ap@customer.example"]  # fmt: skip
    assert audit == {"notice.send": 1, "notice.answer": 1, "mail.send": 1, "mail.receive": 1}
    docs = documents.documents_of(demo_db, pro=finding.pro)
    assert [(d.file_name, d.source) for d in docs] == [("delivery receipt.pdf", "mail")]
    assert documents.content_of(demo_db, docs[0].id)[1] == RECEIPT


def test_without_a_mail_server_nothing_is_recorded(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    finding = _candidate(demo_db, True)
    code = main(["--db", demo_db.url, "--as", "kwright", "notices", "send", finding.pro,
                 "--rule", finding.rule])  # fmt: skip
    _, err = capsys.readouterr()
    assert code != 0 and len(err.strip().splitlines()) == 1
    assert "no SMTP server is set up" in err and "nothing was sent" not in err
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(ExceptionNotice)) == 0
        assert s.scalar(select(func.count()).select_from(MailMessage)) == 0
