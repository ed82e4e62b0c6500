"""`arbench import remittance --account/--lenient`, `arbench alias`, `import invoices --lenient`."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.unit.test_imports import dump

from arbench.services.organization.users import add_user
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, Pro
from edi_cases import RETAILER_DUNS, deviated_210, expected_820, retailer_820
from helpers import NIGHTLY
from helpers import run_cli as run

ON = "2026-11-24"


def _retailer_file(db: Database, tmp_path: Path) -> tuple[Path, str]:
    with db.session() as s:
        pros = s.scalars(
            select(Pro).where(Pro.status == "open", Pro.open_balance > 200,
                              Pro.invoice_number.is_not(None)).order_by(Pro.id).limit(5)
        ).all()  # fmt: skip
    roles = dict(zip(("full", "short", "addition", "by_invoice", "credit"),
                     [(p.pro, p.open_balance) for p in pros], strict=True))  # fmt: skip
    roles["credit"] = ("CM-NOT-ON-FILE", Decimal("-150.00"))
    text = retailer_820(roles)
    path = tmp_path / "megamart.820"
    path.write_text(text)
    return path, text


def test_an_unresolved_payer_is_reported_with_its_identifiers(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = _retailer_file(demo_db, tmp_path)
    before = dump(demo_db)
    code, out, err = run(capsys, "--db", demo_db.url, "--as", "kwright", "import", "remittance", str(path),
                         "--on", ON)  # fmt: skip
    assert code == 1 and out == ""
    assert "megamart.820 rejected" in err and "nothing was written" in err
    assert f"N1*PR 'MEGAMART STORES INC', D-U-N-S (N103 1) {RETAILER_DUNS}" in err
    assert dump(demo_db) == before


def test_account_names_the_payer_and_the_summary_reconciles(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, text = _retailer_file(demo_db, tmp_path)
    with demo_db.session() as s:
        payer = s.scalars(select(Account.number).order_by(Account.id).limit(1)).one()
    code, out, _ = run(capsys, "--db", demo_db.url, "--as", "agarcia", "import", "remittance",
                       str(path), "--account", payer, "--on", ON, "--format", "json")  # fmt: skip
    assert code == 0, out
    summary = json.loads(out)
    (one,) = expected_820(text)
    assert Decimal(summary["bank_amount"]) == one.bank
    total = sum(Decimal(summary[k]) for k in ("applied", "unapplied", "adjustments", "variance"))
    assert total == one.bank
    assert Decimal(summary["adjustments"]) == sum((a for a, _, _ in one.group_adx), Decimal(0))
    assert len(summary["adjustment_items"]) == len(one.group_adx) + len(one.line_adx)
    assert summary["aliases_learned"][0] == {"account_number": payer, "kind": "duns",
                                             "value": RETAILER_DUNS}  # fmt: skip
    code, out, _ = run(capsys, "--db", demo_db.url, "alias", "list", payer, "--format", "json")
    assert [(a["kind"], a["value"], a["source"]) for a in json.loads(out)] == [
        ("duns", RETAILER_DUNS, "820"), ("name", "MEGAMART STORES INC", "820")]  # fmt: skip
    code, _, err = run(
        capsys, "--db", demo_db.url, "--as", "kwright", "import", "remittance", str(path)
    )
    assert code == 1 and "already applied" in err


def test_alias_add_list_remove_for_supervisors_only(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.session() as s:
        first, second = s.scalars(select(Account.number).order_by(Account.id).limit(2)).all()
    args = ("alias", "add", first, "--kind", "duns", "--value", "12-345-6789")
    code, _, err = run(capsys, "--db", demo_db.url, "--as", "agarcia", *args)
    assert code == 2 and err.count("\n") == 1 and "only a supervisor" in err
    code, out, _ = run(capsys, "--db", demo_db.url, "--as", "kwright", *args)
    assert code == 0 and f"is now an alias of {first}" in out
    again = ("alias", "add", second, "--kind", "duns", "--value", "123456789")
    code, _, err = run(capsys, "--db", demo_db.url, "--as", "kwright", *again)
    assert code == 2 and f"already an alias of account {first}" in err  # same number, other dashes
    code, out, _ = run(capsys, "--db", demo_db.url, "alias", "list", "--format", "json")
    assert [(a["account_number"], a["value"], a["created_by"]) for a in json.loads(out)] == [
        (first, "12-345-6789", "kwright")]  # fmt: skip
    remove = ("alias", "remove", first, "--kind", "duns", "--value", "123456789")
    code, _, _ = run(capsys, "--db", demo_db.url, "--as", "kwright", *remove)
    assert code == 0
    code, out, _ = run(capsys, "--db", demo_db.url, "alias", "list", "--format", "json")
    assert json.loads(out) == []
    with demo_db.session() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "account_alias")
        ).all()
    assert actions == ["alias.add", "alias.remove"]


def test_import_invoices_lenient_lists_the_warnings(
    empty_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "carrier.210"
    path.write_text(deviated_210())
    add_user(empty_db, NIGHTLY, "boss", "The Supervisor", "supervisor")
    code, _, err = run(
        capsys, "--db", empty_db.url, "--as", "boss", "import", "invoices", str(path)
    )
    assert code == 1 and "4 error(s); nothing was written" in err
    code, out, err = run(capsys, "--db", empty_db.url, "--as", "boss", "import", "invoices",
                         str(path), "--lenient", "--format", "json")  # fmt: skip
    summary = json.loads(out)
    assert code == 0 and summary["created"] == 1 and summary["lenient"] is True
    assert [w["column"] for w in summary["warnings"]] == ["B3", "G62", "N1", "SE"]
