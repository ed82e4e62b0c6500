"""Email on the wire: build a message with attachments, send it over SMTP, fetch from IMAP,
read .eml and Outlook .msg files.

SMTP security: 'starttls' (port 587: plain connect, then STARTTLS before login), 'ssl'
(port 465: TLS from the first byte) or 'plain' (no TLS: only for a relay on this machine or the
tests' loopback server). IMAP the same ('ssl' on 993). TLS verifies the server's certificate
with the system's CAs (SSL_CERT_FILE points elsewhere). Failures become `MailError` with one
line naming the server and the cause; a password never appears in a message.
"""

from __future__ import annotations

import imaplib
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, getaddresses, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import Any

TIMEOUT = 30  # seconds for a server to answer


class MailError(Exception):
    """Sending or fetching failed; the message says where and why, in one line."""


@dataclass(frozen=True)
class Attachment:
    file_name: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class Outgoing:
    sender: str
    to: Sequence[str]
    subject: str
    body: str
    attachments: Sequence[Attachment] = ()
    cc: Sequence[str] = ()
    draft: bool = False  # X-Unsent: mail clients open the .eml as a draft to send


@dataclass(frozen=True)
class Incoming:
    message_id: str
    sender: str
    to: str
    subject: str
    body: str
    at: datetime | None
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    security: str  # starttls | ssl | plain
    user: str = ""
    password: str | None = None
    folder: str = "INBOX"

    def where(self) -> str:
        return f"{self.host}:{self.port}"


def build(mail: Outgoing) -> EmailMessage:
    """The MIME message: text body, then each attachment with its own type and name."""
    message = EmailMessage()
    message["From"] = mail.sender
    if mail.to:
        message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=True)
    domain = mail.sender.rsplit("@", 1)[-1].strip("> ") or None
    message["Message-ID"] = make_msgid("arbench", domain=domain)
    if mail.draft:
        message["X-Unsent"] = "1"
    message.set_content(mail.body)
    for item in mail.attachments:
        main, _, sub = item.media_type.partition("/")
        message.add_attachment(item.content, maintype=main, subtype=sub or "octet-stream",
                               filename=item.file_name)  # fmt: skip
    return message


def _context() -> ssl.SSLContext:
    return ssl.create_default_context()


def send(message: EmailMessage, server: Endpoint) -> None:
    """Send over SMTP with the server's security; raises MailError on any failure."""
    try:
        if server.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT,
                                                    context=_context())  # fmt: skip
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
        with client:
            client.ehlo()
            if server.security == "starttls":
                client.starttls(context=_context())
                client.ehlo()
            if server.user and server.password:
                client.login(server.user, server.password)
            refused = client.send_message(message)
        if refused:
            raise MailError(f"smtp {server.where()} refused {', '.join(sorted(refused))}")
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"smtp {server.where()} refused the login of '{server.user}': check the "
                        "password stored with `arbench mail setup smtp`") from None  # fmt: skip
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise MailError(f"cannot send through smtp {server.where()}: {_line(exc)}") from None


def fetch(server: Endpoint, after_uid: int = 0) -> tuple[int, list[tuple[int, bytes]]]:
    """(UIDVALIDITY, [(uid, raw message)]) of the folder's messages with uid > after_uid."""
    from imapclient import IMAPClient
    from imapclient.exceptions import IMAPClientError, LoginError

    try:
        ssl_on = server.security == "ssl"
        with IMAPClient(server.host, port=server.port, ssl=ssl_on, ssl_context=_context() if ssl_on else None,
                        timeout=TIMEOUT) as client:  # fmt: skip
            if server.security == "starttls":
                client.starttls(_context())
            client.login(server.user, server.password or "")
            status = client.select_folder(server.folder, readonly=True)
            validity = int(status.get(b"UIDVALIDITY", 0))
            uids = [u for u in client.search(["UID", f"{after_uid + 1}:*"]) if u > after_uid]
            messages: list[tuple[int, bytes]] = []
            for start in range(0, len(uids), 50):
                chunk = uids[start : start + 50]
                for uid, data in client.fetch(chunk, ["BODY.PEEK[]"]).items():
                    messages.append((int(uid), bytes(data[b"BODY[]"])))
            return validity, sorted(messages)
    except LoginError:
        raise MailError(f"imap {server.where()} refused the login of '{server.user}': check the "
                        "password stored with `arbench mail setup imap`") from None  # fmt: skip
    except (TimeoutError, IMAPClientError, imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailError(f"cannot fetch from imap {server.where()}: {_line(exc)}") from None


def _line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def parse(raw: bytes) -> Incoming:
    """An .eml (RFC 822) message as plain values: text body, attachments by name."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    body_part = message.get_body(preferencelist=("plain", "html"))
    body = body_part.get_content() if body_part is not None else ""
    if body_part is not None and body_part.get_content_subtype() == "html":
        body = _strip_html(body)
    attachments = [
        Attachment(part.get_filename() or "attachment", part.get_content_type(), _payload(part))
        for part in message.iter_attachments() if isinstance(part, EmailMessage)
    ]  # fmt: skip
    try:
        at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        at = None
    senders = getaddresses([str(message.get("From", ""))])
    return Incoming(
        str(message.get("Message-ID", "")).strip(), senders[0][1] if senders else "",
        str(message.get("To", "")), str(message.get("Subject", "")), str(body), at, attachments,
    )  # fmt: skip


def _payload(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else bytes(part)


def _strip_html(html: str) -> str:
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?is)<(script|style).*?</\1>", "", html)))


def read_message_file(path: Path) -> Incoming:
    """An .eml or Outlook .msg file; MailError naming the file when it cannot be read."""
    try:
        if path.suffix.lower() == ".msg":
            return _read_msg(path)
        return parse(path.read_bytes())
    except MailError:
        raise
    except Exception as exc:  # any parser failure on a user's file is one line about that file
        raise MailError(f"{path.name}: not a readable email ({_line(exc)})") from None


def _read_msg(path: Path) -> Incoming:
    import extract_msg

    msg: Any = extract_msg.openMsg(str(path))  # a Message for an email .msg
    try:
        attachments = [
            Attachment(a.longFilename or a.shortFilename or "attachment",
                       a.mimetype or "application/octet-stream", bytes(a.data))
            for a in msg.attachments if isinstance(getattr(a, "data", None), bytes | bytearray)
        ]  # fmt: skip
        at = msg.date if isinstance(msg.date, datetime) else None
        return Incoming(str(msg.messageId or "").strip(), _address(msg.sender or ""),
                        str(msg.to or ""), str(msg.subject or ""), str(msg.body or ""), at,
                        attachments)  # fmt: skip
    finally:
        msg.close()


def _address(text: str) -> str:
    found = getaddresses([text])
    return found[0][1] if found and found[0][1] else text
