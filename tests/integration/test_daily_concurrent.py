"""`arbench daily` started by several processes at once, on SQLite and on PostgreSQL: every step
runs once, every reminder is sent once (counted at the real SMTP server), and the audit log
holds exactly one record per change."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from test_reminders import DUE, small_book

from arbench.services.base import actor_for
from arbench.services.correspondence import mail_settings, reminders
from arbench.services.correspondence.reminders import CadenceSpec
from arbench.store.correspondence_models import DailyRun, MailMessage, Reminder
from arbench.store.db import Database
from arbench.store.models import AuditEvent
from mailservers import SmtpServer

PROCESSES = 4


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False).replace(
        "postgresql+psycopg://", "postgresql://"
    )


def _run_concurrently(db: Database, day: str) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    url = _url(db)
    procs = [subprocess.Popen([sys.executable, "-m", "arbench", "--db", url, "--as", "sup", "daily", "--on", day],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(PROCESSES)]  # fmt: skip
    done = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


def _check(db: Database, smtp: SmtpServer) -> None:
    boss = actor_for(db, "sup")
    reminders.define_cadence(db, boss, CadenceSpec("auto", ((0, "payment_due_today"), (7, "past_due_reminder")),
                                                   "standard", quiet_days=0, auto_send=True))  # fmt: skip
    mail_settings.set_auto_send(db, boss, True)
    for day in (DUE, DUE + timedelta(days=7)):
        results = _run_concurrently(db, day.isoformat())
        assert [r.returncode for r in results] == [0] * PROCESSES, [r.stderr for r in results]
        assert all("Traceback" not in r.stderr for r in results)
    with db.session() as s:
        runs = Counter((r.run_on, r.step, r.status) for r in s.scalars(select(DailyRun)))
        sent = list(s.scalars(select(Reminder).where(Reminder.status == "sent")))
        audit = Counter(s.scalars(select(AuditEvent.action)))
        mails = s.scalar(
            select(func.count()).select_from(MailMessage).where(MailMessage.direction == "out")
        )
    assert set(runs.values()) == {1} and len(runs) == 14  # 7 steps x 2 days, each once, all done
    assert {status for (_, _, status) in runs} == {"done"}
    # 111111, 222222 and 444444 get the due-day and the +7 reminders; 333333 is disputed
    assert len(sent) == 6 and len(smtp.received) == 6 and mails == 6
    subjects = Counter(str(m.message["Subject"]) for m in smtp.received)
    assert set(subjects.values()) == {1}  # nobody got the same reminder twice
    assert audit["reminder.sent"] == 6 and audit["mail.send"] == 6 and audit["daily.done"] == 14
    assert audit["reminders.queue"] == 2  # one queueing per day with something to queue


def test_concurrent_daily_runs_on_sqlite(empty_db: Database, smtp: SmtpServer) -> None:
    small_book(empty_db, smtp)
    _check(empty_db, smtp)


@pytest.mark.postgres
def test_concurrent_daily_runs_on_postgresql(pg_db: Database, smtp: SmtpServer) -> None:
    small_book(pg_db, smtp)
    _check(pg_db, smtp)
