"""One truth: at any date D the KPIs' aging, the exported aging and the open balances agree.

A small book goes through every import path, one step a few days apart: create (open,
partly paid, zero-balance, paid-dated, disputed, credit, due-date-only and CAD rows), update
(lower balances, a rebill), zero balances, paid dates, close-missing, the absent pros coming
back (reopen) and a remittance. After each step, for every day of the story so far, three
figures are compared per currency and bucket, to the cent:

- the aging in `arbench kpis --to D --format json` (by_currency),
- the totals of `arbench export aging --on D` (the "By account" sheet, per Currency column),
- a model kept by this test from the files themselves: each file sets a pro's balance from
  its import day (from its paid date when it has one), close-missing sets zero on the import
  day, a remittance lowers it on its payment date; the balance as of D is the last one set on
  or before D, for pros invoiced (else due) by D, aged by due date (else invoice date).

Each step's dry run must also predict exactly the counts the real run reports. The same story
runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from arbench.domain.kpi_financial import aging_bucket
from arbench.store.db import Database
from helpers import run_cli

D = date
HEADERS = ["PRO", "Account", "Customer", "Invoice Date", "Due Date", "Amount", "Open Balance",
           "Paid Date", "Disputed", "Payment Terms", "Currency"]  # fmt: skip
ZERO = Decimal(0)


@dataclass
class Pro:
    account: str
    currency: str
    invoiced: date | None
    due: date
    amount: Decimal
    history: list[tuple[date, Decimal]] = field(default_factory=list)  # (from day, balance)

    def owed(self, day: date) -> Decimal:
        if (self.invoiced or self.due) > day:
            return ZERO
        found = [balance for start, balance in self.history if start <= day]
        return found[-1] if found else self.amount


class Model:
    """The book as the files tell it, kept independently of arbench."""

    def __init__(self) -> None:
        self.pros: dict[str, Pro] = {}

    def aging(self, day: date) -> dict[tuple[str, str], Decimal]:
        totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for pro in self.pros.values():
            owed = pro.owed(day)
            if owed:
                totals[(pro.currency, aging_bucket(pro.due or pro.invoiced, day))] += owed
        return {k: v for k, v in totals.items() if v}

    def row(self, pro: str, on: date, balance: Decimal, paid: date | None = None) -> None:
        self.pros[pro].history.append((paid or on, ZERO if paid else balance))
        self.pros[pro].history.sort(key=lambda item: item[0])


def money(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


# PRO, account, invoice date, due date, amount as written, open balance, paid, disputed, terms, currency
CREATE = [
    ("P01", "A1", D(2026, 1, 5), D(2026, 2, 4), "100.00", "100.00", None, "N", "", "USD"),
    ("P02", "A1", D(2026, 1, 10), D(2026, 2, 9), "200.00", "150.00", None, "", "", "USD"),
    ("P03", "A2", D(2026, 1, 15), None, "300.00", "300.00", None, "no", "NET 45", "USD"),
    ("P04", "A2", D(2026, 1, 20), D(2026, 2, 19), "50.00", "0", None, "", "NET 45", "USD"),
    ("P05", "A3", D(2026, 1, 25), D(2026, 2, 24), "75.50", "75.50", D(2026, 2, 20), "", "", "USD"),
    ("P06", "A3", D(2026, 2, 1), D(2026, 3, 3), "120.00", "120.00", None, "Y", "", "USD"),
    ("P07", "A4", D(2026, 2, 5), D(2026, 3, 7), "410.125", "", None, "", "2/10 NET 30", "CAD"),
    ("P08", "A4", D(2026, 2, 10), D(2026, 3, 12), "-40.00", "-40.00", None, "", "", "CAD"),
    ("P09", "A1", None, D(2026, 2, 28), "60.00", "60.00", None, "", "", "USD"),
    ("P10", "A2", D(2026, 2, 15), D(2026, 3, 17), "90.00", "90.00", None, "", "NET 45", "USD"),
    ("P11", "A3", D(2026, 2, 18), D(2026, 3, 20), "500.00", "500.00", None, "", "", "USD"),
    ("P12", "A1", D(2026, 2, 20), D(2026, 3, 22), "33.00", "33.00", None, "", "", "USD"),
]  # fmt: skip


def write(path: Path, rows: list[tuple[Any, ...]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for pro, account, invoiced, due, amount, balance, paid, disputed, terms, currency in rows:
            out.writerow([pro, account, f"Customer {account}", invoiced or "", due or "", amount,
                          balance, paid or "", disputed, terms, currency])  # fmt: skip
    return path


class Story:
    def __init__(self, url: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.url, self.tmp, self.capsys = url, tmp, capsys
        self.model = Model()
        self.days: list[date] = [D(2026, 1, 31), D(2026, 2, 15), D(2026, 2, 28)]
        self.step = 0
        self.amounts: dict[str, str] = {}  # amounts rebilled since CREATE
        self.cli("init", "--supervisor", "boss", "--name", "The Supervisor")

    def cli(self, *args: str) -> str:
        acting = () if args[0] == "init" else ("--as", "boss")
        code, out, err = run_cli(self.capsys, "--db", self.url, *acting, *args)
        assert code == 0, err
        return out

    def rows_now(self, pros: list[str], **balances: str) -> list[tuple[Any, ...]]:
        """Rows for `pros` as CREATE states them, with the given open balances."""
        found = {row[0]: row for row in CREATE}
        return [(*found[p][:4], self.amounts.get(p, found[p][4]), balances.get(p, found[p][5]),
                 *found[p][6:]) for p in pros]  # fmt: skip

    def import_file(self, on: date, rows: list[tuple[Any, ...]], *extra: str) -> dict[str, Any]:
        self.step += 1
        path = write(self.tmp / f"step{self.step}.csv", rows)
        args = ("import", "invoices", str(path), "--on", on.isoformat(), "--format", "json", *extra)
        predicted = json.loads(self.cli(*args, "--dry-run"))
        done = json.loads(self.cli(*args))
        counts = [k for k, v in done.items() if type(v) is int and k != "batch_id"]
        assert {k: predicted[k] for k in counts} == {k: done[k] for k in counts}
        self.days += [on - timedelta(days=1), on]
        return done

    def check(self) -> None:
        for day in sorted(set(self.days)):
            expected = self.model.aging(day)
            assert self.kpis(day) == expected, day
            assert self.export(day) == expected, day

    def kpis(self, day: date) -> dict[tuple[str, str], Decimal]:
        report = json.loads(self.cli("kpis", "--to", day.isoformat(), "--format", "json"))
        return {
            (currency, bucket): money(str(amount))
            for currency, figures in report["by_currency"].items()
            for bucket, amount in figures["aging"].items()
            if amount
        }

    def export(self, day: date) -> dict[tuple[str, str], Decimal]:
        path = self.tmp / f"aging-{day}.xlsx"
        self.cli("export", "aging", "--on", day.isoformat(), "--out", str(path))
        sheet = load_workbook(path)["By account"]
        header = [c.value for c in sheet[4]]
        assert header[4:9] == ["current", "1-30", "31-60", "61-90", "91+"]
        assert header[10] == "Currency"
        totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for row in sheet.iter_rows(min_row=5, values_only=True):
            for bucket, amount in zip(header[4:9], row[4:9], strict=True):
                totals[(row[10], bucket)] += money(str(amount))
        return {k: v for k, v in totals.items() if v}


def run_story(url: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = Story(url, tmp, capsys)
    m = story.model
    # 1. create
    done = story.import_file(D(2026, 3, 1), list(CREATE))
    assert done["rounded_amounts"] == 1 and done["disputes_opened"] == 1
    for pro, account, invoiced, due, amount, balance, paid, _, _, currency in CREATE:
        value = money(amount)
        if due is None:  # NET 45 from the invoice date
            due = invoiced + timedelta(days=45)
        m.pros[pro] = Pro(account, currency, invoiced, due, value, [])
        m.row(pro, D(2026, 3, 1), money(balance) if balance else value, paid)
    story.check()
    # 2. update: lower balances and a rebill (amount and balance up)
    on = D(2026, 3, 5)
    story.amounts["P10"] = "95.00"
    rows = story.rows_now([r[0] for r in CREATE], P01="60.00", P10="95.00", P11="450.00")
    done = story.import_file(on, rows)
    assert done["updated"] == 3
    m.pros["P10"].amount = Decimal("95.00")
    for pro, balance in (("P01", "60.00"), ("P10", "95.00"), ("P11", "450.00")):
        m.row(pro, on, Decimal(balance))
    m.pros["P10"].history = [(D(2026, 3, 5), Decimal("95.00"))]  # a rebill restates the bill
    story.check()
    # 3. zero balances
    on = D(2026, 3, 8)
    rows = story.rows_now(["P02", "P12"], P02="0", P12="0.00")
    done = story.import_file(on, rows)
    assert done["closed"] == 2
    m.row("P02", on, ZERO)
    m.row("P12", on, ZERO)
    story.check()
    # 4. paid dates
    on = D(2026, 3, 12)
    rows = [(*r[:6], D(2026, 3, 10) if r[0] == "P01" else D(2026, 3, 11), *r[7:])
            for r in story.rows_now(["P01", "P06"], P01="60.00")]  # fmt: skip
    done = story.import_file(on, rows)
    assert done["closed"] == 2 and done["movements"] == 2
    m.row("P01", on, ZERO, D(2026, 3, 10))
    m.row("P06", on, ZERO, D(2026, 3, 11))
    story.check()
    # 5. close-missing: a full register without P03 and P11
    on = D(2026, 3, 15)
    listed = ["P07", "P08", "P09", "P10"]
    done = story.import_file(on, story.rows_now(listed, P10="95.00"), "--close-missing")
    assert done["absent"] == 2 and done["issues_resolved"] == 2
    m.row("P03", on, ZERO)
    m.row("P11", on, ZERO)
    story.check()
    # 6. reopen: the absent pros come back with a balance
    on = D(2026, 3, 18)
    done = story.import_file(on, story.rows_now(["P03", "P11"], P11="450.00"))
    assert done["issues_reopened"] == 2 and done["updated"] == 2
    m.row("P03", on, Decimal("300.00"))
    m.row("P11", on, Decimal("450.00"))
    story.check()
    found = json.loads(story.cli("search", "P11", "--on", on.isoformat(), "--format", "json"))
    assert [item["pro"] for item in found] == ["P11"]
    # 7. a remittance: P10 paid in full on 03-19, P09 in part on 03-20
    path = tmp / "remit.csv"
    path.write_text("PRO,Paid,Payment Date\nP10,95.00,2026-03-19\nP09,20.00,2026-03-20\n")
    story.cli("import", "remittance", str(path), "--on", "2026-03-20")
    m.row("P10", D(2026, 3, 19), ZERO)
    m.row("P09", D(2026, 3, 20), Decimal("40.00"))
    story.days += [D(2026, 3, 19), D(2026, 3, 20), D(2026, 4, 30)]
    story.check()


def db_url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def test_one_truth_on_sqlite(
    empty_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_story(db_url(empty_db), tmp_path, capsys)


def test_one_truth_on_postgresql(
    pg_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_story(db_url(pg_db), tmp_path, capsys)
