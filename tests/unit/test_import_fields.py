"""Register fields a bookkeeper's export has: paid dates, disputes, customer terms, currency,
columns to ignore, and real-world values (third decimals, leading zeros, float ids).

Each test writes its own small register, imports it into a real SQLite book and checks what
landed against the file's own values.
"""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from arbench.services.intake.imports import import_invoices
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, Issue, Payment, Pro
from helpers import NIGHTLY

ON = date(2026, 3, 31)


def register(path: Path, headers: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(headers)
        out.writerows(rows)
    return path


def pro_row(db: Database, number: str) -> Pro:
    with db.session() as s:
        found = s.scalar(select(Pro).where(Pro.pro == number))
        assert found is not None
        return found


def movements(db: Database, number: str) -> list[tuple[str, Decimal, date]]:
    with db.session() as s:
        rows = s.execute(
            select(Payment.kind, Payment.amount, Payment.received_on)
            .join(Pro, Pro.id == Payment.pro_id)
            .where(Pro.pro == number)
            .order_by(Payment.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def issues(db: Database, number: str) -> list[tuple[str, str, str | None, Decimal | None]]:
    with db.session() as s:
        rows = s.execute(
            select(Issue.type, Issue.status, Issue.root_cause, Issue.amount)
            .join(Pro, Pro.id == Issue.pro_id)
            .where(Pro.pro == number)
            .order_by(Issue.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


HEAD = ["PRO", "Account", "Invoice Date", "Due Date", "Amount", "Open Balance", "Paid Date",
        "Disputed"]  # fmt: skip


def test_a_paid_date_closes_the_pro_with_a_payment_on_that_day(
    empty_db: Database, tmp_path: Path
) -> None:
    path = register(tmp_path / "r.csv", HEAD, [
        ["P1", "A1", "2026-01-05", "2026-02-04", "250.00", "250.00", "2026-02-10", ""],
        ["P2", "A1", "2026-01-06", "2026-02-05", "80.00", "80.00", "", ""],
    ])  # fmt: skip
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok and summary.created == 2 and summary.issues_opened == 1
    paid = pro_row(empty_db, "P1")
    assert (paid.status, paid.open_balance, paid.closed_on) == ("closed", 0, date(2026, 2, 10))
    assert movements(empty_db, "P1") == [("payment", Decimal("250.00"), date(2026, 2, 10))]
    assert movements(empty_db, "P2") == [] and issues(empty_db, "P1") == []
    # the same pro already open in the book: paid later, closed on the paid date
    again = register(tmp_path / "s.csv", HEAD, [
        ["P2", "A1", "2026-01-06", "2026-02-05", "80.00", "80.00", "2026-03-20", ""],
    ])  # fmt: skip
    predicted = import_invoices(empty_db, again, on=ON, dry_run=True, actor=NIGHTLY)
    summary = import_invoices(empty_db, again, on=ON, actor=NIGHTLY)
    assert (predicted.closed, predicted.issues_resolved, predicted.movements) == (1, 1, 1)
    assert (summary.closed, summary.issues_resolved, summary.movements) == (1, 1, 1)
    assert pro_row(empty_db, "P2").closed_on == date(2026, 3, 20)
    assert movements(empty_db, "P2") == [("payment", Decimal("80.00"), date(2026, 3, 20))]
    assert issues(empty_db, "P2")[0][:2] == ("past_due", "resolved")


@pytest.mark.parametrize("flag", ["yes", "Y", "true", "1", "TRUE"])
def test_a_disputed_row_opens_a_dispute_with_its_cause_to_set(
    empty_db: Database, tmp_path: Path, flag: str
) -> None:
    path = register(tmp_path / "r.csv", HEAD, [
        ["P1", "A1", "2026-01-05", "2026-02-04", "250.00", "200.00", "", flag],
        ["P2", "A1", "2026-01-06", "2026-02-05", "80.00", "80.00", "", "no"],
    ])  # fmt: skip
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.disputes_opened == 1 and summary.issues_opened == 2
    assert issues(empty_db, "P1") == [("customer_dispute", "open", None, Decimal("200.00"))]
    assert issues(empty_db, "P2") == [("past_due", "open", None, None)]


def test_a_pro_flagged_disputed_later_turns_its_past_due_item_into_a_dispute(
    empty_db: Database, tmp_path: Path
) -> None:
    rows = [["P1", "A1", "2026-01-05", "2026-02-04", "250.00", "250.00", "", "N"]]
    import_invoices(empty_db, register(tmp_path / "a.csv", HEAD, rows), on=ON, actor=NIGHTLY)
    rows[0][-1] = "Y"
    later = register(tmp_path / "b.csv", HEAD, rows)
    assert import_invoices(empty_db, later, on=ON, dry_run=True, actor=NIGHTLY).disputes_opened == 1
    assert import_invoices(empty_db, later, on=ON, actor=NIGHTLY).disputes_opened == 1
    assert issues(empty_db, "P1") == [("customer_dispute", "open", None, Decimal("250.00"))]


TERMS_HEAD = ["PRO", "Customer Number", "Invoice Date", "Amount", "Payment Terms"]


def test_customer_terms_are_stored_on_the_account_and_set_due_dates(
    empty_db: Database, tmp_path: Path
) -> None:
    path = register(tmp_path / "t.csv", TERMS_HEAD, [
        ["P1", "A1", "2026-01-05", "100.00", "2/10 NET 30"],
        ["P2", "A1", "2026-02-01", "100.00", "2/10 NET 45"],  # the latest row's terms win
        ["P3", "A2", "2026-01-05", "100.00", "NAA8"],  # a customer's own code: kept as text
        ["P4", "A3", "2026-01-05", "100.00", "Net 60"],
    ])  # fmt: skip
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok and summary.mapping["Payment Terms"] == "payment_terms"
    with empty_db.session() as s:
        found = {
            a.number: (a.payment_terms, a.discount_percent, a.discount_days, a.payment_terms_days)
            for a in s.scalars(select(Account))
        }
    assert found == {
        "A1": ("2/10 NET 45", Decimal("2.000"), 10, 45),
        "A2": ("NAA8", None, None, 30),
        "A3": ("Net 60", None, None, 60),
    }
    due = {p: pro_row(empty_db, p).due_date for p in ("P1", "P2", "P3", "P4")}
    assert due == {"P1": date(2026, 2, 4), "P2": date(2026, 3, 18), "P3": date(2026, 2, 4),
                   "P4": date(2026, 3, 6)}  # fmt: skip
    changed = register(
        tmp_path / "u.csv", TERMS_HEAD, [["P3", "A2", "2026-01-05", "100.00", "NET 15"]]
    )
    assert import_invoices(empty_db, changed, on=ON, actor=NIGHTLY).accounts_updated == 1
    with empty_db.session() as s:
        a2 = s.scalar(select(Account).where(Account.number == "A2"))
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "account.terms"))
    assert a2 is not None and (a2.payment_terms, a2.payment_terms_days) == ("NET 15", 15)
    assert (
        event is not None and event.before is not None and event.before["payment_terms"] == "NAA8"
    )


CURRENCY_HEAD = ["PRO", "Account", "Invoice Date", "Amount", "Currency"]


def test_one_currency_per_account(empty_db: Database, tmp_path: Path) -> None:
    mixed = register(tmp_path / "m.csv", CURRENCY_HEAD, [
        ["P1", "A1", "2026-01-05", "10.00", "USD"],
        ["P2", "A2", "2026-01-05", "10.00", "cad"],
        ["P3", "A1", "2026-01-06", "10.00", "CAD"],
    ])  # fmt: skip
    summary = import_invoices(empty_db, mixed, on=ON, actor=NIGHTLY)
    assert [(e["row"], e["column"], e["value"]) for e in summary.errors] == [(4, "Currency", "CAD")]
    assert "account A1 is in USD on row 2" in summary.errors[0]["message"]
    good = register(tmp_path / "g.csv", CURRENCY_HEAD, [
        ["P1", "A1", "2026-01-05", "10.00", "USD"],
        ["P2", "A2", "2026-01-05", "10.00", "cad"],
    ])  # fmt: skip
    assert import_invoices(empty_db, good, on=ON, actor=NIGHTLY).ok
    with empty_db.session() as s:
        assert dict(s.execute(select(Account.number, Account.currency)).all()) == {
            "A1": "USD", "A2": "CAD"}  # fmt: skip
    other = register(tmp_path / "o.csv", CURRENCY_HEAD, [["P9", "A2", "2026-01-05", "5.00", "USD"]])
    refused = import_invoices(empty_db, other, on=ON, actor=NIGHTLY)
    assert [e["row"] for e in refused.errors] == [2]
    assert "account A2 is kept in CAD in the book" in refused.errors[0]["message"]
    with empty_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Pro)) == 2


def test_ignore_unused_columns_and_guesses_that_do_not_fit(
    empty_db: Database, tmp_path: Path
) -> None:
    headers = ["PRO", "Account", "Invoice Date", "Amount", "Terms", "Class", "Region", "Notes"]
    path = register(tmp_path / "r.csv", headers, [
        ["P1", "A1", "2026-01-05", "10.00", "NET30", "LTL", "East", "call"],
        ["P2", "A1", "2026-01-05", "10.00", "NET30", "70", "East", ""],
        ["P3", "A1", "2026-01-05", "10.00", "2/10 NET 30", "TL", "West", ""],
    ])  # fmt: skip
    summary = import_invoices(empty_db, path, on=ON, dry_run=True, actor=NIGHTLY)
    assert summary.ok, summary.errors
    # "Terms" holds customer terms, not prepaid/collect: read as payment terms; "Class" fails in
    # 2 of 3 rows: left unmapped, and said so
    assert summary.mapping["Terms"] == "payment_terms" and "Class" not in summary.mapping
    assert [(g["column"], g["field"], g["failed"], g["rows"], g["mapped_to"])
            for g in summary.rejected_guesses] == [
        ("Terms", "terms", 3, 3, "payment_terms"), ("Class", "freight_class", 2, 3, None)]  # fmt: skip
    assert summary.unused_columns == ["Class", "Region", "Notes"]
    ignored = import_invoices(empty_db, path, on=ON, overrides={"Terms": "ignore"}, actor=NIGHTLY)
    assert ignored.ok and ignored.unused_columns == ["Terms", "Class", "Region", "Notes"]
    with empty_db.session() as s:
        assert s.scalar(select(Account.payment_terms)) is None


def test_amounts_with_a_third_decimal_are_rounded_half_even_and_counted(
    empty_db: Database, tmp_path: Path
) -> None:
    path = register(tmp_path / "r.csv", ["PRO", "Account", "Invoice Date", "Amount", "Balance"], [
        ["P1", "A1", "2026-01-05", "10.125", "10.125"],  # one row, two amounts: counted once
        ["P2", "A1", "2026-01-05", "10.135", ""],
        ["P3", "A1", "2026-01-05", "(7.005)", ""],
        ["P4", "A1", "2026-01-05", "12.50", ""],
    ])  # fmt: skip
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok and summary.rounded_amounts == 3
    amounts = {p: pro_row(empty_db, p).amount for p in ("P1", "P2", "P3", "P4")}
    assert amounts == {"P1": Decimal("10.12"), "P2": Decimal("10.14"), "P3": Decimal("-7.00"),
                       "P4": Decimal("12.50")}  # fmt: skip


def test_leading_zeros_reported_then_merged(empty_db: Database, tmp_path: Path) -> None:
    headers = ["PRO", "cust_number", "Invoice Date", "Amount"]
    path = register(tmp_path / "r.csv", headers, [
        ["P1", "0200769623", "2026-01-05", "10.00"],
        ["P2", "200769623", "2026-01-05", "10.00"],
        ["P3", "0042", "2026-01-05", "10.00"],
        ["P4", "42", "2026-01-05", "10.00"],
        ["P5", "A7", "2026-01-05", "10.00"],
    ])  # fmt: skip
    plain = import_invoices(empty_db, path, on=ON, dry_run=True, actor=NIGHTLY)
    assert plain.leading_zero_duplicates == [["0042", "42"], ["0200769623", "200769623"]]
    assert plain.accounts_created == 5 and not plain.leading_zeros_merged
    merged = import_invoices(empty_db, path, on=ON, merge_leading_zeros=True, actor=NIGHTLY)
    assert merged.accounts_created == 3 and merged.leading_zeros_merged
    with empty_db.session() as s:
        numbers = dict(s.execute(select(Pro.pro, Account.number).join(Account)).all())
    assert numbers == {"P1": "0200769623", "P2": "0200769623", "P3": "0042", "P4": "0042",
                       "P5": "A7"}  # fmt: skip
    # a later file naming the other form joins the book's account
    later = register(tmp_path / "s.csv", headers, [["P6", "200769623", "2026-02-05", "5.00"]])
    summary = import_invoices(empty_db, later, on=ON, merge_leading_zeros=True, actor=NIGHTLY)
    assert summary.accounts_created == 0 and summary.leading_zero_duplicates == [
        ["0200769623", "200769623"]]  # fmt: skip
    assert pro_row(empty_db, "P6").account_id == pro_row(empty_db, "P1").account_id


def test_float_ids_and_numeric_compact_dates(empty_db: Database, tmp_path: Path) -> None:
    headers = ["invoice_id", "cust_number", "posting_date", "due_in_date", "total_open_amount"]
    path = register(tmp_path / "r.csv", headers, [
        ["1930438491.0", "0200769623", "2020-01-26", "20200210.0", "54273.28"],
        ["1930438492.0", "CCU001", "2020-01-27", "20200211.0", "100.00"],
    ])  # fmt: skip
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert any("PRO is taken from 'invoice_id'" in note for note in summary.notes)
    pro = pro_row(empty_db, "1930438491")
    assert (pro.invoice_number, pro.due_date, pro.amount) == (
        "1930438491", date(2020, 2, 10), Decimal("54273.28"))  # fmt: skip


def test_map_ignore_on_the_command_line(empty_db: Database, tmp_path: Path, capsys: Any) -> None:
    from helpers import run_cli

    path = register(tmp_path / "r.csv", ["PRO", "Account", "Invoice Date", "Amount", "Terms"],
                    [["P1", "A1", "2026-01-05", "10.00", "PP"]])  # fmt: skip
    url = empty_db.engine.url.render_as_string(hide_password=False)
    assert run_cli(capsys, "--db", url, "init", "--supervisor", "boss", "--name", "Boss")[0] == 0
    code, out, _ = run_cli(capsys, "--db", url, "--as", "boss", "import", "invoices", str(path),
                           "--map", "Terms=ignore", "--dry-run")  # fmt: skip
    assert code == 0 and "columns not imported: Terms" in out
    code, _, err = run_cli(capsys, "--db", url, "--as", "boss", "import", "invoices", str(path),
                           "--map", "Terms=none")  # fmt: skip
    assert code == 2 and "unknown field 'none'" in err and "ignore" in err


def test_a_pro_that_comes_back_after_close_missing_is_worked_again(
    empty_db: Database, tmp_path: Path
) -> None:
    """Closed as absent, then back on the register: its item reopens for the account's
    collector (worklist), search finds it, and every dry run predicts the real run."""
    from arbench.services.base import actor_for
    from arbench.services.organization.assignments import assign_accounts
    from arbench.services.organization.users import add_user, create_first_supervisor
    from arbench.services.work.search import search_open_items
    from arbench.services.work.worklist import worklist

    create_first_supervisor(empty_db, "kwright", "Kim Wright")
    boss = actor_for(empty_db, "kwright")
    add_user(empty_db, boss, "agarcia", "Ana Garcia", "collector")
    rows = [[f"P{i}", "A1", "2026-01-05", "2026-02-04", "100.00", "100.00", "", ""]
            for i in range(1, 6)]  # fmt: skip
    full = register(tmp_path / "full.csv", HEAD, rows)
    import_invoices(empty_db, full, on=date(2026, 3, 1), actor=NIGHTLY)
    assign_accounts(empty_db, boss, ["A1"], "agarcia")
    short = register(tmp_path / "short.csv", HEAD, rows[:3])

    def both(path: Path, on: date, **options: Any) -> Any:
        predicted = import_invoices(
            empty_db, path, on=on, dry_run=True, **options, actor=NIGHTLY
        ).to_json()
        done = import_invoices(empty_db, path, on=on, **options, actor=NIGHTLY).to_json()
        counts = [k for k, v in done.items() if type(v) is int and k != "batch_id"]
        assert {k: predicted[k] for k in counts} == {k: done[k] for k in counts}
        return done

    closed = both(short, date(2026, 3, 10), close_missing=True)
    assert (closed["closed"], closed["issues_resolved"], closed["movements"]) == (2, 2, 2)
    assert not search_open_items(empty_db, "P5", date(2026, 3, 10))
    back = both(full, date(2026, 3, 12))
    assert (back["updated"], back["issues_reopened"], back["movements"]) == (2, 2, 2)
    assert movements(empty_db, "P5") == [("register", Decimal("100.00"), date(2026, 3, 10)),
                                         ("register", Decimal("-100.00"), date(2026, 3, 12))]  # fmt: skip
    on_list = {item.pro for item in worklist(empty_db, "agarcia", date(2026, 3, 12))}
    assert {"P4", "P5"} <= on_list
    assert [item.pro for item in search_open_items(empty_db, "P5", date(2026, 3, 12))] == ["P5"]
    with empty_db.session() as s:
        reopened = s.scalar(select(Issue).join(Pro, Pro.id == Issue.pro_id).where(Pro.pro == "P5"))
    assert reopened is not None and (reopened.status, reopened.reopen_count) == ("open", 1)
    assert pro_row(empty_db, "P5").status == "open"
