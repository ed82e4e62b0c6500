"""The root-cause report's figures equal the database's rows, summed here with plain SQL and
Python: counts, money at stake and tied up, days outstanding and minutes per cause, per group
(lane, charge code, customer), per month; the recurrence after a cause fixed at account level;
department staff see only their departments; the workbook holds the same figures."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from arbench.domain.catalogue import ROOT_CAUSES
from arbench.domain.rootcause import Totals, months, pareto, verdict, windows
from arbench.services.base import PermissionDenied, actor_for
from arbench.services.reporting.rootcauses import RootCauseQuery, monthly_pack, rootcause_report
from arbench.services.work import items
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import ContactLog
from arbench.services.work.worklist import worklist
from arbench.store.db import Database
from arbench.store.models import Issue

ON = date(2026, 11, 24)
START = date(2026, 6, 1)
DEFAULTS = {"call": 10, "email": 6, "note": 3}  # minutes a contact counts when none entered
OPEN = ("open", "waiting", "pending_approval")


def _file(db: Database) -> str:
    return db.url.removeprefix("sqlite:///")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def facts(db: Database, start: date, end: date) -> list[dict[str, Any]]:
    """Every item of the period with what the report sums, computed from the raw rows."""
    conn = sqlite3.connect(_file(db))
    minutes: dict[int, int] = defaultdict(int)
    for issue_id, kind, entered in conn.execute(
        "SELECT issue_id, kind, minutes FROM activities WHERE issue_id IS NOT NULL "
        "AND kind IN ('call', 'email', 'note')"
    ):
        minutes[issue_id] += entered if entered is not None else DEFAULTS[kind]
    codes: dict[int, set[str]] = defaultdict(set)
    for pro_id, code in conn.execute(
        "SELECT pro_id, code FROM charge_lines WHERE kind = 'accessorial' AND code IS NOT NULL"
    ):
        codes[pro_id].add(code)
    out = []
    for row in conn.execute(
        "SELECT i.id, i.root_cause, i.status, i.amount, i.opened_on, i.resolved_on, p.id, "
        "p.amount, p.open_balance, p.origin, p.destination, a.number, a.name FROM issues i "
        "JOIN accounts a ON a.id = i.account_id LEFT JOIN pros p ON p.id = i.pro_id "
        "WHERE i.root_cause IS NOT NULL"
    ):
        (iid, cause, status, amount, opened, resolved, pro_id, billed, balance, origin,
         destination, number, name) = row  # fmt: skip
        opened_on, resolved_on = _day(opened), _day(resolved)
        assert opened_on is not None
        if not start <= opened_on <= end:
            continue
        until = resolved_on if resolved_on is not None and resolved_on <= end else end
        stake = amount if amount is not None else (billed if billed is not None else 0)
        tied = (balance if pro_id is not None else (amount or 0)) if status in OPEN else 0
        out.append({
            "id": iid, "cause": cause, "cents": stake, "open_cents": tied,
            "days": (until - opened_on).days, "minutes": minutes[iid],
            "month": opened_on.strftime("%Y-%m"), "customer": f"{number} {name}",
            "lane": f"{origin or '?'} → {destination or '?'}" if pro_id else "(account-level)",
            "charges": (sorted(codes[pro_id]) or ["(none)"]) if pro_id else ["(account-level)"],
        })  # fmt: skip
    conn.close()
    return out


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def sums(rows: list[dict[str, Any]], key: Any) -> dict[Any, tuple[int, Decimal, Decimal, int, int]]:
    out: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for r in rows:
        for k in key(r):
            t = out[k]
            t[0] += 1
            t[1] += r["cents"]
            t[2] += r["open_cents"]
            t[3] += r["days"]
            t[4] += r["minutes"]
    return {k: (n, _money(c), _money(o), d, m) for k, (n, c, o, d, m) in out.items()}


def _as_tuple(t: Totals) -> tuple[int, Decimal, Decimal, int, int]:
    return (t.count, t.amount, t.open_amount, t.days, t.minutes)


@pytest.fixture
def logged(demo_db: Database) -> Database:
    """A few contacts with minutes entered, and one without (the default counts)."""
    me = actor_for(demo_db, "agarcia")
    for item, minutes in zip(
        [i for i in worklist(demo_db, "agarcia", ON) if i.root_cause][:3],
        (25, 40, None),
        strict=True,
    ):
        version = item_detail(demo_db, item.id).version
        items.log_contact(demo_db, me, item.id, version,
                          ContactLog("call", "Went through the rates", minutes=minutes), on=ON)  # fmt: skip
    return demo_db


def test_cause_totals_equal_the_rows(logged: Database) -> None:
    report = rootcause_report(logged, RootCauseQuery(START, ON))
    expected = sums(facts(logged, START, ON), lambda r: [r["cause"]])
    assert {c.code: _as_tuple(c.totals) for c in report.causes} == expected
    counts = [c.totals.count for c in report.causes]
    assert counts == sorted(counts, reverse=True)  # Pareto: biggest first
    assert report.causes[-1].cumulative == Decimal("100.0")
    assert sum(c.totals.minutes for c in report.causes) == sum(v[4] for v in expected.values())
    first = report.causes[0]
    assert first.share == (Decimal(first.totals.count) * 100 / sum(counts)).quantize(Decimal("0.1"))


@pytest.mark.parametrize("by", ["lane", "charge", "customer", "month"])
def test_groups_equal_the_rows(demo_db: Database, by: str) -> None:
    report = rootcause_report(demo_db, RootCauseQuery(START, ON, by=by))
    key = {
        "lane": lambda r: [(r["cause"], r["lane"])],
        "charge": lambda r: [(r["cause"], c) for c in r["charges"]],
        "customer": lambda r: [(r["cause"], r["customer"])],
        "month": lambda r: [(r["cause"], r["month"])],
    }[by]
    expected = sums(facts(demo_db, START, ON), key)
    assert {(g.code, g.group): _as_tuple(g.totals) for g in report.groups} == expected


def test_the_trend_counts_items_per_cause_and_month(demo_db: Database) -> None:
    report = rootcause_report(demo_db, RootCauseQuery(START, ON))
    by_month = Counter((r["cause"], r["month"]) for r in facts(demo_db, START, ON))
    assert list(report.months) == months(START, ON) == [f"2026-{m:02d}" for m in range(6, 12)]
    for cause, series in report.trend.items():
        assert series == [by_month[(cause, m)] for m in report.months]
    assert set(report.trend) == {c for c, _ in by_month}


def test_a_cause_fixed_at_account_level_is_followed(demo_db: Database) -> None:
    signals = {c.code for c in ROOT_CAUSES.values() if c.promotes_to == "pricing_agreement"}
    conn = sqlite3.connect(_file(demo_db))
    account_id, _ = conn.execute(
        "SELECT account_id, count(*) FROM issues WHERE level = 'pro' AND root_cause IN "
        f"({','.join('?' * len(signals))}) GROUP BY account_id ORDER BY count(*) DESC LIMIT 1",
        sorted(signals),
    ).fetchone()
    fixed_on = date(2026, 9, 15)
    with demo_db.session() as s:
        s.add(Issue(level="account", type="pricing_agreement", root_cause="agreement_not_loaded",
                    status="resolved", account_id=account_id, opened_on=fixed_on - timedelta(days=20),
                    resolved_on=fixed_on, root_cause_fixed=True, resolution_code="agreement_fixed",
                    created_at=datetime(2026, 8, 26), updated_at=datetime(2026, 9, 15)))  # fmt: skip
    span = (ON - fixed_on).days

    def opened(first: date, last: date) -> int:
        return int(conn.execute(
            "SELECT count(*) FROM issues WHERE account_id = ? AND level = 'pro' AND root_cause IN "
            f"({','.join('?' * len(signals))}) AND opened_on BETWEEN ? AND ?",
            [account_id, *sorted(signals), first.isoformat(), last.isoformat()],
        ).fetchone()[0])  # fmt: skip

    before = opened(fixed_on - timedelta(days=span), fixed_on - timedelta(days=1))
    after = opened(fixed_on + timedelta(days=1), ON)
    conn.close()
    report = rootcause_report(demo_db, RootCauseQuery(START, ON))
    [line] = [r for r in report.recurrence if r.root_cause == "agreement_not_loaded"]
    assert (line.fixed_on, line.before, line.after) == (fixed_on, before, after)
    assert set(line.signals) == signals
    assert line.verdict == (
        "stopped" if after == 0 else "fewer" if after < before else "not stopped"
    )


def test_department_staff_see_their_departments_causes_only(demo_db: Database) -> None:
    pshah = actor_for(demo_db, "pshah")
    mine = rootcause_report(demo_db, RootCauseQuery(START, ON), pshah)
    pricing = {"accessorial_not_requested", "rate_keyed_wrong", "agreement_not_loaded",
               "fuel_table_wrong"}  # fmt: skip
    assert mine.causes and {c.code for c in mine.causes} <= pricing
    expected = sums([r for r in facts(demo_db, START, ON) if r["cause"] in pricing],
                    lambda r: [r["cause"]])  # fmt: skip
    assert {c.code: _as_tuple(c.totals) for c in mine.causes} == expected
    with pytest.raises(PermissionDenied, match="cannot see claims's root causes"):
        rootcause_report(demo_db, RootCauseQuery(START, ON, "claims"), pshah)


def test_the_workbook_and_pdf_hold_the_report(demo_db: Database, tmp_path: Path) -> None:
    from arbench.io.rootcause_export import write_rootcause_workbook
    from arbench.io.rootcause_pdf import write_rootcause_pdf

    report = rootcause_report(demo_db, RootCauseQuery(START, ON, by="shipper"))
    book = load_workbook(write_rootcause_workbook(report, tmp_path / "rc.xlsx"))
    sheet = book["Root causes"]
    header = [c.value for c in sheet[1]]
    counted = {row[1]: (row[header.index("Items")], Decimal(str(row[header.index("Money at stake")])))
               for row in sheet.iter_rows(min_row=2, values_only=True)}  # fmt: skip
    expected = sums(facts(demo_db, START, ON), lambda r: [r["cause"]])
    assert counted == {cause: (v[0], v[1]) for cause, v in expected.items()}
    assert "By shipper" in book.sheetnames and "Fixed causes" in book.sheetnames
    pdf = write_rootcause_pdf(report, tmp_path / "rc.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 2000


def test_the_monthly_pack_has_each_leads_report(demo_db: Database, tmp_path: Path) -> None:
    files = monthly_pack(demo_db, actor_for(demo_db, "kwright"), "2026-10", tmp_path)
    names = sorted(f.path.name for f in files)
    departments = ("billing", "claims", "management", "operations", "pricing", "sales")
    assert names == sorted(
        f"rootcauses-{d}-2026-10.{x}" for d in departments for x in ("pdf", "xlsx")
    )
    assert {f.department: f.lead for f in files} == {
        None: None, "operations": "oruiz", "pricing": "pshah", "billing": "qwilson",
        "sales": "rtanaka", "claims": "rtanaka",
    }  # fmt: skip
    october = facts(demo_db, date(2026, 10, 1), date(2026, 10, 31))
    sheet = load_workbook(tmp_path / "rootcauses-management-2026-10.xlsx")["Root causes"]
    assert sum(row[5] for row in sheet.iter_rows(min_row=2, values_only=True)) == len(october)


def test_pareto_windows_and_verdicts() -> None:
    rows = pareto({"a": Totals(1, Decimal(5)), "b": Totals(3, Decimal(1)), "c": Totals(1)})
    assert [(r.cause, r.share, r.cumulative) for r in rows] == [
        ("b", Decimal("60.0"), Decimal("60.0")), ("a", Decimal("20.0"), Decimal("80.0")),
        ("c", Decimal("20.0"), Decimal("100.0")),
    ]  # fmt: skip
    by_money = pareto({"a": Totals(1, Decimal(5)), "b": Totals(3, Decimal(1))}, "amount")
    assert [r.cause for r in by_money] == ["a", "b"]
    w = windows(date(2026, 9, 15), date(2026, 9, 25))
    assert (w.before_start, w.before_end, w.after_start, w.after_end) == (
        date(2026, 9, 5), date(2026, 9, 14), date(2026, 9, 16), date(2026, 9, 25))  # fmt: skip
    assert [verdict(3, 0), verdict(3, 1), verdict(1, 2)] == ["stopped", "fewer", "not stopped"]
    assert months(date(2025, 11, 20), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
