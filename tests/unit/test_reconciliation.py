"""Every remittance reconciles: bank_amount = applied + unapplied + adjustments + variance.

The expected totals are computed in the test from the file's own BPR, RMR and ADX elements
(`edi_cases.expected_820`, which splits the file by hand), never from arbench's reading; the
database is checked too: the cash rows of the batch add up to the bank amount, every ADX is an
item carrying its amount, reason and references, and a refused file writes nothing.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.unit.test_imports import dump

from arbench.domain.catalogue import CASH_KINDS
from arbench.services.base import actor_for
from arbench.services.intake.aliases import add_alias, list_aliases
from arbench.services.intake.imports import import_invoices
from arbench.services.intake.remittance import RemittanceSummary, apply_remittance
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, Issue, Payment, Pro
from edi_cases import RETAILER_DUNS, expected_820, retailer_820, segments, version_3010_820
from helpers import NIGHTLY

ON = date(2026, 11, 24)
TOTALS = ("applied", "unapplied", "adjustments", "variance")


def book_references(db: Database) -> set[str]:
    """Every PRO and invoice number on file, upper case (how a line finds its pro)."""
    with db.session() as s:
        rows = s.execute(select(Pro.pro, Pro.invoice_number)).all()
    return {v.upper() for row in rows for v in row if v}


def some_account(db: Database, offset: int = 0) -> Account:
    with db.session() as s:
        return s.scalars(select(Account).order_by(Account.id).offset(offset).limit(1)).one()


def cash_rows(db: Database, batch_id: int | None) -> list[Payment]:
    with db.session() as s:
        rows = s.scalars(select(Payment).where(Payment.batch_id == batch_id)).all()
    return [r for r in rows if r.kind in CASH_KINDS]


def assert_reconciles(
    db: Database, summary: RemittanceSummary, text: str, on_file: set[str]
) -> None:
    """The summary's totals are the file's own sums (`on_file`: the references that match a
    pro before the file is applied), and the batch's cash rows add up to BPR02."""
    assert summary.ok, summary.errors
    expected = {k: Decimal(0) for k in (*TOTALS, "bank_amount")}
    for one in expected_820(text):
        for key, value in one.totals(on_file).items():
            expected[key] += value
    got = {k: getattr(summary, k) for k in (*TOTALS, "bank_amount")}
    assert got == expected
    assert sum((got[k] for k in TOTALS), Decimal(0)) == got["bank_amount"]
    rows = cash_rows(db, summary.batch_id)
    assert sum((r.amount for r in rows), Decimal(0)) == expected["bank_amount"]
    per_account = {a["account_number"]: a for a in summary.accounts}
    for key in TOTALS:
        assert sum((Decimal(a[key]) for a in per_account.values()), Decimal(0)) == got[key]


# --- the real 820s in ../shared/data/edi ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "lenient"),
    [("820_Example2_ScanaEnergy.txt", False), ("820_Example6_padded_control_numbers.txt", True)],
)
def test_every_real_820_reconciles_to_the_cent(
    demo_db: Database, shared_data: Path, name: str, lenient: bool
) -> None:
    path = shared_data / "edi" / name
    text = path.read_text(encoding="utf-8-sig")
    on_file = book_references(demo_db)
    payer = some_account(demo_db)
    summary = apply_remittance(
        demo_db, path, on=ON, lenient=lenient, account=payer.number, actor=NIGHTLY
    )
    assert_reconciles(demo_db, summary, text, on_file)
    (one,) = expected_820(text)
    variance = one.bank - sum((p for _, p in one.lines), Decimal(0))
    assert variance != 0  # both files' lines disagree with their BPR02
    with demo_db.session() as s:
        mismatch = s.scalars(
            select(Issue).where(Issue.account_id == payer.id, Issue.type == "remittance_mismatch")
        ).one()
    assert mismatch.amount == abs(variance) and mismatch.level == "account"
    assert f"{abs(variance):,.2f}" in _timeline(demo_db, mismatch.id)
    # the payer's name, the only identifier these files carry, is now an alias of the account
    names = [(a.kind, a.value) for a in list_aliases(demo_db, payer.number)]
    payer_name = next(e[2] for e in segments(text) if e[0] == "N1" and e[1] == "PR")
    assert names == [("name", payer_name)]


