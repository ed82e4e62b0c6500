"""KPIs from the database, on a small book whose every number is worked out by hand below.

Period: October 2026 (31 days). Two collectors: ann holds account A1, bob holds A2.

Pros (billed unless said; payments dated):
  P1 A1 invoiced 09-10 due 10-10  1,000.00, 400.00 paid 10-20 -> 600 open, 21 days late: 1-30
  P2 A1 invoiced 10-05 due 11-04    500.00                    -> 500 current
  P3 A2 invoiced 07-01 due 07-31    300.00                    -> 92 days late (31+30+31): 91+
  P4 A2 invoiced 10-15 due 11-14    200.00, paid 10-25        -> 0
  P6 A1 draft, invoiced 10-20       999.00                    -> not a receivable, not a sale
  P7 A2 invoiced 11-05               50.00                    -> after the period
Team at 10-31: current 500, 1-30 600, 91+ 300; total 1,400.
Beginning (09-30): P1 1,000 + P3 300 = 1,300. October credit sales: P2 500 + P4 200 = 700.
CEI = (1300 + 700 - 1400) / (1300 + 700 - 500) x 100 = 600 / 1500 = 40.00
DSO countback: Oct sales 700 < 1400 -> 31 days, 700 left; Sep sales 1,000 -> 30 x 700/1000 = 21
  -> 52.00 days. Best possible DSO = 500 / 700 x 31 = 22.142857 -> 22.14; ADD = 29.857 -> 29.86.
ann (A1): current 500, 1-30 600 = 1,100; beginning 1,000; sales 500.
  CEI = (1000 + 500 - 1100) / (1000 + 500 - 500) = 400/1000 = 40.00
  DSO = 31 + 30 x 600/1000 = 49.00; best = 500/500 x 31 = 31.00; ADD = 18.00.

Issues (owner ann unless said; days = resolved - opened):
  I1 short_pay rate_keyed_wrong        09-25 -> 10-05 (10) fixed
  I2 accessorial_dispute acc_not_req   10-01 -> 10-21 (20) not fixed
  I3 past_due (not a dispute)          10-02 -> 10-12      fixed not recorded
  I4 short_pay rate_keyed_wrong        09-01 -> 10-31 (60) fixed, reopened 10-15
  I5 past_due, recurrence, open        opened 10-20
  I6 (bob) short_pay rate_keyed_wrong  10-01 -> 10-09 (8)  fixed
  I7 pod_requested resolved 09-15, reopened 10-03, open
  I8 account pricing_agreement, promoted, agreement_not_loaded 10-10 -> 10-25 (15) fixed
  I9 past_due child of I8, resolved 10-25 resolved_with_account  -> retired
  I10 past_due child of I8, resolved 10-12 on its own            -> linked, not retired
  I11 past_due child of I8, open                                 -> linked
Team: resolved in Oct I1 I2 I3 I4 I6 I8 I9 I10 = 8; fixed I1 I4 I6 I8 = 4 -> 50.00%
  reopen: I4, I7 = 2 of (8 + I7) = 9 -> 22.22%; recurrence: I5 = 1 of 8 -> 12.50%
  disputes: 10, 20, 60, 8, 15 -> count 5, mean 22.6, median 15; rate_keyed_wrong [8, 10, 60]
  mean 26, median 10. Promotions: 1 (I8), 3 pros linked, 1 retired.
ann: resolved I1 I2 I3 I4 I8 I9 I10 = 7, fixed 3 -> 42.86%; reopen 2 of 8 -> 25.00%;
  recurrence 1 of 7 -> 14.29%; disputes 10, 20, 60, 15 -> mean 26.25, median 17.5.

Promises: on I5 kept due 10-10, broken due 10-20, open due 11-05, cancelled due 10-28, open due
10-30; on I6 kept due 10-25. Team 2 kept of 3 settled -> 66.67%; ann 1 of 2 -> 50.00%.

Department requests: R1 I2 operations 10-03 -> 10-08 (5 days); R2 I5 pricing 10-25 open (6
days to 10-31); R3 I6 billing 09-20 -> 10-04 (14); R4 I1 billing 09-01 -> 09-10 (answered
before the period: out); R5 I5 claims cancelled (out).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func

from arbench.domain.kpis import Period
from arbench.services.base import NotFound
from arbench.services.reporting import kpis
from arbench.store.db import Database
from arbench.store.models import (
    Account,
    DepartmentRequest,
    Issue,
    Payment,
    Pro,
    Promise,
    User,
)

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
T0 = datetime(2026, 1, 1)


def d(month: int, day: int) -> date:
    return date(2026, month, day)


def _pros(s, a1: int, a2: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rows = {
        "P1": (a1, d(9, 10), d(10, 10), "1000.00", "billed"),
        "P2": (a1, d(10, 5), d(11, 4), "500.00", "billed"),
        "P3": (a2, d(7, 1), d(7, 31), "300.00", "billed"),
        "P4": (a2, d(10, 15), d(11, 14), "200.00", "billed"),
        "P6": (a1, d(10, 20), d(11, 19), "999.00", "draft"),
        "P7": (a2, d(11, 5), d(12, 5), "50.00", "billed"),
    }
    ids = {}
    for pro, (account, invoiced, due, amount, billing) in rows.items():
        row = Pro(pro=pro, account_id=account, invoice_date=invoiced, due_date=due,
                  amount=Decimal(amount), open_balance=Decimal(amount), billing_status=billing)  # fmt: skip
        s.add(row)
        s.flush()
        ids[pro] = row.id
    for pro, amount, on in (("P1", "400.00", d(10, 20)), ("P4", "200.00", d(10, 25))):
        s.add(Payment(account_id=None, pro_id=ids[pro], kind="payment", amount=Decimal(amount),
                      received_on=on, created_at=T0))  # fmt: skip
    return ids


def _issue(s, account: int, owner: int, type_: str, opened: date, **kw) -> int:  # type: ignore[no-untyped-def]
    level = kw.pop("level", "pro")
    issue = Issue(level=level, type=type_, account_id=account, owner_id=owner, opened_on=opened,
                  created_at=T0, updated_at=T0, status=kw.pop("status", "resolved"), **kw)  # fmt: skip
    s.add(issue)
    s.flush()
    return issue.id


def _issues(s, a1: int, a2: int, ann: int, bob: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    rk, acc = "rate_keyed_wrong", "accessorial_not_requested"
    i = {
        "I1": _issue(s, a1, ann, "short_pay", d(9, 25), root_cause=rk, resolved_on=d(10, 5), root_cause_fixed=True),
        "I2": _issue(s, a1, ann, "accessorial_dispute", d(10, 1), root_cause=acc, resolved_on=d(10, 21), root_cause_fixed=False),
        "I3": _issue(s, a1, ann, "past_due", d(10, 2), root_cause="slow_pay", resolved_on=d(10, 12)),
        "I4": _issue(s, a1, ann, "short_pay", d(9, 1), root_cause=rk, resolved_on=d(10, 31), root_cause_fixed=True, reopened_on=d(10, 15), reopen_count=1),
        "I5": _issue(s, a1, ann, "past_due", d(10, 20), status="open", recurrence=True),
        "I6": _issue(s, a2, bob, "short_pay", d(10, 1), root_cause=rk, resolved_on=d(10, 9), root_cause_fixed=True),
        "I7": _issue(s, a1, ann, "pod_requested", d(9, 1), status="open", reopened_on=d(10, 3), reopen_count=1),
        "I8": _issue(s, a1, ann, "pricing_agreement", d(10, 10), level="account", root_cause="agreement_not_loaded", resolved_on=d(10, 25), root_cause_fixed=True, promoted=True),
    }  # fmt: skip
    i["I9"] = _issue(s, a1, ann, "past_due", d(10, 11), parent_id=i["I8"], resolved_on=d(10, 25),
                     resolution_code="resolved_with_account")  # fmt: skip
    i["I10"] = _issue(s, a1, ann, "past_due", d(10, 11), parent_id=i["I8"], resolved_on=d(10, 12),
                      resolution_code="paid_in_full")  # fmt: skip
    i["I11"] = _issue(s, a1, ann, "past_due", d(10, 11), parent_id=i["I8"], status="open")
    return i


def _promises_and_requests(s, i: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for issue, status, due in (
        ("I5", "kept", d(10, 10)), ("I5", "broken", d(10, 20)), ("I5", "open", d(11, 5)),
        ("I5", "cancelled", d(10, 28)), ("I5", "open", d(10, 30)), ("I6", "kept", d(10, 25)),
    ):  # fmt: skip
        s.add(Promise(issue_id=i[issue], amount=Decimal("100.00"), due_on=due, made_on=d(9, 30),
                      status=status))  # fmt: skip
    for issue, dept, created, answered, status in (
        ("I2", "operations", d(10, 3), d(10, 8), "answered"),
        ("I5", "pricing", d(10, 25), None, "open"),
        ("I6", "billing", d(9, 20), d(10, 4), "answered"),
        ("I1", "billing", d(9, 1), d(9, 10), "answered"),
        ("I5", "claims", d(10, 1), None, "cancelled"),
    ):
        s.add(DepartmentRequest(issue_id=i[issue], department=dept, request="please",
                                due_on=created, created_on=created, answered_on=answered,
                                status=status))  # fmt: skip


@pytest.fixture
def book(empty_db: Database) -> Database:
    with empty_db.session() as s:
        users = [User(login=login, display_name=login.title(), role=role, created_at=T0)
                 for login, role in (("sup", "supervisor"), ("ann", "collector"), ("bob", "collector"))]  # fmt: skip
        s.add_all(users)
        s.flush()
        _, ann, bob = (u.id for u in users)
        a1 = Account(number="A1", name="Alpha Foods", collector_id=ann)
        a2 = Account(number="A2", name="Beta Steel", collector_id=bob)
        s.add_all([a1, a2])
        s.flush()
        _pros(s, a1.id, a2.id)
        _promises_and_requests(s, _issues(s, a1.id, a2.id, ann, bob))
    return empty_db


def test_team_financial_kpis(book: Database) -> None:
    report = kpis.kpi_report(book, OCTOBER).to_json_dict()
    assert report["aging"] == {
        "current": 500.0,
        "1-30": 600.0,
        "31-60": 0.0,
        "61-90": 0.0,
        "91+": 300.0,
    }
    assert report["cei"] == 40.0
    assert report["dso"] == {"days": 52.0, "receivable_covered": True}
    assert report["add"] == {"days": 29.86, "best_possible_dso": 22.14}


def test_collector_financial_kpis(book: Database) -> None:
    report = kpis.kpi_report(book, OCTOBER, "ann").to_json_dict()
    assert report["aging"]["current"] == 500.0 and report["aging"]["1-30"] == 600.0
    assert report["aging"]["91+"] == 0.0
    assert report["cei"] == 40.0
    assert report["dso"]["days"] == 49.0
    assert report["add"] == {"days": 18.0, "best_possible_dso": 31.0}
    assert report["user"] == "ann"


def test_team_quality_kpis(book: Database) -> None:
    r = kpis.kpi_report(book, OCTOBER).to_json_dict()
    assert r["root_cause_fixed_rate"] == {"percent": 50.0, "count": 4, "out_of": 8}
    assert r["reopen_rate"] == {"percent": 22.22, "count": 2, "out_of": 9}
    assert r["recurrence_rate"] == {"percent": 12.5, "count": 1, "out_of": 8}
    assert r["promise_kept_rate"] == {"percent": 66.67, "count": 2, "out_of": 3}
    cycle = r["dispute_cycle_days"]
    assert cycle["overall"] == {"count": 5, "mean_days": 22.6, "median_days": 15.0}
    assert cycle["by_root_cause"]["rate_keyed_wrong"] == {
        "count": 3,
        "mean_days": 26.0,
        "median_days": 10.0,
    }
    assert cycle["by_root_cause"]["agreement_not_loaded"]["median_days"] == 15.0
    assert r["promotions"]["count"] == 1 and r["promotions"]["pros_retired"] == 1
    assert r["promotions"]["issues"][0]["linked_pros"] == 3
    waits = r["waiting_on_departments"]
    assert waits["operations"] == {
        "requests": 1,
        "still_open": 0,
        "total_days": 5,
        "mean_days": 5.0,
    }
    assert waits["pricing"] == {"requests": 1, "still_open": 1, "total_days": 6, "mean_days": 6.0}
    assert waits["billing"]["total_days"] == 14 and waits["claims"]["requests"] == 0


def test_collector_quality_kpis(book: Database) -> None:
    r = kpis.kpi_report(book, OCTOBER, "ann").to_json_dict()
    assert r["root_cause_fixed_rate"] == {"percent": 42.86, "count": 3, "out_of": 7}
    assert r["reopen_rate"] == {"percent": 25.0, "count": 2, "out_of": 8}
    assert r["recurrence_rate"]["percent"] == 14.29
    assert r["promise_kept_rate"] == {"percent": 50.0, "count": 1, "out_of": 2}
    assert r["dispute_cycle_days"]["overall"] == {
        "count": 4,
        "mean_days": 26.25,
        "median_days": 17.5,
    }
    assert r["waiting_on_departments"]["billing"]["requests"] == 0


def test_aging_by_collector_splits_the_team_total(book: Database) -> None:
    rows = {a.login: a for a in kpis.aging_by_collector(book, d(10, 31))}
    assert rows["ann"].total == Decimal("1100.00") and rows["bob"].total == Decimal("300.00")
    assert rows["bob"].buckets["91+"] == Decimal("300.00")


def test_trend_has_one_point_per_month(book: Database) -> None:
    points = kpis.kpi_trend(book, Period(d(9, 1), d(10, 31)))
    assert [p.period.start for p in points] == [d(9, 1), d(10, 1)]
    assert points[0].receivable == Decimal("1300.00")  # P1 1,000 + P3 300 at 09-30
    assert points[1].dso == Decimal(52)


def test_unknown_user_is_refused(book: Database) -> None:
    with pytest.raises(NotFound, match="^unknown user 'zed'$"):
        kpis.kpi_report(book, OCTOBER, "zed")


def test_sql_counts_agree_with_the_domain_on_the_demo_book(demo_db: Database) -> None:
    """The SQL aggregates give what the domain functions give on every record of the book."""
    from sqlalchemy import select

    from arbench.domain import kpis as domain
    from arbench.services.reporting.kpi_queries import _record

    period = Period(d(8, 1), d(11, 24))
    with demo_db.session() as s:
        issues = [_record(i, None) for i in s.scalars(select(Issue))]
        promises = [
            domain.PromiseRecord(p.made_on, p.due_on, p.amount, p.status)
            for p in s.scalars(select(Promise))
        ]
        open_total = s.scalar(
            select(func.sum(Pro.open_balance)).where(
                Pro.status == "open", Pro.billing_status == "billed"
            )
        )
    report = kpis.kpi_report(demo_db, period)
    assert report.root_cause_fixed_rate == domain.root_cause_fixed_rate(issues, period)
    assert report.reopen_rate == domain.reopen_rate(issues, period)
    assert report.recurrence_rate == domain.recurrence_rate(issues, period)
    assert report.promise_kept_rate == domain.promise_kept_rate(promises, period)
    assert report.dispute_cycle_days == domain.dispute_cycle_days(issues, period)
    found = [(p.issue_id, p.linked_pros, p.pros_retired) for p in report.promotions.items]
    expected = domain.promotions(issues, period).items
    assert found == [(p.issue_id, p.linked_pros, p.pros_retired) for p in expected] != []
    # the receivable rebuilt from invoices and payments is the book's open balance today
    assert sum(report.aging.values()) == open_total
