"""Onboarding a new account before its first invoice: a checklist for accounts added by hand
or by an import (not by a book's first load), tasks done by their department with who and
when, captured facts written to the account, and pre-audit flagging a bill that went out
before the checklist was done."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.domain.account_setup import TASKS
from arbench.services.base import InvalidInput, PermissionDenied, actor_for
from arbench.services.intake.imports import import_invoices
from arbench.services.intake.preaudit import preaudit
from arbench.services.organization import onboarding
from arbench.store.db import Database
from arbench.store.models import Account, Activity, AuditEvent
from arbench.store.models_departments import OnboardingChecklist, OnboardingTask
from helpers import NIGHTLY

ON = date(2026, 11, 24)
HEADERS = ["PRO #", "Cust No", "Customer Name", "BOL", "Invoice Date", "Due Date", "Amount",
           "Open Bal", "Shipper", "Consignee", "Terms"]  # fmt: skip


def register(path: Path, account: str, *pros: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for i, pro in enumerate(pros):
            writer.writerow([pro, account, "Northwind Outfitters", f"B{pro}", "2026-11-20",
                             "2026-12-20", "410.00", "410.00", "Northwind Outfitters",
                             f"Consignee {i}", "prepaid"])  # fmt: skip
    return path


def _tasks(db: Database, number: str) -> dict[str, OnboardingTask]:
    with db.session() as s:
        rows = s.scalars(
            select(OnboardingTask)
            .join(OnboardingChecklist, OnboardingChecklist.id == OnboardingTask.checklist_id)
            .join(Account, Account.id == OnboardingChecklist.account_id)
            .where(Account.number == number)
        ).all()
        return {t.key: t for t in rows}


def test_an_account_added_by_hand_gets_its_checklist(demo_db: Database) -> None:
    info = onboarding.add_account(demo_db, actor_for(demo_db, "rtanaka"), "N900", "Northwind",
                                  on=ON)  # fmt: skip
    assert [t.key for t in info.tasks] == [t.key for t in TASKS] and len(info.open_tasks) == 9
    assert {t.department for t in info.tasks} == {"sales", "pricing", "billing", "credit"}
    with demo_db.session() as s:
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.in_(["account.create", "onboarding.create"]))).all()  # fmt: skip
    assert sorted(actions) == ["account.create", "onboarding.create"]
    with pytest.raises(PermissionDenied, match="sales opens accounts"):
        onboarding.add_account(demo_db, actor_for(demo_db, "oruiz"), "N901", "X", on=ON)
    with pytest.raises(PermissionDenied, match="a collector cannot add an account"):
        onboarding.add_account(demo_db, actor_for(demo_db, "agarcia"), "N902", "X", on=ON)
    with pytest.raises(InvalidInput, match="account N900 already exists"):
        onboarding.add_account(demo_db, actor_for(demo_db, "kwright"), "N900", "Again", on=ON)


def test_ticking_records_who_and_writes_what_it_captured(demo_db: Database) -> None:
    onboarding.add_account(demo_db, actor_for(demo_db, "kwright"), "N900", "Northwind", on=ON)
    qwilson, pshah = actor_for(demo_db, "qwilson"), actor_for(demo_db, "pshah")
    onboarding.tick_task(demo_db, qwilson, "N900", "invoicing_pod", "yes", on=ON)
    onboarding.tick_task(demo_db, qwilson, "N900", "invoicing_portal", "none", on=ON)
    onboarding.tick_task(demo_db, pshah, "N900", "pricing_agreement", "PA-77001", on=ON)
    with pytest.raises(PermissionDenied, match="it is billing's task"):
        onboarding.tick_task(demo_db, actor_for(demo_db, "oruiz"), "N900", "edi_210", "no", on=ON)
    with pytest.raises(InvalidInput, match="invoicing_po takes yes or no, not 'maybe'"):
        onboarding.tick_task(demo_db, qwilson, "N900", "invoicing_po", "maybe", on=ON)
    with pytest.raises(InvalidInput, match="invoicing_pod on N900 is already done"):
        onboarding.tick_task(demo_db, qwilson, "N900", "invoicing_pod", "no", on=ON)
    with demo_db.session() as s:
        account = s.scalar(select(Account).where(Account.number == "N900"))
        assert account is not None
        assert (account.pod_required, account.portal_name, account.pricing_agreement_ref) == (
            True, None, "PA-77001")  # fmt: skip
        logged = s.scalar(select(func.count()).where(
            Activity.account_id == account.id, Activity.kind == "onboarding"))  # fmt: skip
    tasks = _tasks(demo_db, "N900")
    assert tasks["invoicing_pod"].value == "yes" and tasks["invoicing_pod"].done_at is not None
    assert tasks["invoicing_pod"].done_by_id == qwilson.id
    assert logged == 4  # opened, and three tasks


def test_credit_belongs_to_the_accounts_collector_and_the_checklist_completes(
    demo_db: Database,
) -> None:
    kwright = actor_for(demo_db, "kwright")
    onboarding.add_account(demo_db, kwright, "N900", "Northwind", on=ON)
    with demo_db.session() as s:
        s.execute(Account.__table__.update().where(Account.number == "N900")
                  .values(collector_id=actor_for(demo_db, "agarcia").id))  # fmt: skip
    onboarding.tick_task(demo_db, actor_for(demo_db, "agarcia"), "N900", "credit_limit",
                         "25,000.00", on=ON)  # fmt: skip
    with pytest.raises(PermissionDenied, match="it is credit's task"):
        onboarding.tick_task(
            demo_db, actor_for(demo_db, "bchen"), "N900", "credit_limit", "1", on=ON
        )
    onboarding.assign_task(demo_db, kwright, "N900", "contacts", "bchen")
    onboarding.tick_task(demo_db, actor_for(demo_db, "bchen"), "N900", "contacts",
                         "Dana Roe, AP manager", on=ON)  # fmt: skip
    values = {"pricing_agreement": "PA-1", "invoicing_portal": "Coupa", "invoicing_po": "yes",
              "invoicing_pod": "no", "edi_210": "no", "remittance_path": "ACH with 820"}  # fmt: skip
    for task in TASKS:
        if task.key not in ("credit_limit", "contacts"):
            onboarding.tick_task(demo_db, kwright, "N900", task.key, values.get(task.key), on=ON)
    done = onboarding.checklist(demo_db, "N900")
    assert done.completed_on == ON and done.open_tasks == ()
    with demo_db.session() as s:
        account = s.scalar(select(Account).where(Account.number == "N900"))
        assert account is not None
        assert (account.credit_limit, account.portal_name, account.po_required) == (
            Decimal("25000.00"), "Coupa", True)  # fmt: skip
    assert onboarding.open_checklists(demo_db) == []


def test_an_account_invoiced_before_its_checklist_is_done_is_flagged(
    demo_db: Database, tmp_path: Path
) -> None:
    summary = import_invoices(demo_db, register(tmp_path / "r.csv", "N777", "NW1", "NW2"),
                              on=ON, actor=NIGHTLY)  # fmt: skip
    assert summary.ok and summary.accounts_created == 1
    flagged = [r for r in preaudit(demo_db).rows if r.rule == "invoiced_before_onboarding"]
    assert sorted(r.pro for r in flagged) == ["NW1", "NW2"]
    assert {r.route_to for r in flagged} == {"sales"} and "9 task(s) open" in flagged[0].message
    kwright = actor_for(demo_db, "kwright")
    values = {"pricing_agreement": "PA-1", "invoicing_portal": "none", "invoicing_po": "no",
              "invoicing_pod": "yes", "edi_210": "no", "remittance_path": "check",
              "contacts": "Dana Roe, AP", "credit_limit": "5000"}  # fmt: skip
    for task in TASKS:
        onboarding.tick_task(demo_db, kwright, "N777", task.key, values.get(task.key), on=ON)
    after = preaudit(demo_db, since=date(2026, 11, 1)).rows
    assert not [r for r in after if r.rule == "invoiced_before_onboarding"]
    # what the checklist captured is used: POD required, and none on file for these pros
    assert sorted(
        r.pro for r in after if r.rule == "pod_missing_required" and r.pro.startswith("NW")
    ) == ["NW1", "NW2"]


def test_a_books_first_import_makes_no_checklists(empty_db: Database, tmp_path: Path) -> None:
    import_invoices(empty_db, register(tmp_path / "r.csv", "C1", "P1"), on=ON, actor=NIGHTLY)
    import_invoices(empty_db, register(tmp_path / "s.csv", "C2", "P2"), on=ON, actor=NIGHTLY)
    with empty_db.session() as s:
        accounts = s.scalars(
            select(Account.number).join(OnboardingChecklist, OnboardingChecklist.account_id == Account.id)
        ).all()  # fmt: skip
    assert accounts == ["C2"]