def test_the_padded_820_is_refused_in_strict_mode_with_both_problems(
    demo_db: Database, shared_data: Path
) -> None:
    before = dump(demo_db)
    path = shared_data / "edi/820_Example6_padded_control_numbers.txt"
    summary = apply_remittance(
        demo_db, path, on=ON, account=some_account(demo_db).number, actor=NIGHTLY
    )
    assert [(e["row"], e["column"]) for e in summary.errors] == [(2, "GS"), (17, "SE")]
    assert "version 001010 is not supported" in summary.errors[0]["message"]
    assert "only as a number" in summary.errors[1]["message"]
    assert dump(demo_db) == before


def test_the_template_is_refused_with_every_placeholder_and_writes_nothing(
    demo_db: Database, shared_data: Path
) -> None:
    before = dump(demo_db)
    path = shared_data / "edi/820_Example3_HomeDepot_template.txt"
    words = {e for s in segments(path.read_text(encoding="utf-8-sig")) for e in s
             if any(w in e for w in ("AMOUNT", "AMT", "CCYYMMDD", "(Group"))}  # fmt: skip
    for lenient in (False, True):
        summary = apply_remittance(demo_db, path, on=ON, lenient=lenient, actor=NIGHTLY)
        assert {e["value"].strip() for e in summary.errors} == {w.strip() for w in words}
    assert dump(demo_db) == before


def test_an_unsupported_version_is_named(demo_db: Database, tmp_path: Path) -> None:
    before = dump(demo_db)
    path = tmp_path / "old.820"
    path.write_text(version_3010_820())
    for lenient in (False, True):
        summary = apply_remittance(demo_db, path, on=ON, lenient=lenient, actor=NIGHTLY)
        (error,) = summary.errors
        assert error["message"] == (
            "GS08 version 003010 is not supported; arbench reads 004010 and 005010"
        )
        assert (error["row"], error["column"]) == (2, "GS")
    assert dump(demo_db) == before


# --- a retailer's 820, written from the X12 rules ---------------------------------------------


def _pick(db: Database) -> dict[str, Pro]:
    with db.session() as s:
        pros = s.scalars(
            select(Pro).where(Pro.status == "open", Pro.open_balance > 200,
                              Pro.invoice_number.is_not(None)).order_by(Pro.id).limit(4)
        ).all()  # fmt: skip
    return dict(zip(("full", "short", "addition", "by_invoice"), pros, strict=True))


def _credit_memo(db: Database, tmp_path: Path, account: Account) -> Pro:
    """A credit memo on file (a pro with a negative balance), imported from a register."""
    path = tmp_path / "credit.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["PRO", "Account", "Amount", "Invoice Date"])
        writer.writerow(["CM-77120", account.number, "-150.00", "2026-11-01"])
    assert import_invoices(db, path, on=ON, actor=NIGHTLY).ok
    with db.session() as s:
        return s.scalars(select(Pro).where(Pro.pro == "CM-77120")).one()


def _retailer(db: Database, tmp_path: Path) -> tuple[Path, str, dict[str, Pro], Account]:
    pros = _pick(db)
    payer = some_account(db, 3)
    pros["credit"] = _credit_memo(db, tmp_path, payer)
    roles = {k: (p.invoice_number if k == "by_invoice" else p.pro, p.open_balance)
             for k, p in pros.items()}  # fmt: skip
    text = retailer_820(roles)  # type: ignore[arg-type]
    path = tmp_path / "megamart.820"
    path.write_text(text)
    return path, text, pros, payer


