"""The team database trusts no login with more than the app needs (real PostgreSQL server).

A collector's own PostgreSQL login, granted with `arbench db grant`, works the book through
arbench (worklist, a logged call) but cannot make itself a supervisor, rewrite or delete the
audit history, or record a change as somebody else; `--as` names only the login's own user;
a supervisor acts for someone through `--act-for`, and the audit keeps both names. The owner
login (the one the tests and the demo use) may act as anyone, and its login is recorded. A
collector's login does the mail work of the daily job (real SMTP and IMAP servers on loopback):
its own sender address, another collector's automatic reminders, the mailbox position.
"""

from __future__ import annotations

import smtplib
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from tests.integration.conftest import AS_OF, Cluster, create_database, database_url, drop_database

from arbench.services.admin import daily
from arbench.services.base import PermissionDenied, actor_for
from arbench.services.correspondence import mail_settings, reminders
from arbench.services.correspondence.mail_settings import MailServer
from arbench.services.correspondence.reminders import CadenceSpec
from arbench.services.identity import sign_in
from arbench.services.knowledge import content
from arbench.services.organization import assignments, users
from arbench.services.work import items
from arbench.services.work.item_inputs import ContactLog
from arbench.services.work.worklist import worklist
from arbench.store.correspondence_models import Document, DocumentBlob, MailMessage, MailPosition
from arbench.store.db import Database, open_database
from arbench.store.models import Account, AuditEvent, Contact, DepartmentRequest, Issue, Pro, User
from mailservers import Dovecot, SmtpServer


@dataclass(frozen=True)
class Team:
    owner_url: str  # the test role: owns the database
    collector: str  # a collector's login (also its arbench login)
    collector_url: str
    supervisor: str
    supervisor_url: str
    department: str  # an operations user's login
    department_url: str


def _role(server: str, statement: sql.Composable) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(statement)


def _login_url(owner_url: str, login: str, password: str) -> str:
    return make_url(owner_url).set(username=login, password=password).render_as_string(False)


def arbench(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arbench", "--db", url, *args],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip


@pytest.fixture
def team(pg_server: str, pg_cluster: Cluster) -> Iterator[Team]:
    """A demo book on the server with a new collector and a new supervisor, each with a login."""
    with psycopg.connect(pg_server) as conn:
        if not conn.execute(
            "SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()[0]:  # type: ignore[index]
            pytest.fail("the test role needs CREATEROLE (.ci/postgres.sh grants it)")
    suffix = uuid.uuid4().hex[:8]
    name = f"arbench_t_{suffix}"
    create_database(pg_server, name, pg_cluster.template("demo"))
    owner_url = database_url(pg_server, name)
    collector, supervisor, department = f"col_{suffix}", f"sup_{suffix}", f"dep_{suffix}"
    password = uuid.uuid4().hex
    db = open_database(owner_url)
    try:
        kwright = actor_for(db, "kwright")
        users.add_user(db, kwright, collector, "Casey Collector", "collector")
        users.add_user(db, kwright, supervisor, "Sam Supervisor", "supervisor")
        users.add_user(db, kwright, department, "Dee Partment", "department",
                       departments=["operations"])  # fmt: skip
        book = assignments.accounts(db, AS_OF)
        numbers = [a.number for a in book if a.collector == "agarcia"][:3]
        assignments.assign_accounts(db, kwright, numbers, collector)
    finally:
        db.dispose()
    for login in (collector, supervisor, department):
        _role(pg_server, sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(login), sql.Literal(password)))  # fmt: skip
    try:
        yield Team(owner_url, collector, _login_url(owner_url, collector, password),
                   supervisor, _login_url(owner_url, supervisor, password),
                   department, _login_url(owner_url, department, password))  # fmt: skip
    finally:
        drop_database(pg_server, name)
        for login in (collector, supervisor, department):
            _role(pg_server, sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(login)))


def grant(team: Team, login: str) -> None:
    done = arbench(team.owner_url, "db", "grant", login)
    assert done.returncode == 0, done.stderr
    assert f"{login} may now use arbench" in done.stdout


def refused(url: str, statement: str) -> str:
    """Run one statement as that login; return the server's refusal (the test fails on success)."""
    with psycopg.connect(url) as conn:
        try:
            conn.execute(statement)
        except psycopg.errors.InsufficientPrivilege as exc:
            return str(exc)
        conn.rollback()
    raise AssertionError(f"the server let this through: {statement}")


