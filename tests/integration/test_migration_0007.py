"""Migration 0007 writes the money movements that closures before it never wrote.

A book is built at schema 0005 the way earlier versions left it: a pro closed by a zero
balance and one closed by close-missing with no payment, an open pro imported with a balance
below its amount, a pro paid by a remittance (its payment already there) and a draft. After
the upgrade the KPIs' receivable equals the open balances, today and at past dates, on SQLite
and PostgreSQL; a second upgrade writes nothing more; the downgrade takes the rows away again.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, column, func, insert, select, table
from sqlalchemy.sql.expression import TableClause

from arbench.domain.kpis import Period
from arbench.services.reporting import kpis
from arbench.store import db as store_db
from arbench.store.models import Account, Payment, Pro

NOW = datetime(2026, 3, 1, 9, 0)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def _migrate(engine: Engine, direction: str, target: str) -> None:
    with engine.begin() as conn:
        getattr(command, direction)(store_db._alembic_config(conn), target)


def _pro(number: str, amount: str, balance: str, status: str, **extra: object) -> dict[str, object]:
    return {"pro": number, "account_id": 1, "amount": Decimal(amount), "open_balance": Decimal(balance),
            "status": status, "billing_status": "draft" if status == "draft" else "billed",
            "invoice_date": date(2026, 1, 10), "due_date": date(2026, 2, 9), "source": "import",
            "version": 1, "pod_on_file": False, "closed_on": None} | extra  # fmt: skip


def _columns_at_0005(model: type[Account]) -> TableClause:
    """The model's table without the columns later migrations add (their defaults would be
    inserted too)."""
    later = {"account_class", "cadence_id"}  # 0011
    return table(model.__tablename__, *(column(c.name) for c in model.__table__.columns
                                        if c.name not in later))  # fmt: skip


def _book_at_0005(engine: Engine) -> None:
    _migrate(engine, "upgrade", "0005")
    with engine.begin() as conn:
        accounts = _columns_at_0005(Account)
        conn.execute(insert(accounts), [{"id": 1, "number": "C1", "name": "Customer One",
                                        "name_key": "customer one", "currency": "USD",
                                        "payment_terms_days": 30, "credit_limit": 0,
                                        "risk_score": 0, "credit_hold": False,
                                        "po_required": False, "pod_required": False,
                                        "edi_210": False, "version": 1}])  # fmt: skip
        conn.execute(insert(Pro), [
            _pro("ZERO", "100.00", "0", "closed", closed_on=date(2026, 2, 10)),
            _pro("ABSENT", "40.00", "0", "closed", closed_on=date(2026, 2, 20)),
            _pro("PARTLY", "200.00", "150.00", "open"),
            _pro("PAID", "80.00", "0", "closed", closed_on=date(2026, 2, 5)),
            _pro("DRAFT", "60.00", "60.00", "draft"),
        ])  # fmt: skip
        paid = conn.scalar(select(Pro.id).where(Pro.pro == "PAID"))
        conn.execute(insert(Payment), [{"account_id": 1, "pro_id": paid, "kind": "payment",
                                        "amount": Decimal("80.00"), "received_on": date(2026, 2, 5),
                                        "created_at": NOW}])  # fmt: skip


def _aging_total(db: store_db.Database, day: date) -> Decimal:
    report = kpis.kpi_report(db, Period(date(2026, 1, 1), day))
    return sum(report.aging.values(), Decimal(0))


def test_0007_writes_the_missing_movements(empty_url: str) -> None:
    engine = store_db.make_engine(empty_url)
    try:
        _book_at_0005(engine)
        _migrate(engine, "upgrade", "head")
        db = store_db.open_database(empty_url)
        today = date.today()
        with db.session() as s:
            written = s.execute(
                select(Pro.pro, Payment.kind, Payment.amount, Payment.received_on)
                .join(Pro, Pro.id == Payment.pro_id)
                .where(Payment.kind == "register")
                .order_by(Pro.pro)
            ).all()
            open_total = s.scalar(select(func.sum(Pro.open_balance)).where(Pro.status == "open"))
        assert [tuple(r) for r in written] == [
            ("ABSENT", "register", Decimal("40.00"), date(2026, 2, 20)),
            ("PARTLY", "register", Decimal("50.00"), today),
            ("ZERO", "register", Decimal("100.00"), date(2026, 2, 10)),
        ]
        # today: what the KPIs count is what is open (before 0007 they counted 290.00)
        assert _aging_total(db, today) == open_total == Decimal("150.00")
        # in the past: each closed pro was owed until the day it closed (PAID on 02-05, ZERO
        # on 02-10, ABSENT on 02-20), PARTLY in full until today
        assert _aging_total(db, date(2026, 2, 15)) == Decimal("40.00") + Decimal("200.00")
        assert _aging_total(db, date(2026, 2, 9)) == Decimal("100.00") + 40 + 200
        db.dispose()
        _migrate(engine, "downgrade", "0005")
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Payment)) == 1
        _migrate(engine, "upgrade", "head")
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Payment)) == 4
    finally:
        engine.dispose()