def test_a_payer_known_only_by_its_duns_is_asked_for_and_nothing_is_applied(
    demo_db: Database, tmp_path: Path
) -> None:
    path, _, _, _ = _retailer(demo_db, tmp_path)
    before = dump(demo_db)
    summary = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    (error,) = summary.errors
    assert error["row"] == 9 and error["column"] == "N1"  # ISA 1, GS 2, ST 3, BPR 4 ... N1*PR 9
    assert f"D-U-N-S (N103 1) {RETAILER_DUNS}" in error["message"]
    assert "'MEGAMART STORES INC'" in error["message"] and "--account" in error["message"]
    assert summary.payers == [{"role": "N1*PR", "name": "MEGAMART STORES INC", "qualifier": "1",
                               "id": RETAILER_DUNS, "segment": 9, "account_number": None}]  # fmt: skip
    assert dump(demo_db) == before


def test_a_retailer_820_reconciles_and_every_adx_is_an_item(
    demo_db: Database, tmp_path: Path
) -> None:
    path, text, pros, payer = _retailer(demo_db, tmp_path)
    supervisor = actor_for(demo_db, "kwright")
    add_alias(demo_db, supervisor, payer.number, "duns", RETAILER_DUNS)
    on_file = book_references(demo_db)
    balances = {k: p.open_balance for k, p in pros.items()}
    summary = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    assert_reconciles(demo_db, summary, text, on_file)
    (one,) = expected_820(text)
    assert summary.adjustments == sum((a for a, _, _ in one.group_adx), Decimal(0)) < 0
    # per account, computed from the file: lines on the pros' accounts, the rest on the payer
    accounts = _accounts(demo_db, pros, payer)
    expected: dict[str, dict[str, Decimal]] = {}
    for reference, paid in one.lines:
        number, bucket = accounts.get(reference.upper(), (payer.number, "unapplied"))
        _add(expected, number, bucket, paid)
    for amount, _, refs in one.group_adx:
        target = next((accounts[r.split(" ", 1)[1].upper()][0] for r in refs
                       if r.split(" ", 1)[1].upper() in accounts), payer.number)  # fmt: skip
        _add(expected, target, "adjustments", amount)
    got = {a["account_number"]: {k: Decimal(a[k]) for k in TOTALS} for a in summary.accounts}
    assert got == {n: {k: v.get(k, Decimal(0)) for k in TOTALS} for n, v in expected.items()}
    _every_adx_is_an_item(demo_db, summary, one)
    with demo_db.session() as s:
        after = {k: s.get(Pro, p.id) for k, p in pros.items()}
        rows = s.scalars(select(Payment).where(Payment.batch_id == summary.batch_id)).all()
    # every cent that moved a pro's balance is a dated row on that pro (what KPIs and aging sum)
    for key, pro in pros.items():
        moved = sum((r.amount for r in rows if r.pro_id == pro.id), Decimal(0))
        assert balances[key] - after[key].open_balance == moved, key  # type: ignore[union-attr]
    assert all(r.received_on == date(2026, 11, 20) for r in rows)  # BPR16, the effective date
    assert after["full"].status == "closed" and after["credit"].status == "closed"  # type: ignore[union-attr]
    assert after["short"].open_balance == Decimal(40)  # type: ignore[union-attr]
    assert after["addition"].open_balance == balances["addition"] - 75  # type: ignore[union-attr]
    assert after["by_invoice"].status == "closed"  # type: ignore[union-attr]


def _accounts(db: Database, pros: dict[str, Pro], payer: Account) -> dict[str, tuple[str, str]]:
    with db.session() as s:
        number = {a.id: a.number for a in s.scalars(select(Account))}
    found = {}
    for key, pro in pros.items():
        found[pro.pro.upper()] = (number[pro.account_id], "applied")
        if key == "by_invoice" and pro.invoice_number:
            found[pro.invoice_number.upper()] = (number[pro.account_id], "applied")
    return found


