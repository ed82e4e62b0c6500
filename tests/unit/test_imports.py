"""Register and 210 imports: every field and date format, mappings, bad files, idempotence."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from arbench.services.base import PermissionDenied, actor_for
from arbench.services.intake.imports import (
    ImportCancelled,
    get_mapping,
    import_invoices,
    list_mappings,
    read_for_import,
    save_mapping,
)
from arbench.store.db import Database
from arbench.store.models import (
    Account,
    Activity,
    AuditEvent,
    Base,
    ChargeLine,
    ImportBatch,
    Issue,
    Pro,
)
from helpers import NIGHTLY

ON = date(2026, 11, 24)
HEADERS = [
    "PRO #", "Cust No", "Customer Name", "BOL", "Invoice No", "Invoice Date", "Due Date",
    "Amount", "Open Bal", "Ship Date", "Delivery Date", "Shipper", "Consignee", "Origin",
    "Destination", "Weight", "Class", "Pieces", "Terms", "POD",
]  # fmt: skip


def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for before/after comparison."""
    with db.session() as s:
        return {
            t.name: [tuple(r) for r in s.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
        }


def write_csv(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[Any]], headers: list[str] = HEADERS) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def full_row(pro: str, **over: Any) -> list[Any]:
    values = {
        "PRO #": pro, "Cust No": "NEW-1", "Customer Name": "Newco Freight Buyers",
        "BOL": "B" + pro, "Invoice No": "INV" + pro, "Invoice Date": "2026-10-01",
        "Due Date": "2026-10-31", "Amount": "1,234.50", "Open Bal": "1000.25",
        "Ship Date": "2026-09-28", "Delivery Date": "2026-09-30", "Shipper": "Acme Plastics",
        "Consignee": "Big Box DC", "Origin": "Dayton, OH", "Destination": "Joliet, IL",
        "Weight": "1250", "Class": "77.5", "Pieces": "3", "Terms": "PP", "POD": "Y",
    }  # fmt: skip
    values.update(over)
    return [values[h] for h in HEADERS]


def test_every_canonical_field_lands_on_the_pro(empty_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "reg.csv", [full_row("P100")])
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok and (summary.created, summary.accounts_created, summary.issues_opened) == (
        1,
        1,
        1,
    )
    with empty_db.session() as s:
        pro = s.scalars(select(Pro)).one()
        account = s.get(Account, pro.account_id)
        issue = s.scalars(select(Issue)).one()
    assert account is not None and (account.number, account.name) == (
        "NEW-1",
        "Newco Freight Buyers",
    )
    assert account.collector_id is None  # new accounts wait for a supervisor to assign them
    assert (pro.bol, pro.invoice_number, pro.shipper, pro.consignee) == (
        "BP100", "INVP100", "Acme Plastics", "Big Box DC")  # fmt: skip
    assert (pro.origin, pro.destination, pro.pieces, pro.freight_class) == (
        "Dayton, OH",
        "Joliet, IL",
        3,
        "77.5",
    )
    assert pro.weight == Decimal("1250") and pro.terms == "prepaid" and pro.pod_on_file
    assert (pro.amount, pro.open_balance) == (Decimal("1234.50"), Decimal("1000.25"))
    assert (pro.invoice_date, pro.due_date) == (date(2026, 10, 1), date(2026, 10, 31))
    assert (pro.ship_date, pro.delivery_date) == (date(2026, 9, 28), date(2026, 9, 30))
    assert (issue.type, issue.level, issue.status, issue.owner_id) == (
        "past_due",
        "pro",
        "open",
        None,
    )


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2026-03-14", date(2026, 3, 14)),
        ("3/14/2026", date(2026, 3, 14)),
        ("20260314", date(2026, 3, 14)),
        ("14-Mar-2026", date(2026, 3, 14)),
        ("46095", date(2026, 3, 14)),  # an Excel serial
    ],
)
def test_each_date_format_is_detected(
    empty_db: Database, tmp_path: Path, cell: str, expected: date
) -> None:
    path = write_csv(tmp_path / "d.csv", [full_row("P1", **{"Invoice Date": cell, "Due Date": ""})])
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert summary.ok, summary.errors
    with empty_db.session() as s:
        pro = s.scalars(select(Pro)).one()
    assert pro.invoice_date == expected
    assert pro.due_date == date.fromordinal(expected.toordinal() + 30)  # account terms


def test_xlsx_with_real_dates_and_numbers(empty_db: Database, tmp_path: Path) -> None:
    row = full_row("P7", **{"Invoice Date": datetime(2026, 5, 2), "Amount": 99.5, "Open Bal": None})
    summary = import_invoices(
        empty_db, write_xlsx(tmp_path / "r.xlsx", [row]), on=ON, actor=NIGHTLY
    )
    assert summary.ok, summary.errors
    with empty_db.session() as s:
        pro = s.scalars(select(Pro)).one()
    assert pro.invoice_date == date(2026, 5, 2)
    assert pro.amount == pro.open_balance == Decimal("99.50")  # no open balance: all open


