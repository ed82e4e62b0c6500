"""Real mail servers on loopback for the tests: aiosmtpd (SMTP) and Debian's dovecot (IMAP).

`SmtpServer` keeps every message it accepts (and can also deliver each into a Maildir that
dovecot serves); `Dovecot` runs dovecot with a throwaway configuration in a temporary folder,
one user with a password, on a free port, and stops it on close. Nothing here sleeps: the
servers are ready when start() returns (aiosmtpd's Controller waits for its socket; dovecot is
polled by connecting until it answers, with a deadline).
"""

from __future__ import annotations

import mailbox
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)


def self_signed(directory: Path) -> tuple[Path, Any]:
    """A certificate for 127.0.0.1 made with openssl, and a server context holding it."""
    import ssl

    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return cert, context


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.raw)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    maildirs: dict[str, Path] = field(default_factory=dict)  # recipient -> Maildir to deliver to
    owner: tuple[int, int] | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.original_content or envelope.content)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw))
        for rcpt in envelope.rcpt_tos:
            if rcpt in self.maildirs:
                box = mailbox.Maildir(self.maildirs[rcpt], create=True)
                box.add(raw)
                box.close()
                if self.owner:
                    for path in [self.maildirs[rcpt], *self.maildirs[rcpt].rglob("*")]:
                        os.chown(path, *self.owner)
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1; with `logins`, AUTH PLAIN/LOGIN checks user and password."""

    def __init__(self, logins: dict[str, str] | None = None, tls: str | None = None,
                 context: Any = None):  # fmt: skip
        """tls: None (plain), "starttls" (required before MAIL) or "ssl" (TLS from the start)."""
        from aiosmtpd.controller import Controller

        self.handler = _Handler()
        self.port = free_port()
        self.logins = logins
        kwargs: dict[str, Any] = {}
        if tls == "starttls":
            kwargs.update(tls_context=context, require_starttls=True)
        elif tls == "ssl":
            kwargs.update(ssl_context=context)
        if logins is not None:
            kwargs.update(
                authenticator=self._authenticate, auth_require_tls=False, auth_required=True
            )
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (
            isinstance(auth_data, LoginPassword)
            and self.logins is not None
            and self.logins.get(auth_data.login.decode()) == auth_data.password.decode()
        )
        return AuthResult(success=ok, handled=False)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> SmtpServer:
        import warnings

        with warnings.catch_warnings():  # AUTH without TLS is what a loopback test wants
            warnings.simplefilter("ignore", UserWarning)
            self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


class Dovecot:
    """dovecot serving one user's Maildir over IMAP (no TLS) on a free loopback port."""

    def __init__(self, user: str, password: str):
        if DOVECOT is None:
            if os.environ.get("CI") == "true":
                pytest.fail("dovecot is not installed (.ci/mail.sh installs it)")
            pytest.skip("dovecot is not installed (.ci/mail.sh installs it)")
        self.user, self.password = user, password
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="arbench-dovecot-"))
        self.dir.chmod(0o755)  # dovecot's own users read the config and the users file
        self.maildir = self.dir / "mail" / user / "Maildir"
        self.owner = self._owner()

    @staticmethod
    def _owner() -> tuple[int, int]:
        import pwd

        try:
            entry = pwd.getpwnam("dovecot")
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            return os.getuid(), os.getgid()

    def _config(self) -> Path:
        d = self.dir
        (d / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}\n")
        uid, gid = self.owner
        conf = d / "dovecot.conf"
        conf.write_text(f"""
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
first_valid_uid = 1
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/mail/%u
}}
mail_location = maildir:{d}/mail/%u/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
""")
        for sub in ("run", "state"):
            (d / sub).mkdir(exist_ok=True)
        self.maildir.parent.mkdir(parents=True, exist_ok=True)
        mailbox.Maildir(self.maildir, create=True).close()
        for path in [d / "mail", *(d / "mail").rglob("*")]:
            os.chown(path, uid, gid)
        return conf

    def start(self) -> Dovecot:
        conf = self._config()
        # the daemon keeps running: no pipes to it, or run() would wait for them to close
        subprocess.run([DOVECOT, "-c", str(conf)], check=True, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 20  # readiness poll, not a timed assertion
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                log = (self.dir / "dovecot.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"dovecot did not start on port {self.port}: {log}")
            time.sleep(0.05)

    def stop(self) -> None:
        subprocess.run([DOVECOT, "-c", str(self.dir / "dovecot.conf"), "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)