def audit_rows(db: Database) -> list[tuple[str, str | None, str | None, str]]:
    with db.session() as s:
        rows = s.execute(select(AuditEvent.user_login, AuditEvent.db_login,
                                AuditEvent.acted_by, AuditEvent.action).order_by(AuditEvent.id))  # fmt: skip
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_collectors_login_cannot_alter_roles_or_history(team: Team) -> None:
    grant(team, team.collector)
    url = team.collector_url
    assert "only a supervisor can change users" in refused(
        url, f"UPDATE users SET role = 'supervisor' WHERE login = '{team.collector}'"
    )
    assert "only a supervisor can change users" in refused(
        url, "INSERT INTO users (login, display_name, role, active, created_at, version) "
        "VALUES ('mallory', 'M', 'supervisor', true, now(), 1)",
    )  # fmt: skip
    assert "only a supervisor can change settings" in refused(
        url, "INSERT INTO settings (key, value) VALUES ('trainee_limit', '999999')"
    )
    assert "permission denied" in refused(url, "DELETE FROM audit_events")
    assert "permission denied" in refused(url, "UPDATE audit_events SET user_login = 'x'")
    assert "permission denied" in refused(url, "TRUNCATE audit_events")
    assert "cannot record a change as kwright" in refused(
        url, "INSERT INTO audit_events (at, user_login, action, entity) "
        "VALUES (now(), 'kwright', 'user.set_role', 'user')",
    )  # fmt: skip
    for ddl in ("DROP TRIGGER audit_events_guard ON audit_events", "DROP TABLE users",
                "ALTER TABLE users DISABLE TRIGGER ALL"):  # fmt: skip
        with pytest.raises(psycopg.errors.InsufficientPrivilege), psycopg.connect(url) as conn:
            conn.execute(ddl)
    owner = open_database(team.owner_url)
    try:
        with owner.session() as s:
            assert s.scalar(select(User.role).where(User.login == team.collector)) == "collector"
            assert s.scalar(select(func.count()).select_from(AuditEvent)) > 0
    finally:
        owner.dispose()


def test_the_app_still_works_for_that_collector(team: Team) -> None:
    grant(team, team.collector)
    listed = arbench(team.collector_url, "worklist", "--user", team.collector, "--on",
                     AS_OF.isoformat(), "--format", "json")  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert '"level": "pro"' in listed.stdout
    db = open_database(team.collector_url)
    try:
        me = sign_in(db, None)  # no --as: the login is the user
        assert me is not None and (me.login, me.db_login) == (team.collector, team.collector)
        item = worklist(db, team.collector, AS_OF)[0]
        with db.session() as s:
            version = s.get(Issue, item.id).version  # type: ignore[union-attr]
        items.log_contact(db, me, item.id, version, ContactLog("call", outcome="AP will pay Friday"), on=AS_OF)  # fmt: skip
        assert audit_rows(db)[-1] == (team.collector, team.collector, None, "issue.call")
        with pytest.raises(PermissionDenied, match=f"--as may only name {team.collector}"):
            sign_in(db, "kwright")
        with pytest.raises(PermissionDenied, match="only a supervisor can act for someone"):
            sign_in(db, None, act_for="agarcia")
        with pytest.raises(PermissionDenied, match="only a supervisor can add users"):
            users.add_user(db, me, "mallory", "M", "supervisor")
    finally:
        db.dispose()
    claimed = arbench(team.collector_url, "--as", "kwright", "user", "role", team.collector,
                      "supervisor")  # fmt: skip
    assert claimed.returncode == 2 and claimed.stderr.count("\n") == 1
    assert f"you are connected to the team database as {team.collector}" in claimed.stderr
    setup = arbench(team.collector_url, "db", "grant", team.collector)
    assert setup.returncode == 2 and "only the database owner's login can" in setup.stderr


