"""210 imports: every problem in one pass, lenient mode, bill-to aliases, currencies, taxes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.unit.test_imports import dump

from arbench.services.base import actor_for
from arbench.services.intake.aliases import add_alias
from arbench.services.intake.imports import import_invoices
from arbench.services.intake.preaudit import preaudit
from arbench.store.db import Database
from arbench.store.models import Account, ChargeLine, Pro
from edi_cases import DEVIATED_210_BODY, deviated_210, segments
from helpers import NIGHTLY

ON = date(2026, 11, 24)


def _number_of(text: str, start: str) -> int:
    """The segment number (ISA = 1) of the first segment whose text starts with `start`."""
    return next(n for n, s in enumerate(segments(text), 1) if "*".join(s).startswith(start))


def _write(tmp_path: Path, text: str, name: str = "carrier.210") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_deviating_210_is_refused_with_all_four_problems_at_once(
    empty_db: Database, tmp_path: Path
) -> None:
    text = deviated_210()
    summary = import_invoices(empty_db, _write(tmp_path, text), on=ON, actor=NIGHTLY)
    where = [(e["row"], e["column"]) for e in summary.errors]
    assert where == [(_number_of(text, "B3"), "B3"), (_number_of(text, "G62"), "G62"),
                     (_number_of(text, "N1*BT"), "N1"), (_number_of(text, "SE"), "SE")]  # fmt: skip
    b3, g62, n1, se = (e["message"] for e in summary.errors)
    assert b3.startswith("B306 (billing date) '030903' is a six-digit date")
    assert g62.startswith("G6202 (date) is missing")
    assert "N1*BT 'ACME PLASTICS AP'" in n1 and "has no id" in n1
    assert se.startswith(f"SE01 says '{len(DEVIATED_210_BODY) + 5}' segments from ST to SE; "
                         f"the file has {len(DEVIATED_210_BODY) + 2}")  # fmt: skip
    assert all("lenient mode accepts it" in m for m in (b3, g62, n1, se))
    with empty_db.session() as s:
        assert s.scalars(select(Pro)).all() == []


def test_lenient_mode_imports_it_and_lists_each_deviation(
    empty_db: Database, tmp_path: Path
) -> None:
    text = deviated_210()
    summary = import_invoices(empty_db, _write(tmp_path, text), on=ON, lenient=True, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert summary.lenient and summary.created == 1
    rows = [w["row"] for w in summary.warnings]
    assert rows == [_number_of(text, s) for s in ("B3", "G62", "N1*BT", "SE")]
    assert "read as 2003-09-03" in summary.warnings[0]["message"]
    assert "billed to the payer N1*PR 'ACME PLASTICS'" in summary.warnings[2]["message"]
    with empty_db.session() as s:
        pro = s.scalars(select(Pro).where(Pro.pro == "PRO880301")).one()
        account = s.get(Account, pro.account_id)
    assert pro.invoice_date == date(2003, 9, 3) and pro.amount == Decimal("512.34")
    assert account is not None and account.number == "ACME01"


def test_a_name_alias_resolves_a_bill_to_without_an_id(demo_db: Database, tmp_path: Path) -> None:
    with demo_db.session() as s:
        target = s.scalars(select(Account).order_by(Account.id).limit(1)).one()
    add_alias(demo_db, actor_for(demo_db, "kwright"), target.number, "name", "Acme  plastics ap")
    summary = import_invoices(
        demo_db, _write(tmp_path, deviated_210()), on=ON, lenient=True, actor=NIGHTLY
    )
    assert summary.ok, summary.errors
    assert len(summary.warnings) == 3  # the bill-to is no longer a deviation
    with demo_db.session() as s:
        pro = s.scalars(select(Pro).where(Pro.pro == "PRO880301")).one()
    assert pro.account_id == target.id


def test_account_option_bills_an_unresolved_bill_to_and_learns_it(
    demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.session() as s:
        target = s.scalars(select(Account).order_by(Account.id).offset(5).limit(1)).one()
    body = [s.replace("B3**PRO880301*BOL77*PP**030903", "B3**PRO880301*BOL77*PP**20030903")
            for s in DEVIATED_210_BODY if not s.startswith(("G62", "N1*PR"))]  # fmt: skip
    from edi_cases import envelope

    path = _write(tmp_path, envelope("210", body, group="IM"))
    refused = import_invoices(demo_db, path, on=ON, actor=NIGHTLY)
    assert "N1*BT 'ACME PLASTICS AP'" in refused.errors[0]["message"]
    summary = import_invoices(demo_db, path, on=ON, account=target.number, actor=NIGHTLY)
    assert summary.ok, summary.errors
    assert summary.aliases_learned == [
        {"account_number": target.number, "kind": "name", "value": "ACME PLASTICS AP"}]  # fmt: skip
    again = tmp_path / "again.210"
    again.write_text(path.read_text().replace("PRO880301", "PRO880302"))
    assert import_invoices(
        demo_db, again, on=ON, actor=NIGHTLY
    ).ok  # resolved through the learnt alias


@pytest.mark.parametrize("lenient", [False, True])
def test_the_real_210s_import_with_their_warnings_and_currencies(
    empty_db: Database, shared_data: Path, lenient: bool
) -> None:
    first = import_invoices(empty_db, shared_data / "edi/210_CN_FreightInvoiceSample1.txt",
                            on=ON, lenient=lenient, actor=NIGHTLY)  # fmt: skip
    second = import_invoices(empty_db, shared_data / "edi/210_CN_FreightInvoiceSample2.txt",
                             on=ON, lenient=lenient, actor=NIGHTLY)  # fmt: skip
    assert first.ok and second.ok, (first.errors, second.errors)
    assert first.warnings == []
    (note,) = second.warnings
    assert (note["row"], note["column"]) == (2, "GS") and "ISA12" in note["message"]
    assert first.amounts_by_currency == {"USD": "2754.33"}
    assert second.amounts_by_currency == {"CAD": "2083.60"}
    with empty_db.session() as s:
        currencies = dict(s.execute(select(Account.number, Account.currency)).all())
        kinds = [(c.code, c.kind) for c in s.scalars(
            select(ChargeLine).join(Pro).where(Pro.pro == "28061234").order_by(ChargeLine.seq))]  # fmt: skip
    assert currencies == {"793585A": "USD", "772305B": "CAD"}
    assert kinds == [(None, "linehaul"), ("ENS", "fuel"), ("GST", "tax")]
    # pre-audit does not take the tax (nor the fuel) line for an accessorial nobody requested
    findings = preaudit(empty_db, date(2006, 1, 1)).rows
    assert [f.rule for f in findings if f.pro == "28061234" and "accessorial" in f.rule] == []


def test_a_210_in_another_currency_than_its_account_is_refused(
    empty_db: Database, shared_data: Path, tmp_path: Path
) -> None:
    sample = shared_data / "edi/210_CN_FreightInvoiceSample2.txt"
    text = sample.read_text(encoding="utf-8-sig")
    usd = _write(tmp_path, text.replace("C3*CAD", "C3*USD").replace("28061234", "28061299"))
    assert import_invoices(empty_db, usd, on=ON, actor=NIGHTLY).ok  # creates 772305B in USD
    before = dump(empty_db)
    summary = import_invoices(empty_db, sample, on=ON, actor=NIGHTLY)
    (error,) = summary.errors
    assert (error["row"], error["column"]) == (_number_of(text, "C3"), "C3")
    assert error["message"].startswith(
        "C301 currency CAD differs from account 772305B's currency USD"
    )
    assert dump(empty_db) == before