def test_credits_are_kept_without_an_issue(empty_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [full_row("CM1", Amount="-45.00", **{"Open Bal": ""})])
    summary = import_invoices(empty_db, path, on=ON, actor=NIGHTLY)
    assert (summary.created, summary.credits, summary.issues_opened) == (1, 1, 0)
    with empty_db.session() as s:
        assert s.scalars(select(Pro.open_balance)).one() == Decimal("-45.00")
        assert s.scalar(select(func.count()).select_from(Issue)) == 0


def test_mapping_profiles_and_map_overrides(empty_db: Database, tmp_path: Path) -> None:
    headers = ["Freight Bill", "Payer", "Amount Billed", "Dt"]
    path = write_csv(tmp_path / "odd.csv", [["X1", "ACC9", "10.00", "2026-01-05"]], headers)
    first = import_invoices(empty_db, path, dry_run=True, actor=NIGHTLY)
    assert not first.ok  # 'Payer' and 'Dt' are not guessed as account and date
    overrides = {"Payer": "account_number", "Dt": "invoice_date"}
    data = read_for_import(empty_db, path, overrides=overrides)
    assert data.mapping == {"Freight Bill": "pro", "Amount Billed": "amount", **overrides}
    save_mapping(empty_db, NIGHTLY, "payer-export", data.mapping)
    assert get_mapping(empty_db, "payer-export") == data.mapping
    assert [p.name for p in list_mappings(empty_db, "invoices")] == ["payer-export"]
    summary = import_invoices(empty_db, path, mapping_name="payer-export", on=ON, actor=NIGHTLY)
    assert summary.ok and summary.created == 1


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    wrong = tmp_path / "notes.docx"
    wrong.write_bytes(b"PK\x03\x04 not really")
    truncated = tmp_path / "trunc.210"
    text = (
        Path(__file__).resolve().parents[3] / "shared/data/edi/210_CN_FreightInvoiceSample1.txt"
    ).read_text(encoding="utf-8-sig")
    truncated.write_text(text[: len(text) // 2])
    garbled = tmp_path / "garbled.210"
    garbled.write_text(
        text.replace(
            "B3*B*28066945*291226*PP**20060628*275433", "B3*B*28066945*291226*PP**2006XX28*27X433"
        )
    )
    return {
        "wrong type": (wrong, "unsupported file type"),
        "empty": (empty, "empty"),
        "missing column": (write_csv(tmp_path / "m.csv", [["P1", "A1", "2026-01-01"]], ["PRO", "Account", "Invoice Date"]), "Amount"),
        "bad date": (write_csv(tmp_path / "bd.csv", [full_row("P1"), full_row("P2", **{"Invoice Date": "someday"})]), "row 3"),
        "non-numeric amount": (write_csv(tmp_path / "na.csv", [full_row("P1", Amount="TOTAL DOLLAR AMT")]), "Amount"),
        "duplicate PRO": (write_csv(tmp_path / "dp.csv", [full_row("P1"), full_row("P1")]), "duplicate PRO"),
        "truncated X12": (truncated, "row "),
        "malformed X12": (garbled, "row 4 B3 B306 (billing date)"),
    }  # fmt: skip


def test_every_kind_of_bad_file_is_rejected_and_writes_nothing(
    demo_db: Database, tmp_path: Path, shared_data: Path
) -> None:
    before = dump(demo_db)
    cases = _bad_files(tmp_path)
    cases["820 placeholder template"] = (
        shared_data / "edi/820_Example3_HomeDepot_template.txt",
        "GS",
    )
    for name, (path, expected) in cases.items():
        summary = import_invoices(demo_db, path, on=ON, actor=NIGHTLY)
        assert not summary.ok, name
        described = " ".join(f"row {e['row']} {e['column']} {e['message']}" for e in summary.errors)
        assert expected.lower() in described.lower(), (name, described)
    assert dump(demo_db) == before


def test_the_210_samples_import_with_their_charges(empty_db: Database, shared_data: Path) -> None:
    summary = import_invoices(
        empty_db, shared_data / "edi/210_CN_FreightInvoiceSample1.txt", on=ON, actor=NIGHTLY
    )
    assert summary.ok and (summary.kind, summary.created) == ("210", 1)
    with empty_db.session() as s:
        pro = s.scalars(select(Pro)).one()
        charges = s.scalars(select(ChargeLine).order_by(ChargeLine.seq)).all()
        account = s.get(Account, pro.account_id)
    assert (pro.invoice_number, pro.bol, pro.amount, pro.terms) == (
        "28066945",
        "291226",
        Decimal("2754.33"),
        "prepaid",
    )
    assert account is not None and account.number == "793585A"
    assert [(c.kind, c.amount) for c in charges] == [
        ("linehaul", Decimal("2510.00")),
        ("fuel", Decimal("244.33")),
    ]
    again = import_invoices(
        empty_db, shared_data / "edi/210_CN_FreightInvoiceSample1.txt", on=ON, actor=NIGHTLY
    )
    assert (again.created, again.updated, again.unchanged, again.batch_id) == (0, 0, 1, None)


def test_reimporting_the_same_file_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [full_row(f"Q{i}") for i in range(5)])
    first = import_invoices(demo_db, path, on=ON, actor=NIGHTLY)
    assert first.created == 5 and first.batch_id is not None
    with demo_db.session() as s:
        assert (
            s.scalar(select(ImportBatch.sha256).where(ImportBatch.id == first.batch_id))
            == first.sha256
        )
    before = dump(demo_db)
    second = import_invoices(demo_db, path, on=ON, actor=NIGHTLY)
    assert (second.created, second.updated, second.unchanged, second.batch_id) == (0, 0, 5, None)
    assert dump(demo_db) == before


def test_a_changed_balance_updates_and_a_zero_balance_closes(
    demo_db: Database, tmp_path: Path
) -> None:
    import_invoices(
        demo_db,
        write_csv(tmp_path / "a.csv", [full_row("Z1"), full_row("Z2")]),
        on=ON,
        actor=NIGHTLY,
    )
    rows = [full_row("Z1", **{"Open Bal": "500.00"}), full_row("Z2", **{"Open Bal": "0"})]
    summary = import_invoices(demo_db, write_csv(tmp_path / "b.csv", rows), on=ON, actor=NIGHTLY)
    assert (summary.updated, summary.closed, summary.issues_resolved) == (2, 1, 1)
    with demo_db.session() as s:
        z1 = s.scalar(select(Pro).where(Pro.pro == "Z1"))
        z2 = s.scalar(select(Pro).where(Pro.pro == "Z2"))
        issue = s.scalar(select(Issue).where(Issue.pro_id == z2.id))  # type: ignore[union-attr]
        audits = s.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("import.%"))
        ).all()
    assert z1 is not None and z1.open_balance == Decimal("500.00") and z1.version == 2
    assert z2 is not None and (z2.status, z2.open_balance) == ("closed", Decimal(0))
    assert issue is not None and (issue.status, issue.resolution_code) == (
        "resolved",
        "paid_in_full",
    )
    assert audits == ["import.invoices", "import.invoices"]


