"""Reminder cadences over simulated days, sent through a real SMTP server (aiosmtpd): the right
reminders, once each; a disputed pro left out; a promise stops the cadence; a quiet period
defers a step; automatic cadences go out by themselves only where the supervisor allows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from arbench.services.admin.daily import run_daily
from arbench.services.base import actor_for
from arbench.services.correspondence import mail_settings, reminder_approval, reminders
from arbench.services.correspondence.mail_settings import MailServer
from arbench.services.correspondence.reminders import CadenceSpec
from arbench.services.knowledge import content
from arbench.store.correspondence_models import Reminder
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, Contact, Issue, Pro, Promise, User
from mailservers import SmtpServer

DUE = date(2026, 3, 10)
STEPS = ((-3, "payment_reminder_upcoming"), (0, "payment_due_today"), (7, "past_due_reminder"),
         (15, "past_due_second_notice"))  # fmt: skip


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def small_book(db: Database, smtp: SmtpServer) -> dict[str, int]:
    """One collector, one supervisor, accounts A (three pros, the third disputed) and B."""
    at = datetime(2026, 1, 1)
    with db.session() as s:
        ana = User(
            login="ana",
            display_name="Ana Reyes",
            phone="(555) 010-2200",
            role="collector",
            email="ana@carrier.example",
            created_at=at,
        )
        sup = User(login="sup", display_name="Sam Boss", role="supervisor", created_at=at)
        s.add_all([ana, sup])
        s.flush()
        ids: dict[str, int] = {}
        for number, pros in (("A100", ("111111", "222222", "333333")), ("B200", ("444444",))):
            account = Account(number=number, name=f"Customer {number}", collector_id=ana.id)
            s.add(account)
            s.flush()
            s.add(
                Contact(
                    account_id=account.id, name="Pat Payables", email=f"ap@{number.lower()}.example"
                )
            )
            ids[number] = account.id
            for pro in pros:
                row = Pro(pro=pro, account_id=account.id, bol=f"B{pro}", invoice_number=f"I{pro}",
                          invoice_date=DUE - timedelta(days=30), due_date=DUE, amount=Decimal("500.00"),
                          open_balance=Decimal("500.00"))  # fmt: skip
                s.add(row)
                s.flush()
                kind = "reweigh_reclass" if pro == "333333" else "past_due"
                issue = Issue(level="pro", type=kind, account_id=account.id, pro_id=row.id, owner_id=ana.id,
                              opened_on=DUE, created_at=at, updated_at=at)  # fmt: skip
                s.add(issue)
                s.flush()
                ids[pro] = issue.id
    content.load_shipped(db)
    boss = actor_for(db, "sup")
    mail_settings.set_server(db, boss, MailServer("smtp", "127.0.0.1", smtp.port, "plain", ""))
    return ids


def _subjects_by_pro(smtp: SmtpServer) -> Counter[tuple[str, str]]:
    seen: Counter[tuple[str, str]] = Counter()
    for got in smtp.received:
        subject = str(got.message["Subject"])
        pro = next(
            p
            for p in ("111111", "222222", "333333", "444444")
            if p in subject or f"I{p}" in subject
        )
        seen[(pro, subject.split(":")[0])] += 1
    return seen


def test_a_cadence_over_simulated_days_sends_each_reminder_once_and_stops_on_a_promise(
    empty_db: Database, smtp: SmtpServer, qapp: object
) -> None:
    ids = small_book(empty_db, smtp)
    boss, ana = actor_for(empty_db, "sup"), actor_for(empty_db, "ana")
    reminders.define_cadence(
        empty_db, boss, CadenceSpec("standard", STEPS, "standard", quiet_days=0)
    )
    for day in range(-6, 30):
        on = DUE + timedelta(days=day)
        if day == 9:  # a promise on 222222 after its +7 reminder
            with empty_db.session() as s:
                s.add(Promise(issue_id=ids["222222"], amount=Decimal("500.00"), due_on=on + timedelta(days=10),
                              made_on=on))  # fmt: skip
        reminders.queue_reminders(empty_db, boss, on)
        queue = reminder_approval.reminder_queue(empty_db, ana, on)
        assert all(r.pro != "333333" for r in queue)  # the disputed pro is left out
        reminder_approval.approve(empty_db, ana, [r.id for r in queue], on)
        reminders.queue_reminders(
            empty_db, boss, on
        )  # a second run the same day queues nothing new
        assert reminder_approval.reminder_queue(empty_db, ana, on) == []
    sent = _subjects_by_pro(smtp)
    expected_first = {
        "Invoice I111111 for PRO 111111 is due on 2026-03-10 [AR#1]",
        "Due today",
        "Past due",
        "Second notice",
    }
    assert {k[1] for k in sent if k[0] == "111111"} == expected_first
    assert sorted(sent.values()) == [1] * len(sent)  # once each
    assert sum(1 for k in sent if k[0] == "111111") == 4
    assert sum(1 for k in sent if k[0] == "222222") == 3  # -3, 0, +7; the promise stopped +15
    assert sum(1 for k in sent if k[0] == "444444") == 4
    assert not any(k[0] == "333333" for k in sent)
    with empty_db.session() as s:
        statuses = Counter(s.scalars(select(Reminder.status)))
    assert statuses == {"sent": 11}


def test_a_quiet_period_defers_the_next_step(
    empty_db: Database, smtp: SmtpServer, qapp: object
) -> None:
    small_book(empty_db, smtp)
    boss, ana = actor_for(empty_db, "sup"), actor_for(empty_db, "ana")
    reminders.define_cadence(empty_db, boss, CadenceSpec("short", ((0, "payment_due_today"), (2, "past_due_reminder")),
                                                         None, quiet_days=5))  # fmt: skip
    reminders.set_account_cadence(empty_db, boss, "B200", cadence="short")
    sent_on: dict[str, date] = {}
    for day in range(0, 10):
        on = DUE + timedelta(days=day)
        reminders.queue_reminders(empty_db, boss, on)
        for r in reminder_approval.reminder_queue(empty_db, ana, on):
            if r.account_number == "B200":
                reminder_approval.approve(empty_db, ana, [r.id], on)
                sent_on[r.template] = on
    assert sent_on == {"payment_due_today": DUE, "past_due_reminder": DUE + timedelta(days=5)}


def test_automatic_cadences_go_out_only_where_allowed(
    empty_db: Database, smtp: SmtpServer, qapp: object
) -> None:
    small_book(empty_db, smtp)
    boss = actor_for(empty_db, "sup")
    reminders.define_cadence(empty_db, boss, CadenceSpec("auto", ((0, "payment_due_today"),), "standard",
                                                         auto_send=True))  # fmt: skip
    first = run_daily(empty_db, boss, DUE)
    assert {s.step: s.status for s in first.steps}["send_reminders"] == "done"
    assert smtp.received == []  # the supervisor has not allowed automatic sending
    mail_settings.set_auto_send(empty_db, boss, True)
    with empty_db.session() as s:
        assert (
            s.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "queued"))
            == 3
        )
    report = reminder_approval.send_automatic(empty_db, boss, DUE)
    assert len(report.sent) == 3 and len(smtp.received) == 3
    assert all("ana@carrier.example" in str(m.message["From"]) for m in smtp.received)
    with empty_db.session() as s:  # from the account's collector, recorded as the job's user
        senders = set(
            s.scalars(select(AuditEvent.user_login).where(AuditEvent.action == "mail.send"))
        )
    assert senders == {"sup"}
    again = run_daily(empty_db, boss, DUE)  # the same day again: every step already done
    assert {s.status for s in again.steps} == {"done_before"}


def test_the_reminders_command_lists_and_approves_the_queue(
    empty_db: Database, smtp: SmtpServer, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    import json

    from helpers import run_cli

    small_book(empty_db, smtp)
    db = str(empty_db.url).removeprefix("sqlite:///")
    code, _out, err = run_cli(capsys, "--db", db, "--as", "sup", "cadence", "set", "standard", "--class", "standard",
                              "--step", "0:payment_due_today", "--step", "+7:past_due_reminder")  # fmt: skip
    assert code == 0, err
    assert run_cli(capsys, "--db", db, "--as", "sup", "daily", "--on", DUE.isoformat())[0] == 0
    code, out, _ = run_cli(
        capsys, "--db", db, "--as", "ana", "reminders", "--on", DUE.isoformat(), "--format", "json"
    )
    queue = json.loads(out)
    assert sorted(r["pro"] for r in queue) == ["111111", "222222", "444444"]  # not the disputed one
    assert {r["template"] for r in queue} == {"payment_due_today"}
    code, out, _ = run_cli(
        capsys, "--db", db, "--as", "ana", "reminders", "approve", "--all", "--on", DUE.isoformat()
    )
    assert (
        code == 0
        and out.strip().endswith("3 reminder(s) sent, 0 failed")
        and len(smtp.received) == 3
    )
    code, _out, err = run_cli(
        capsys, "--db", db, "--as", "ana", "cadence", "set", "x", "--step", "seven"
    )
    assert code == 2 and err.strip() == (
        "arbench: error: --step: a step is OFFSET:TEMPLATE (e.g. -3:payment_reminder_upcoming), not 'seven'"
    )