def test_a_supervisor_acts_for_someone_only_explicitly_and_audited(team: Team) -> None:
    grant(team, team.supervisor)
    grant(team, team.collector)
    db = open_database(team.supervisor_url)
    try:
        boss = sign_in(db, None)
        assert boss is not None and boss.is_supervisor
        users.set_role(db, boss, team.collector, "trainee")  # a supervisor's login may
        as_collector = sign_in(db, None, act_for=team.collector)
        assert as_collector is not None
        assert (as_collector.login, as_collector.acted_by) == (team.collector, team.supervisor)
        item = worklist(db, team.collector, AS_OF)[0]
        with db.session() as s:
            version = s.get(Issue, item.id).version  # type: ignore[union-attr]
        items.log_contact(db, as_collector, item.id, version, ContactLog("call", outcome="left a voicemail for the collector's contact"), on=AS_OF)  # fmt: skip
        assert audit_rows(db)[-2:] == [
            (team.supervisor, team.supervisor, None, "user.set_role"),
            (team.collector, team.supervisor, team.supervisor, "issue.call"),
        ]
    finally:
        db.dispose()
    owner = open_database(team.owner_url)
    try:  # the owner's login may act as anyone; the audit names the owner's login beside
        agarcia = sign_in(owner, "agarcia")
        assert agarcia is not None
        item = worklist(owner, "agarcia", AS_OF)[0]
        with owner.session() as s:
            version = s.get(Issue, item.id).version  # type: ignore[union-attr]
        items.log_contact(owner, agarcia, item.id, version, ContactLog("email", outcome="sent POD"), on=AS_OF)  # fmt: skip
        owner_login = make_url(team.owner_url).username
        assert audit_rows(owner)[-1] == ("agarcia", owner_login, None, "issue.email")
    finally:
        owner.dispose()


def test_a_department_login_answers_its_queue_and_nothing_more(team: Team, tmp_path: Path) -> None:
    """It answers its queue with a POD attached (the document, its bytes and "POD on file"
    written through its own grants) and reads or writes nothing else."""
    owner = open_database(team.owner_url)
    try:
        with owner.session() as s:
            request_id = s.scalar(select(DepartmentRequest.id).where(
                DepartmentRequest.department == "operations", DepartmentRequest.status == "open"))  # fmt: skip
            other = s.scalar(select(DepartmentRequest.id).where(
                DepartmentRequest.department == "pricing", DepartmentRequest.status == "open"))  # fmt: skip
    finally:
        owner.dispose()
    login, url = team.department, team.department_url
    done = arbench(team.owner_url, "db", "grant", login)
    assert done.returncode == 0 and "as a department (reads the book" in done.stdout
    queue = arbench(url, "requests", "--format", "json", "--on", AS_OF.isoformat())
    assert queue.returncode == 0, queue.stderr
    assert f'"id": {request_id},' in queue.stdout and '"department": "pricing"' not in queue.stdout
    pod = tmp_path / "signed-pod.pdf"
    pod.write_bytes(b"%PDF-1.4 signed at the dock " + bytes(range(64)))
    answered = arbench(url, "answer", str(request_id), "--text", "POD scanned and sent",
                       "--attach", str(pod), "--kind", "pod")  # fmt: skip
    assert answered.returncode == 0, answered.stderr
    assert "signed-pod.pdf attached" in answered.stdout
    refused_read = arbench(url, "worklist", "--user", "agarcia")
    assert refused_read.returncode == 2
    assert "a department user cannot see a worklist" in refused_read.stderr
    not_theirs = arbench(url, "answer", str(other), "--text", "x")
    assert not_theirs.returncode == 2 and "is not in pricing" in not_theirs.stderr
    for statement in ("UPDATE pros SET open_balance = 0", "DELETE FROM documents",
                      "UPDATE department_requests SET department = 'pricing'",
                      "UPDATE issues SET owner_id = NULL", "DELETE FROM activities",
                      "INSERT INTO payments (kind, amount, received_on, created_at) "
                      "VALUES ('payment', 1, now(), now())"):  # fmt: skip
        assert "permission denied" in refused(url, statement)
    db = open_database(team.owner_url)
    try:
        with db.session() as s:
            req = s.get(DepartmentRequest, request_id)
            assert req is not None and (req.status, req.answer) == (
                "answered",
                "POD scanned and sent",
            )
            issue = s.get(Issue, req.issue_id)
            assert issue is not None and issue.pro_id is not None
            doc = s.scalar(select(Document).where(Document.pro_id == issue.pro_id))
            assert doc is not None and (doc.kind, doc.source) == ("pod", "answer")
            blob = s.get(DocumentBlob, doc.sha256)
            assert blob is not None and bytes(blob.content) == pod.read_bytes()
            assert s.scalar(select(Pro.pod_on_file).where(Pro.id == issue.pro_id)) is True
        assert audit_rows(db)[-3:] == [(login, login, None, "document.attach"),
                                       (login, login, None, "issue.answer"),
                                       (login, login, None, "request.answer")]  # fmt: skip
    finally:
        db.dispose()


MAILBOX, MAILBOX_PW = "ar@carrier.example", "imap-team-pw"


