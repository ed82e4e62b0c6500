"""Cash application from CSV and 820 remittances, checked against the demo book."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from tests.unit.test_imports import dump

from arbench.services.base import SYSTEM
from arbench.services.intake.remittance import apply_remittance
from arbench.services.intake.remittance_items import root_cause_for
from arbench.services.work.item_inputs import PromiseToPay
from arbench.services.work.items import record_promise
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Payment, Pro, Promise
from helpers import NIGHTLY

ON = date(2026, 11, 24)
HEADERS = ["PRO", "Paid", "Invoice Amount", "Discount", "Reason Code", "Check Number",
           "Payment Date", "Account"]  # fmt: skip


def write(path: Path, rows: list[list[Any]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def open_pros(db: Database, count: int) -> list[Pro]:
    """Open pros with a positive balance, invoiced long ago (no discount earned), and an issue."""
    with db.session() as s:
        return list(
            s.scalars(
                select(Pro)
                .join(Issue, Issue.pro_id == Pro.id)
                .where(Pro.status == "open", Pro.open_balance > 100, Issue.type == "past_due",
                       Issue.status == "open", Pro.invoice_date < date(2026, 10, 1))
                .order_by(Pro.id)
                .limit(count)
            )
        )  # fmt: skip


def issues_on(db: Database, pro_id: int) -> list[Issue]:
    with db.session() as s:
        return list(s.scalars(select(Issue).where(Issue.pro_id == pro_id).order_by(Issue.id)))


def test_payments_short_pays_overpayments_and_unapplied_cash(
    demo_db: Database, tmp_path: Path
) -> None:
    full, short, over, by_invoice = open_pros(demo_db, 4)
    with demo_db.session() as s:
        closed = s.scalars(select(Pro).where(Pro.status == "closed").limit(1)).one()
        account = s.scalars(select(Account).order_by(Account.id).limit(1)).one()
    rows = [
        [full.pro, full.open_balance, "", "", "", "CHK9", "2026-11-20", ""],
        [
            short.pro,
            short.open_balance - 40,
            short.open_balance,
            "",
            "22",
            "CHK9",
            "2026-11-20",
            "",
        ],
        [over.pro, over.open_balance + 15, "", "", "", "CHK9", "2026-11-20", ""],
        [by_invoice.invoice_number, "10.00", "", "", "", "CHK9", "2026-11-20", ""],
        [closed.pro, "55.00", "", "", "", "CHK9", "2026-11-20", ""],
        ["NO-SUCH-PRO", "77.00", "", "", "", "CHK9", "2026-11-20", account.number],
        ["ALSO-UNKNOWN", "12.00", "", "", "", "CHK9", "2026-11-20", ""],
    ]
    path = write(tmp_path / "r.csv", rows)
    before = dump(demo_db)
    refused = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)  # ALSO-UNKNOWN names no account
    (error,) = refused.errors
    assert (error["row"], error["value"]) == (8, "ALSO-UNKNOWN")
    assert "names no account" in error["message"] and dump(demo_db) == before
    summary = apply_remittance(demo_db, path, on=ON, account=account.number, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert summary.payments_applied == 4
    expected = full.open_balance + short.open_balance - 40 + over.open_balance + 15 + 10
    assert summary.applied == expected + 55  # the payment on the closed pro is applied to it too
    assert summary.bank_amount == summary.applied + Decimal("89.00")  # the sum of the paid cells
    assert (summary.short_pays, summary.short_paid_amount) == (1, Decimal("40.00"))
    assert (summary.overpayments, summary.duplicate_payments) == (1, 1)
    assert (summary.unapplied, summary.unapplied_lines) == (Decimal("89.00"), 2)
    assert (summary.adjustments, summary.variance) == (0, 0)
    assert summary.pros_closed == 1
    # the paid pro is closed and its past-due issue resolved
    assert [(i.type, i.status, i.resolution_code) for i in issues_on(demo_db, full.id)] == [
        ("past_due", "resolved", "paid_in_full")]  # fmt: skip
    # the short pay turned the pro's past-due issue into a short pay with the reason and cause
    (issue,) = issues_on(demo_db, short.id)
    assert (issue.type, issue.amount, issue.reason_code, issue.root_cause) == (
        "short_pay", Decimal("40.00"), "22", "inspection_correction")  # fmt: skip
    over_issues = {i.type: i for i in issues_on(demo_db, over.id)}
    assert over_issues["duplicate_payment"].amount == Decimal("15.00")
    with demo_db.session() as s:
        assert s.get(Pro, over.id).open_balance == Decimal("-15.00")  # type: ignore[union-attr]
        assert s.get(Pro, by_invoice.id).open_balance == by_invoice.open_balance - 10  # type: ignore[union-attr]
        dup = s.scalar(
            select(Issue).where(Issue.pro_id == closed.id, Issue.type == "duplicate_payment")
        )
        unapplied = s.scalar(
            select(Issue).where(Issue.account_id == account.id, Issue.type == "unapplied_cash",
                                Issue.status == "open"))  # fmt: skip
        parked = s.scalars(
            select(Payment.amount).where(Payment.account_id == account.id, Payment.kind == "unapplied",
                                         Payment.batch_id == summary.batch_id)
        ).all()  # fmt: skip
    assert dup is not None and dup.amount == Decimal("55.00")
    assert (
        unapplied is not None
        and unapplied.level == "account"
        and unapplied.amount >= Decimal("77.00")
    )
    assert sorted(parked) == [Decimal("12.00"), Decimal("77.00")]


def test_the_same_remittance_is_never_applied_twice(demo_db: Database, tmp_path: Path) -> None:
    (pro,) = open_pros(demo_db, 1)
    path = write(tmp_path / "r.csv", [[pro.pro, "5.00", "", "", "", "", "2026-11-20", ""]])
    assert apply_remittance(demo_db, path, on=ON, actor=NIGHTLY).ok
    before = dump(demo_db)
    again = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    assert not again.ok and "already applied" in again.errors[0]["message"]
    assert dump(demo_db) == before


def test_bad_remittances_write_nothing(
    demo_db: Database, tmp_path: Path, shared_data: Path
) -> None:
    before = dump(demo_db)
    bad = write(tmp_path / "bad.csv", [["P1", "NET AMOUNT PAID", "", "", "", "", "", ""]])
    for path in (bad, shared_data / "edi/820_Example3_HomeDepot_template.txt"):
        summary = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
        assert not summary.ok and summary.errors[0]["row"] > 0
    assert dump(demo_db) == before


def test_discounts_inside_and_outside_terms(demo_db: Database, tmp_path: Path) -> None:
    (late,) = open_pros(demo_db, 1)
    rows = [
        [late.pro, late.open_balance - 20, late.open_balance, "20.00", "", "", "2026-11-20", ""]
    ]
    summary = apply_remittance(demo_db, write(tmp_path / "d.csv", rows), on=ON, actor=NIGHTLY)
    # the demo's accounts state no discount terms: no discount is earned, however prompt
    assert summary.unearned_discounts == 1 and summary.short_pays == 0
    types = {i.type: i for i in issues_on(demo_db, late.id)}
    assert types["unearned_discount"].amount == Decimal("20.00")
    with demo_db.session() as s:
        assert s.get(Pro, late.id).open_balance == Decimal("20.00")  # type: ignore[union-attr]


def test_a_payment_keeps_the_promise(demo_db: Database, tmp_path: Path) -> None:
    (pro,) = open_pros(demo_db, 1)
    (issue,) = issues_on(demo_db, pro.id)
    record_promise(demo_db, SYSTEM, issue.id, issue.version,
                   PromiseToPay(pro.open_balance, date(2026, 11, 28)), on=date(2026, 11, 18))  # fmt: skip
    rows = [[pro.pro, pro.open_balance, "", "", "", "ACH1", "2026-11-21", ""]]
    summary = apply_remittance(demo_db, write(tmp_path / "p.csv", rows), on=ON, actor=NIGHTLY)
    assert summary.promises_kept == 1
    with demo_db.session() as s:
        promise = s.scalars(select(Promise).where(Promise.issue_id == issue.id)).one()
    assert (promise.status, promise.settled_on) == ("kept", date(2026, 11, 21))


def _x12(body: list[str]) -> str:
    isa = "ISA*00*          *00*          *ZZ*PAYER          *ZZ*CARRIER        *261120*1200*U*00401*000000007*0*P*>"
    sets = ["ST*820*0001", *body, f"SE*{len(body) + 2}*0001"]
    return (
        "~\n".join([isa, "GS*RA*P*C*20261120*1200*7*X*004010", *sets, "GE*1*7", "IEA*1*000000007"])
        + "~\n"
    )


def test_an_820_applies_lines_adjustments_and_group_deductions(
    demo_db: Database, tmp_path: Path
) -> None:
    first, second = open_pros(demo_db, 2)
    with demo_db.session() as s:
        payer = s.scalar(select(Account.number).where(Account.id == first.account_id))
    paid = first.open_balance - 50
    body = [
        f"BPR*C*{paid + second.open_balance - 25}*C*ACH*CTX*01*011000015*DA*12345*1234567890**01*021000021*DA*99887*20261120",
        "TRN*1*ACH0042*1234567890",
        f"N1*PR*PAYER*91*{payer}",
        "ENT*1",
        "ADX*-25*54*CN*CLAIM77",
        f"RMR*IV*{first.pro}**{paid}*{first.open_balance}*0",
        f"ADX*-50*23*IV*{first.pro}",
        f"RMR*IV*{second.pro}**{second.open_balance}*{second.open_balance}",
    ]  # fmt: skip
    path = tmp_path / "ach.820"
    path.write_text(_x12(body))
    summary = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert (summary.kind, summary.payments_applied, summary.short_pays) == ("820", 2, 1)
    assert summary.adjustments == Decimal("-25") and summary.variance == 0
    assert summary.bank_amount == paid + second.open_balance - 25
    (issue,) = issues_on(demo_db, first.id)
    assert (issue.type, issue.reason_code, issue.root_cause) == (
        "short_pay",
        "23",
        "accessorial_not_requested",
    )
    with demo_db.session() as s:
        deduction = s.scalar(
            select(Issue).where(Issue.type == "unidentified_deduction", Issue.account_id == first.account_id))  # fmt: skip
        methods = set(s.scalars(select(Payment.method).where(Payment.batch_id == summary.batch_id)))
        count = s.scalar(
            select(func.count()).select_from(Payment).where(Payment.batch_id == summary.batch_id)
        )
    assert deduction is not None and deduction.amount == Decimal("25.00")
    assert deduction.reason_code == "54" and deduction.reference == "CN CLAIM77"
    assert methods == {"ACH"} and count == 3  # two payments and the group deduction


def test_reason_codes_map_to_pro_level_root_causes() -> None:
    assert root_cause_for("22") == "inspection_correction"
    assert root_cause_for("19") == "invoice_sent_twice"
    assert root_cause_for("ZZ") is None and root_cause_for(None) is None
