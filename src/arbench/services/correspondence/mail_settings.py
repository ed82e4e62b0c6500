"""The team's mail account: the SMTP server that sends, the IMAP mailbox replies arrive in.

Team settings (supervisors set them): mail.smtp.host, mail.smtp.port, mail.smtp.security
(starttls | ssl | plain), mail.smtp.user, and the same under mail.imap.* plus
mail.imap.folder; mail.auto_send ("yes" lets `arbench daily` send the reminders of cadences
marked automatic). Passwords live only in the OS keyring (store/secrets), under the key
'arbench-mail:smtp:user@host:port' (or imap). Each collector sends as themselves: the sender is
the user's own email address (`arbench --as LOGIN mail sender ADDRESS`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from arbench.services.admin.company import write_values
from arbench.services.base import Actor, InvalidInput, NotFound, audit, require_supervisor
from arbench.services.permissions import ANYONE, SUPERVISORS, service
from arbench.store import secrets
from arbench.store.db import Database
from arbench.store.models import Setting, User

SECURITIES = ("starttls", "ssl", "plain")
DEFAULT_PORTS = {("smtp", "starttls"): 587, ("smtp", "ssl"): 465, ("smtp", "plain"): 25,
                 ("imap", "starttls"): 143, ("imap", "ssl"): 993, ("imap", "plain"): 143}  # fmt: skip


@dataclass(frozen=True)
class MailServer:
    protocol: str  # smtp | imap
    host: str
    port: int
    security: str
    user: str
    folder: str = "INBOX"  # imap only

    @property
    def keyring_key(self) -> str:
        return f"arbench-mail:{self.protocol}:{self.user}@{self.host}:{self.port}"

    def describe(self) -> str:
        return f"{self.protocol} {self.user + '@' if self.user else ''}{self.host}:{self.port} ({self.security})"


@dataclass(frozen=True)
class MailSettings:
    smtp: MailServer | None
    imap: MailServer | None
    auto_send: bool


def _text(session: Session, key: str) -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else ""


def _server(session: Session, protocol: str) -> MailServer | None:
    host = _text(session, f"mail.{protocol}.host")
    if not host:
        return None
    security = _text(session, f"mail.{protocol}.security") or "starttls"
    port = int(_text(session, f"mail.{protocol}.port") or DEFAULT_PORTS[(protocol, security)])
    folder = _text(session, "mail.imap.folder") or "INBOX"
    return MailServer(
        protocol, host, port, security, _text(session, f"mail.{protocol}.user"), folder
    )


def read_mail_settings(session: Session) -> MailSettings:
    return MailSettings(_server(session, "smtp"), _server(session, "imap"),
                        _text(session, "mail.auto_send") == "yes")  # fmt: skip


def get_mail_settings(db: Database) -> MailSettings:
    with db.session() as s:
        return read_mail_settings(s)


@service(SUPERVISORS, "set up the team's mail account")
def set_server(
    db: Database, actor: Actor, server: MailServer, password: str | None = None
) -> MailServer:
    """Set the SMTP or IMAP server (supervisors only); the password goes to the keyring."""
    if server.protocol not in ("smtp", "imap"):
        raise InvalidInput(f"unknown mail protocol '{server.protocol}': use smtp or imap")
    if server.security not in SECURITIES:
        raise InvalidInput(
            f"--security must be one of {', '.join(SECURITIES)}, not '{server.security}'"
        )
    if not server.host.strip() or not 0 < server.port < 65536:
        raise InvalidInput(f"a {server.protocol} server needs a host and a port from 1 to 65535")
    p = f"mail.{server.protocol}."
    values = {p + "host": server.host.strip(), p + "port": str(server.port),
              p + "security": server.security, p + "user": server.user.strip()}  # fmt: skip
    if server.protocol == "imap":
        values["mail.imap.folder"] = server.folder or "INBOX"
    if password:
        secrets.store_password(server.keyring_key, server.user, password)
    with db.session() as s:
        write_values(s, actor, values, "mail.server")
        result = _server(s, server.protocol)
    assert result is not None
    return result


@service(SUPERVISORS, "allow automatic reminders")
def set_auto_send(db: Database, actor: Actor, allowed: bool) -> None:
    """Allow or stop automatic sending of the reminders of automatic cadences (supervisors)."""
    with db.session() as s:
        write_values(s, actor, {"mail.auto_send": "yes" if allowed else "no"}, "mail.auto_send")


def password_of(server: MailServer) -> str | None:
    """The server's password from the keyring (None when none is stored: no login is tried)."""
    return secrets.get_password(server.keyring_key, server.user) if server.user else None


@dataclass(frozen=True)
class Sender:
    name: str
    email: str

    def header(self) -> str:
        from email.utils import formataddr

        return formataddr((self.name, self.email))


def sender_of(session: Session, actor: Actor) -> Sender:
    """Who an email goes out from: the acting user's name and own address."""
    user = session.get(User, actor.id) if actor.id else None
    if user is None or not user.email:
        raise InvalidInput(
            f"{actor.login} has no email address to send from: "
            f"set it with `arbench --as {actor.login} mail sender ADDRESS`"
        )
    return Sender(user.display_name, user.email)


@service(ANYONE, "set a sender address", note="their own; a supervisor anyone's")
def set_sender(db: Database, actor: Actor, address: str, login: str | None = None) -> str:
    """Set the address a user sends from (their own; a supervisor may set anyone's)."""
    from email.utils import parseaddr

    address = address.strip()
    if "@" not in parseaddr(address)[1] or " " in address:
        raise InvalidInput(f"'{address}' is not an email address")
    target = login or actor.login
    if target != actor.login:
        require_supervisor(actor, "set another user's sender address")
    with db.session() as s:
        from sqlalchemy import select

        user = s.scalar(select(User).where(User.login == target))
        if user is None:
            raise NotFound(f"unknown user '{target}'")
        before = user.email
        user.email = address
        s.flush()
        audit(s, actor, "user.sender", "user", user.id, {"email": before}, {"email": address})
    return address