def _add(table: dict[str, dict[str, Decimal]], number: str, bucket: str, amount: Decimal) -> None:
    row = table.setdefault(number, {})
    row[bucket] = row.get(bucket, Decimal(0)) + amount


def _every_adx_is_an_item(db: Database, summary: RemittanceSummary, one: Any) -> None:
    adx = [*one.group_adx, *one.line_adx]
    assert len(summary.adjustment_items) == len(adx) == 5
    with db.session() as s:
        for (amount, code, refs), item in zip(
            sorted(adx, key=lambda a: a[0]), sorted(summary.adjustment_items,
                                                    key=lambda i: Decimal(i["amount"])), strict=True
        ):  # fmt: skip
            issue = s.get(Issue, item["issue_id"])
            assert issue is not None and issue.status == "open"
            assert (Decimal(item["amount"]), issue.amount, issue.reason_code) == (
                amount,
                abs(amount),
                code,
            )
            for reference in refs:
                assert reference in (issue.reference or ""), (reference, issue.reference)
        group_items = [i for i in summary.adjustment_items if i["level"] == "group"]
        assert {i["issue_type"] for i in group_items if i["pro"] is None} == {
            "unidentified_deduction"
        }
        assert [i["issue_type"] for i in group_items if i["pro"]] == ["duplicate_payment"]


def test_applying_the_same_file_again_is_refused_and_writes_nothing(
    demo_db: Database, tmp_path: Path
) -> None:
    path, _, _, payer = _retailer(demo_db, tmp_path)
    first = apply_remittance(demo_db, path, on=ON, account=payer.number, actor=NIGHTLY)
    assert first.ok and first.aliases_learned == [
        {"account_number": payer.number, "kind": "duns", "value": RETAILER_DUNS},
        {"account_number": payer.number, "kind": "name", "value": "MEGAMART STORES INC"},
    ]
    before = dump(demo_db)
    again = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    (error,) = again.errors
    assert "already applied" in error["message"] and f"batch {first.batch_id}" in error["message"]
    assert dump(demo_db) == before
    with demo_db.session() as s:
        learnt = s.scalars(select(AuditEvent).where(AuditEvent.action == "alias.add")).all()
    assert [e.after["value"] for e in learnt] == [RETAILER_DUNS, "MEGAMART STORES INC"]  # type: ignore[index]


def test_an_account_contradicting_the_alias_is_refused(demo_db: Database, tmp_path: Path) -> None:
    path, _, _, payer = _retailer(demo_db, tmp_path)
    add_alias(demo_db, actor_for(demo_db, "kwright"), payer.number, "duns", RETAILER_DUNS)
    before = dump(demo_db)
    other = some_account(demo_db, 7)
    summary = apply_remittance(demo_db, path, on=ON, account=other.number, actor=NIGHTLY)
    assert (
        f"is account {payer.number}; --account {other.number} contradicts it"
        in summary.errors[0]["message"]
    )
    assert dump(demo_db) == before


def test_a_file_in_another_currency_than_its_account_is_refused(
    demo_db: Database, tmp_path: Path
) -> None:
    path, text, _, payer = _retailer(demo_db, tmp_path)
    path.write_text(text.replace("CUR*PR*USD", "CUR*PR*CAD"))
    before = dump(demo_db)
    summary = apply_remittance(demo_db, path, on=ON, account=payer.number, actor=NIGHTLY)
    (error,) = summary.errors
    assert error["message"].startswith("the file is in CAD (CUR02); account ")
    assert error["message"].endswith("is in USD")
    assert dump(demo_db) == before