def _mail_book(owner_url: str, smtp_port: int, imap_port: int) -> tuple[int, str]:
    """Mail servers, automatic reminders allowed, and an account of agarcia's (own cadence) with
    one pro due on AS_OF; (its item, its PRO)."""
    db = open_database(owner_url)
    try:
        content.load_shipped(db)
        boss = actor_for(db, "kwright")
        mail_settings.set_server(db, boss, MailServer("smtp", "127.0.0.1", smtp_port, "plain", ""))
        mail_settings.set_server(db, boss, MailServer("imap", "127.0.0.1", imap_port, "plain", MAILBOX),
                                 MAILBOX_PW)  # fmt: skip
        mail_settings.set_auto_send(db, boss, True)
        mail_settings.set_sender(db, boss, "ana.garcia@carrier.example", "agarcia")
        ana = actor_for(db, "agarcia")
        with db.session() as s:
            account = Account(number="C990001", name="Team Mail Co", collector_id=ana.id)
            s.add(account)
            s.flush()
            s.add(Contact(account_id=account.id, name="Pat Payables", email="ap@teammail.example"))
            pro = Pro(pro="990000001", account_id=account.id, invoice_number="T990000001",
                      invoice_date=AS_OF - timedelta(days=30), due_date=AS_OF,
                      amount=Decimal("300.00"), open_balance=Decimal("300.00"))  # fmt: skip
            s.add(pro)
            s.flush()
            issue = Issue(level="pro", type="past_due", account_id=account.id, pro_id=pro.id,
                          owner_id=ana.id, opened_on=AS_OF, created_at=datetime(2026, 10, 1),
                          updated_at=datetime(2026, 10, 1))  # fmt: skip
            s.add(issue)
            s.flush()
            issue_id = issue.id
        reminders.define_cadence(db, boss, CadenceSpec("team", ((0, "payment_due_today"),), None,
                                                       quiet_days=0, auto_send=True))  # fmt: skip
        reminders.set_account_cadence(db, boss, "C990001", cadence="team")
        return issue_id, "990000001"
    finally:
        db.dispose()


def test_a_collectors_login_runs_the_daily_mail_work(team: Team) -> None:
    """As a collector's own login (the team's jobs user): set one's own sender address (and
    nothing else of one's user), run the daily job that sends another collector's automatic
    reminder (from that collector's address, recorded as the login) and fetches the reply
    (the mailbox position is the job's to keep, not a supervisor's setting)."""
    imap = Dovecot(MAILBOX, MAILBOX_PW).start()
    smtp = SmtpServer().start()
    smtp.handler.maildirs[MAILBOX] = imap.maildir
    smtp.handler.owner = imap.owner
    try:
        issue_id, pro = _mail_book(team.owner_url, smtp.port, imap.port)
        grant(team, team.collector)
        reply = EmailMessage()
        reply["From"], reply["To"] = "ap@teammail.example", MAILBOX
        reply["Subject"] = f"PRO {pro}: paid by check"
        reply.set_content("Our check for PRO 990000001 went out today.")
        with smtplib.SMTP("127.0.0.1", smtp.port) as client:
            client.send_message(reply)
        db = open_database(team.collector_url)
        try:
            me = sign_in(db, None)
            assert me is not None and me.role == "collector"
            mail_settings.set_sender(db, me, "casey@carrier.example")
            assert "only a supervisor can change users" in refused(
                team.collector_url,
                f"UPDATE users SET display_name = 'X' WHERE login = '{me.login}'",
            )
            report = daily.run_daily(db, me, AS_OF)
        finally:
            db.dispose()
        assert {s.step: s.status for s in report.steps} == dict.fromkeys(daily.STEPS, "done")
        (sent,) = [m.message for m in smtp.received if m.message["To"] == "ap@teammail.example"]
        assert "ana.garcia@carrier.example" in str(sent["From"]) and pro in str(sent["Subject"])
        owner = open_database(team.owner_url)
        try:
            with owner.session() as s:
                assert (
                    s.scalar(select(User.email).where(User.login == team.collector))
                    == "casey@carrier.example"
                )
                filed = s.scalar(select(MailMessage).where(MailMessage.direction == "in"))
                assert filed is not None and (filed.status, filed.issue_id) == ("matched", issue_id)
                assert s.scalar(select(MailPosition.last_uid)) == 1
                sends = s.execute(select(AuditEvent.user_login, AuditEvent.db_login)
                                  .where(AuditEvent.action == "mail.send")).all()  # fmt: skip
            # the reminder, and the five departments' root-cause packs of the month before
            assert [tuple(r) for r in sends] == [(team.collector, team.collector)] * 6
        finally:
            owner.dispose()
    finally:
        smtp.stop()
        imap.stop()