def test_close_missing_closes_absent_pros_after_a_dry_run_count(
    demo_db: Database, tmp_path: Path
) -> None:
    with demo_db.session() as s:
        open_pros = s.execute(select(Pro.pro, Pro.account_id).where(Pro.status == "open")).all()
        numbers = dict(s.execute(select(Account.id, Account.number)).all())
    keep = open_pros[:10]
    rows = [full_row(pro, **{"Cust No": numbers[aid]}) for pro, aid in keep]
    path = write_csv(tmp_path / "full.csv", rows)
    preview = import_invoices(demo_db, path, dry_run=True, close_missing=True, on=ON, actor=NIGHTLY)
    assert preview.absent == len(open_pros) - 10 and preview.batch_id is None
    trainee = actor_for(demo_db, "mlee")
    with pytest.raises(PermissionDenied):
        import_invoices(demo_db, path, actor=trainee, on=ON)
    collector = actor_for(demo_db, "agarcia")
    with pytest.raises(PermissionDenied):
        import_invoices(demo_db, path, actor=collector, close_missing=True, on=ON)
    summary = import_invoices(
        demo_db, path, actor=actor_for(demo_db, "kwright"), close_missing=True, on=ON
    )
    assert summary.closed == len(open_pros) - 10
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Pro).where(Pro.status == "open")) == 10
        resolved = s.scalar(
            select(func.count())
            .select_from(Activity)
            .where(Activity.text.like("Closed: paid in full per register%"))
        )
    assert resolved == summary.issues_resolved > 0


def test_cancel_mid_import_leaves_the_database_unchanged(demo_db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big.csv", [full_row(f"C{i:05d}") for i in range(5000)])
    before = dump(demo_db)
    seen: list[int] = []
    with pytest.raises(ImportCancelled):
        import_invoices(
            demo_db,
            path,
            on=ON,
            progress=lambda d, t: seen.append(d),
            cancelled=lambda: len(seen) >= 2,
            actor=NIGHTLY,
        )
    assert seen[:2] == [2000, 4000]
    assert dump(demo_db) == before