def test_a_dry_run_shows_the_totals_and_writes_nothing(demo_db: Database, tmp_path: Path) -> None:
    path, _, _, payer = _retailer(demo_db, tmp_path)
    before = dump(demo_db)
    preview = apply_remittance(
        demo_db, path, on=ON, account=payer.number, dry_run=True, actor=NIGHTLY
    )
    assert preview.ok and preview.dry_run and preview.batch_id is None and preview.balanced
    assert dump(demo_db) == before
    applied = apply_remittance(demo_db, path, on=ON, account=payer.number, actor=NIGHTLY)
    keys = (*TOTALS, "bank_amount", "issues_opened", "adjustment_items")
    assert {k: getattr(preview, k) for k in keys if k != "adjustment_items"} == {
        k: getattr(applied, k) for k in keys if k != "adjustment_items"}  # fmt: skip


# --- spreadsheets state their total ---------------------------------------------------------------


def _csv(path: Path, rows: list[list[Any]], headers: list[str]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def test_a_csv_total_row_is_the_bank_amount_and_its_gap_a_variance(
    demo_db: Database, tmp_path: Path
) -> None:
    full, short, *_ = _pick(demo_db).values()
    rows = [[full.pro, full.open_balance], [short.pro, "100.00"], ["TOTAL", "1000000.00"]]
    path = _csv(tmp_path / "r.csv", rows, ["PRO", "Paid"])
    before = dump(demo_db)
    refused = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    assert "needs the paying account" in refused.errors[0]["message"]
    assert dump(demo_db) == before
    payer = some_account(demo_db)
    summary = apply_remittance(demo_db, path, on=ON, account=payer.number, actor=NIGHTLY)
    assert summary.ok, summary.errors
    lines = full.open_balance + Decimal("100.00")
    assert (summary.bank_amount, summary.bank_source) == (Decimal("1000000.00"), "total row 4")
    assert (summary.applied, summary.unapplied, summary.adjustments) == (lines, 0, 0)
    assert summary.variance == Decimal("1000000.00") - lines
    assert sum((r.amount for r in cash_rows(demo_db, summary.batch_id)), Decimal(0)) == Decimal(
        "1000000.00"
    )


def test_a_csv_payment_total_column_counts_each_check_once(
    demo_db: Database, tmp_path: Path
) -> None:
    full, short, *_ = _pick(demo_db).values()
    rows = [[full.pro, "10.00", "CHK1", "30.00"], [short.pro, "20.00", "CHK1", "30.00"],
            ["NO-SUCH", "5.00", "CHK2", "5.00"]]  # fmt: skip
    path = _csv(tmp_path / "r.csv", rows, ["PRO", "Paid", "Check Number", "Check Amount"])
    payer = some_account(demo_db)
    summary = apply_remittance(demo_db, path, on=ON, account=payer.number, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert (summary.bank_amount, summary.bank_source) == (
        Decimal("35.00"),
        "the payment total column",
    )
    assert (summary.applied, summary.unapplied, summary.variance) == (
        Decimal(30),
        Decimal(5),
        Decimal(0),
    )
    rows[1][3] = "31.00"
    bad = apply_remittance(demo_db, _csv(tmp_path / "b.csv", rows, ["PRO", "Paid", "Check Number",
                                                                    "Check Amount"]), on=ON, actor=NIGHTLY)  # fmt: skip
    assert (
        bad.errors[0]["row"] == 3
        and "payment total of payment 'CHK1' is 30.00" in bad.errors[0]["message"]
    )


# --- discounts from the account's terms -------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "percent", "days", "paid_after", "earned"),
    [
        ("2/10 NET 30", None, None, 9, True),  # inside the window
        ("2/10 NET 30", None, None, 11, False),  # a day late
        (None, Decimal("1.5"), 15, 14, True),  # the discount columns, 1.5 % in 15 days
        ("NET 30", None, None, 2, False),  # the terms allow no discount
    ],
)
def test_discounts_are_judged_against_the_accounts_terms(
    demo_db: Database, tmp_path: Path, terms: str | None, percent: Decimal | None,
    days: int | None, paid_after: int, earned: bool,
) -> None:  # fmt: skip
    pro = _pick(demo_db)["full"]
    with demo_db.session() as s:
        account = s.get(Account, pro.account_id)
        assert account is not None
        account.payment_terms, account.discount_percent, account.discount_days = (
            terms,
            percent,
            days,
        )
        invoiced = s.get(Pro, pro.id).invoice_date  # type: ignore[union-attr]
    assert invoiced is not None
    rate = percent if percent is not None else Decimal(2)
    discount = (pro.open_balance * rate / 100).quantize(Decimal("0.01"))
    paid_on = date.fromordinal(invoiced.toordinal() + paid_after)
    rows = [[pro.pro, pro.open_balance - discount, pro.open_balance, discount, paid_on.isoformat()]]
    path = _csv(
        tmp_path / "d.csv", rows, ["PRO", "Paid", "Invoice Amount", "Discount", "Payment Date"]
    )
    summary = apply_remittance(demo_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok, summary.errors
    with demo_db.session() as s:
        closed = s.get(Pro, pro.id)
        unearned = s.scalar(select(func.count()).select_from(Issue).where(
            Issue.pro_id == pro.id, Issue.type == "unearned_discount"))  # fmt: skip
    assert closed is not None
    if earned:
        assert (summary.discounts_earned, summary.unearned_discounts) == (discount, 0)
        assert closed.status == "closed" and closed.open_balance == 0 and unearned == 0
    else:
        assert (summary.discounts_earned, summary.unearned_discounts) == (0, 1)
        assert closed.open_balance == discount and unearned == 1


def _timeline(db: Database, issue_id: int) -> str:
    from arbench.store.models import Activity

    with db.session() as s:
        return " ".join(s.scalars(select(Activity.text).where(Activity.issue_id == issue_id)))


# --- the worked example of docs/data-in-and-out.md is true ----------------------------------


def test_the_documented_worked_example_adds_up_as_the_docs_say(
    empty_db: Database, tmp_path: Path
) -> None:
    from edi_cases import envelope

    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-in-and-out.md").read_text()
    block = docs.split("**Worked example.**", 1)[1].split("```", 2)[1]
    body = [line.split("  ", 1)[0].strip() for line in block.splitlines() if line.strip()]
    register = _csv(tmp_path / "book.csv", [
        ["PRO1001", "C100", "3000.00", "2026-10-01"], ["PRO1002", "C100", "500.00", "2026-10-01"],
        ["PRO1003", "C100", "400.00", "2026-10-01"], ["CM-77120", "C100", "-150.00", "2026-10-01"],
    ], ["PRO", "Account", "Amount", "Invoice Date"])  # fmt: skip
    assert import_invoices(empty_db, register, on=ON, actor=NIGHTLY).ok
    text = envelope("820", body)
    path = tmp_path / "worked.820"
    path.write_text(text)
    summary = apply_remittance(empty_db, path, on=ON, account="C100", actor=NIGHTLY)
    assert_reconciles(empty_db, summary, text, {"PRO1001", "PRO1002", "PRO1003", "CM-77120"})
    stated = {"applied": "3310.00", "unapplied": "250.00", "adjustments": "-1125.00",
              "variance": "65.00", "bank_amount": "2500.00"}  # fmt: skip
    assert {k: str(getattr(summary, k)) for k in stated} == stated
    assert [(i["issue_type"], i["pro"]) for i in summary.adjustment_items] == [
        ("short_pay", "PRO1002"), ("unidentified_deduction", None), ("duplicate_payment", "PRO1003")]  # fmt: skip
    with empty_db.session() as s:
        mismatch = s.scalars(select(Issue).where(Issue.type == "remittance_mismatch")).one()
    note = _timeline(empty_db, mismatch.id).split(" (worked.820)")[0]
    assert f'"{note}"' in " ".join(docs.split())  # the docs quote the item's note word for word
