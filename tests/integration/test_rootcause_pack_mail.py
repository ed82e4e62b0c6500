"""`arbench daily` mails each department's lead its monthly root-cause pack through the team's
outbox, on a real SMTP server on loopback (aiosmtpd): what arrives is read back (the xlsx's
figures against counts and sums done here in SQL, the PDF a PDF), a lead without an email
address is reported and served by a later run, a second run of the month sends nothing twice,
and daily runs started at the same moment (separate processes, SQLite and PostgreSQL) send
each department's pack once.

The demo book's leads: oruiz (operations), pshah (pricing), qwilson (billing), rtanaka (sales
and claims). Runs in late November send October's pack.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text, update

from arbench.cli import main
from arbench.domain.rootcause import cause_department
from arbench.services.base import actor_for
from arbench.services.correspondence import mail_settings
from arbench.services.correspondence.mail_settings import MailServer
from arbench.store.correspondence_models import MailAttachment, MailMessage
from arbench.store.db import Database
from arbench.store.models import AuditEvent, User
from arbench.store.models_departments import RootCausePack
from mailservers import Received, SmtpServer

MONTH, START, END = "2026-10", date(2026, 10, 1), date(2026, 10, 31)
LEADS = {"operations": "oruiz", "pricing": "pshah", "billing": "qwilson", "sales": "rtanaka",
         "claims": "rtanaka"}  # fmt: skip


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _mail_to(db: Database, smtp: SmtpServer) -> None:
    mail_settings.set_server(
        db, actor_for(db, "kwright"), MailServer("smtp", "127.0.0.1", smtp.port, "plain", "")
    )


def _daily(capsys: pytest.CaptureFixture[str], db: Database, day: str) -> str:
    code = main(["--db", db.url, "--as", "kwright", "daily", "--on", day])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _october_by_cause(db: Database) -> dict[str, tuple[int, Decimal]]:
    """Items opened in October with a root cause: (count, money at stake) per cause, in SQL."""
    conn = sqlite3.connect(db.url.removeprefix("sqlite:///"))
    rows = conn.execute(
        "SELECT i.root_cause, count(*), sum(coalesce(i.amount, p.amount, 0)) FROM issues i "
        "LEFT JOIN pros p ON p.id = i.pro_id WHERE i.root_cause IS NOT NULL "
        "AND i.opened_on BETWEEN ? AND ? GROUP BY i.root_cause",
        (START.isoformat(), END.isoformat()),
    ).fetchall()
    conn.close()
    return {cause: (n, Decimal(cents) / 100) for cause, n, cents in rows}


def _packs(received: list[Received]) -> dict[str, tuple[str, str, dict[str, bytes]]]:
    """department -> (recipient, subject, {attachment name: bytes}) of each pack received."""
    out = {}
    for r in received:
        message = r.message
        files = {str(p.get_filename()): bytes(p.get_content()) for p in message.iter_attachments()}
        (department,) = {n.split("-")[1] for n in files}
        assert department not in out, f"{department}'s pack arrived twice"
        out[department] = (",".join(r.recipients), str(message["Subject"]), files)
    return out


def test_daily_mails_each_lead_its_pack_once(
    demo_db: Database, smtp: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    _mail_to(demo_db, smtp)
    with demo_db.session() as s:
        s.execute(update(User).where(User.login == "pshah").values(email=None))
        emails = dict(s.execute(select(User.login, User.email)).all())

    out = _daily(capsys, demo_db, "2026-11-24")
    assert "rootcause_pack    done: month 2026-10, sent 4, sent_before 0, taken 0" in out
    assert ("not sent: pricing: pshah, the pricing lead, has no email address: "
            "arbench --as SUPERVISOR mail sender ADDRESS --user pshah") in out  # fmt: skip
    packs = _packs(smtp.received)
    assert sorted(packs) == ["billing", "claims", "operations", "sales"]
    by_cause = _october_by_cause(demo_db)
    for department, (to, subject, files) in packs.items():
        assert to == emails[LEADS[department]]
        stem = f"rootcauses-{department}-{MONTH}"
        assert sorted(files) == [f"{stem}.pdf", f"{stem}.xlsx"]
        assert files[f"{stem}.pdf"][:5] == b"%PDF-"
        sheet = load_workbook(io.BytesIO(files[f"{stem}.xlsx"]))["Root causes"]
        header = [c.value for c in sheet[1]]
        rows = {row[1]: (row[header.index("Items")],
                         Decimal(str(row[header.index("Money at stake")])).quantize(Decimal("0.01")))
                for row in sheet.iter_rows(min_row=2, values_only=True)}  # fmt: skip
        mine = {c: v for c, v in by_cause.items() if cause_department(c) == department}
        assert rows == mine
        count = sum(n for n, _ in mine.values())
        money = sum((m for _, m in mine.values()), Decimal(0))
        assert subject == (
            f"Root causes {MONTH}: {department.capitalize()}: {count} item(s), ${money:,.2f} at stake"
        )
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(MailAttachment)) == 8
        statuses = dict(s.execute(select(RootCausePack.department, RootCausePack.status)).all())
    assert statuses == {"operations": "sent", "pricing": "no_email", "billing": "sent",
                        "sales": "sent", "claims": "sent"}  # fmt: skip

    # the next day: pshah now has an address; only the pricing pack goes out
    code = main(["--db", demo_db.url, "--as", "kwright", "mail", "sender", "pshah@demofreight.example",
                 "--user", "pshah"])  # fmt: skip
    assert code == 0
    capsys.readouterr()
    out = _daily(capsys, demo_db, "2026-11-25")
    assert "rootcause_pack    done: month 2026-10, sent 1, sent_before 4, taken 0" in out
    assert len(smtp.received) == 5
    assert smtp.received[-1].recipients == ["pshah@demofreight.example"]
    # the same day again, and another day of the month: nothing more is sent
    assert "rootcause_pack    done_before by kwright" in _daily(capsys, demo_db, "2026-11-25")
    assert "sent 0, sent_before 5" in _daily(capsys, demo_db, "2026-11-30")
    assert len(smtp.received) == 5
    with demo_db.session() as s:
        audit = Counter(s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("rootcause_pack.%"))))  # fmt: skip
        mails = s.scalar(select(func.count()).select_from(MailMessage)
                         .where(MailMessage.direction == "out"))  # fmt: skip
    assert audit == {"rootcause_pack.sent": 5, "rootcause_pack.no_email": 1}
    assert mails == 5


def test_a_pack_the_server_refuses_is_tried_again(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    """The server is gone: nothing is sent or recorded as sent; the next run sends."""
    server = SmtpServer().start()
    _mail_to(demo_db, server)
    server.stop()
    out = _daily(capsys, demo_db, "2026-11-24")
    assert "sent 0, sent_before 0" in out and out.count("not sent: ") == 5
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(MailMessage)) == 0
    smtp = SmtpServer().start()
    try:
        _mail_to(demo_db, smtp)
        assert "sent 5, sent_before 0" in _daily(capsys, demo_db, "2026-11-25")
        assert len(smtp.received) == 5
    finally:
        smtp.stop()


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://"
    )


def _at_once(db: Database, smtp: SmtpServer) -> None:
    """Four daily runs of four days of November, started together: each pack once."""
    _mail_to(db, smtp)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    procs = [subprocess.Popen([sys.executable, "-m", "arbench", "--db", _url(db), "--as", "kwright",
                               "daily", "--on", f"2026-11-{day}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for day in (24, 25, 26, 27)]  # fmt: skip
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    assert sorted(_packs(smtp.received)) == ["billing", "claims", "operations", "pricing", "sales"]
    assert len(smtp.received) == 5
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(RootCausePack)
                        .where(RootCausePack.status == "sent")) == 5  # fmt: skip
        assert s.scalar(select(func.count()).where(AuditEvent.action == "rootcause_pack.sent")) == 5
        assert s.scalar(text("SELECT count(*) FROM mail_messages WHERE direction = 'out'")) == 5


def test_daily_runs_at_once_send_each_pack_once_on_sqlite(
    demo_db: Database, smtp: SmtpServer
) -> None:
    _at_once(demo_db, smtp)


@pytest.mark.postgres
def test_daily_runs_at_once_send_each_pack_once_on_postgresql(
    pg_demo_db: Database, smtp: SmtpServer
) -> None:
    _at_once(pg_demo_db, smtp)
