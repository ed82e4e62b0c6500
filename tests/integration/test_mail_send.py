"""Email that really goes out, checked at a real SMTP server (aiosmtpd on loopback): who it is
from, the [AR#id] token, the body filled from the item, and every attachment byte for byte."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.services.base import InvalidInput, actor_for
from arbench.services.correspondence import documents, email, mail_out, mail_settings
from arbench.services.correspondence.documents import NewDocument
from arbench.services.correspondence.mail_settings import MailServer
from arbench.services.knowledge import content
from arbench.store.correspondence_models import MailAttachment, MailMessage
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, Issue, Pro
from mailservers import SmtpServer

ON = date(2026, 11, 24)
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
PDF = b"%PDF-1.4\n% a signed proof of delivery\n" + bytes(range(256)) * 40


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(logins={"ar@carrier.example": "s3cret-smtp"}).start()
    yield server
    server.stop()


def _pro_item(db: Database, login: str) -> tuple[int, str]:
    with db.session() as s:
        row = s.execute(
            select(Issue.id, Pro.pro)
            .join(Pro, Pro.id == Issue.pro_id)
            .where(Issue.status == "open", Issue.owner_id == actor_for(db, login).id)
            .order_by(Issue.id)
        ).first()
    assert row is not None
    return row[0], row[1]


def _setup(db: Database, smtp: SmtpServer) -> None:
    content.load_shipped(db)
    sup = actor_for(db, "kwright")
    mail_settings.set_server(
        db,
        sup,
        MailServer("smtp", "127.0.0.1", smtp.port, "plain", "ar@carrier.example"),
        "s3cret-smtp",
    )
    mail_settings.set_sender(db, actor_for(db, "agarcia"), "ana.garcia@carrier.example")


def test_an_item_email_arrives_with_its_pod_invoice_and_statement(
    demo_db: Database, smtp: SmtpServer, qapp: object
) -> None:
    _setup(demo_db, smtp)
    ana = actor_for(demo_db, "agarcia")
    issue_id, pro = _pro_item(demo_db, "agarcia")
    pod = documents.attach(
        demo_db, ana, NewDocument(PDF, f"POD {pro}.pdf", "pod", pro=pro)
    ).document
    draft = email.compose(demo_db, ana, issue_id, "pod_copy", ON)
    sent = mail_out.send_item_email(
        demo_db, ana,
        mail_out.ItemEmail(issue_id, "payables@customer.example", draft.subject, draft.body, "pod_copy",
                           (f"doc:{pod.id}", "invoice", "statement")),
        ON,
    )  # fmt: skip
    assert len(smtp.received) == 1
    assert sent.changes.touched == {issue_id}  # the item's timeline is redrawn
    got = smtp.received[0]
    assert got.recipients == ["payables@customer.example"]
    message = got.message
    assert "ana.garcia@carrier.example" in message["From"] and "Ana" in message["From"]
    assert f"[AR#{issue_id}]" in message["Subject"] and pro in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "[?]" not in body and pro in body
    files = {
        part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()
    }
    assert set(files) == {
        f"POD {pro}.pdf",
        f"invoice-PRO-{pro}.pdf",
        f"statement-PRO-{pro}-{ON}.pdf",
    }
    assert hashlib.sha256(files[f"POD {pro}.pdf"]).hexdigest() == hashlib.sha256(PDF).hexdigest()
    for name in (f"invoice-PRO-{pro}.pdf", f"statement-PRO-{pro}-{ON}.pdf"):
        assert files[name].startswith(b"%PDF")
    # the sent copy: on the timeline with its attachments, audited, raw message kept
    with demo_db.session() as s:
        row = s.get(MailMessage, sent.mail_id)
        assert row is not None and row.direction == "out" and row.status == "sent"
        stored = {
            a.file_name: a.sha256
            for a in s.scalars(select(MailAttachment).where(MailAttachment.mail_id == row.id))
        }
        assert stored == {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
        activity = s.get(Activity, row.activity_id)
        assert (
            activity is not None and activity.issue_id == issue_id and "Attached:" in activity.text
        )
        assert (
            s.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "mail.send")
            )
            == 1
        )


def test_a_wrong_password_sends_nothing_and_records_nothing(
    demo_db: Database, smtp: SmtpServer
) -> None:
    sup = actor_for(demo_db, "kwright")
    mail_settings.set_server(
        demo_db,
        sup,
        MailServer("smtp", "127.0.0.1", smtp.port, "plain", "ar@carrier.example"),
        "wrong",
    )
    mail_settings.set_sender(demo_db, actor_for(demo_db, "agarcia"), "ana.garcia@carrier.example")
    issue_id, _pro = _pro_item(demo_db, "agarcia")
    ana = actor_for(demo_db, "agarcia")
    with pytest.raises(mail_out.MailNotSent, match="refused the login of 'ar@carrier.example'"):
        mail_out.send_item_email(
            demo_db, ana, mail_out.ItemEmail(issue_id, "x@customer.example", "Hi", "Body"), ON
        )
    assert smtp.received == []
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(MailMessage)) == 0


def test_the_account_level_template_fills_the_open_amount(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    ana = actor_for(demo_db, "agarcia")
    with demo_db.session() as s:
        issue = s.scalars(
            select(Issue).where(
                Issue.level == "account", Issue.owner_id == ana.id, Issue.status == "open"
            )
        ).first()
        assert issue is not None
        linked = s.scalars(select(Pro.open_balance).join(Issue, Issue.pro_id == Pro.id)
                           .where(Issue.parent_id == issue.id, Pro.status == "open")).all()  # fmt: skip
        every = s.scalars(
            select(Pro.open_balance).where(Pro.account_id == issue.account_id, Pro.status == "open")
        ).all()
    draft = email.compose(demo_db, ana, issue.id, "statement_of_account", ON)
    expected = sum(linked, Decimal(0)) if linked else sum(every, Decimal(0))
    assert "[?]" not in draft.body and "open_amount" not in draft.missing
    assert f"${expected:,.2f}" in draft.body


def test_the_eml_fallback_is_named_after_the_pro_and_carries_the_attachments(
    demo_db: Database, tmp_path: Path, qapp: object
) -> None:
    ana = actor_for(demo_db, "agarcia")
    mail_settings.set_sender(demo_db, ana, "ana.garcia@carrier.example")
    issue_id, pro = _pro_item(demo_db, "agarcia")
    sent = mail_out.save_item_eml(
        demo_db,
        ana,
        mail_out.ItemEmail(
            issue_id, "ap@customer.example", "POD", "See attached", "pod_copy", ("invoice",)
        ),
        tmp_path,
        ON,
    )
    assert sent.eml is not None and sent.eml.name == f"PRO-{pro}-pod_copy.eml"
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(sent.eml.read_bytes())
    assert message["X-Unsent"] == "1"
    assert [p.get_filename() for p in message.iter_attachments()] == [f"invoice-PRO-{pro}.pdf"]


def test_bad_recipient_is_one_line(demo_db: Database) -> None:
    ana = actor_for(demo_db, "agarcia")
    mail_settings.set_sender(demo_db, ana, "ana.garcia@carrier.example")
    issue_id, _ = _pro_item(demo_db, "agarcia")
    with pytest.raises(InvalidInput, match="'not-an-address' is not an email address"):
        mail_out.send_item_email(
            demo_db, ana, mail_out.ItemEmail(issue_id, "not-an-address", "s", "b"), ON
        )


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_servers_are_verified_and_used(
    demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, security: str
) -> None:
    """STARTTLS and implicit TLS to a server whose certificate the client trusts; the same
    server is refused while its certificate is not trusted (nothing sent, one line)."""
    from mailservers import self_signed

    cert, context = self_signed(tmp_path)
    server = SmtpServer(
        logins={"ar@carrier.example": "tls-pw"}, tls=security, context=context
    ).start()
    try:
        content.load_shipped(demo_db)
        sup, ana = actor_for(demo_db, "kwright"), actor_for(demo_db, "agarcia")
        mail_settings.set_server(demo_db, sup, MailServer("smtp", "127.0.0.1", server.port, security,
                                                          "ar@carrier.example"), "tls-pw")  # fmt: skip
        mail_settings.set_sender(demo_db, ana, "ana.garcia@carrier.example")
        issue_id, _pro = _pro_item(demo_db, "agarcia")
        email = mail_out.ItemEmail(issue_id, "ap@customer.example", "Over TLS", "Body")
        with pytest.raises(mail_out.MailNotSent, match="CERTIFICATE_VERIFY_FAILED"):
            mail_out.send_item_email(demo_db, ana, email, ON)
        assert server.received == []
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        mail_out.send_item_email(demo_db, ana, email, ON)
        assert [r.recipients for r in server.received] == [["ap@customer.example"]]
    finally:
        server.stop()
