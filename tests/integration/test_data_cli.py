"""`arbench import`, `preaudit` and `export`: JSON summaries, exit codes, nothing written on error."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from tests.unit.test_imports import dump

from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, MappingProfile, Pro
from helpers import run_cli as run

ON = "2026-11-24"


def register(path: Path, rows: list[list[str]], headers: list[str] | None = None) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers or ["Freight Bill", "Payer", "Amount", "Invoice Date"])
        writer.writerows(rows)
    return path


def test_import_dry_run_then_apply_then_reimport(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register(tmp_path / "r.csv", [["N1", "NEWACC", "100.00", "2026-11-01"],
                                         ["N2", "NEWACC", "-5.00", "2026-11-02"]])  # fmt: skip
    db = ["--db", demo_db.url, "--as", "kwright"]
    mapping = ["--map", "Payer=account_number", "--save-mapping", "payer"]
    code, out, _ = run(
        capsys, *db, "import", "invoices", str(path), *mapping, "--dry-run", "--format", "json"
    )
    summary = json.loads(out)
    assert code == 0 and summary["dry_run"] and (summary["created"], summary["credits"]) == (2, 1)
    assert summary["errors"] == [] and summary["absent"] > 0
    code, out, _ = run(
        capsys,
        *db,
        "import",
        "invoices",
        str(path),
        "--mapping",
        "payer",
        "--format",
        "json",
        "--on",
        ON,
    )
    summary = json.loads(out)
    assert code == 0 and (summary["created"], summary["updated"], summary["closed"]) == (2, 0, 0)
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Pro).where(Pro.pro.in_(["N1", "N2"]))) == 2
        assert s.scalar(select(MappingProfile.name)) == "payer"
        assert (
            s.scalar(select(AuditEvent.user_login).where(AuditEvent.action == "import.invoices"))
            == "kwright"
        )
    code, out, _ = run(capsys, *db, "import", "invoices", str(path), "--mapping", "payer")
    assert code == 0 and "nothing changed" in out


def test_bad_register_exits_non_zero_with_every_error(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = register(tmp_path / "bad.csv", [["B1", "A", "ten", "2026-11-01"], ["B2", "A", "5", "someday"]],
                    ["PRO", "Account", "Amount", "Invoice Date"])  # fmt: skip
    before = dump(demo_db)
    code, out, err = run(
        capsys, "--db", demo_db.url, "--as", "agarcia", "import", "invoices", str(path),
        "--format", "json",
    )  # fmt: skip
    summary = json.loads(out)
    assert code == 1 and [(e["row"], e["column"]) for e in summary["errors"]] == [
        (2, "Amount"), (3, "Invoice Date")]  # fmt: skip
    assert "nothing was written" in err and "row 2, Amount: 'ten'" in err
    assert dump(demo_db) == before


def test_remittance_820_template_is_refused(
    demo_db: Database, shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = dump(demo_db)
    path = shared_data / "edi/820_Example3_HomeDepot_template.txt"
    code, out, err = run(
        capsys, "--db", demo_db.url, "--as", "agarcia", "import", "remittance", str(path),
        "--format", "json",
    )  # fmt: skip
    assert code == 1 and json.loads(out)["errors"] and "nothing was written" in err
    errors = json.loads(out)["errors"]
    assert len(errors) == 19  # every placeholder of the template, in one run
    assert (errors[0]["unit"], errors[0]["row"], errors[0]["column"]) == ("segment", 2, "GS")
    assert "segment 2, GS:" in err and "segment 23, RMR:" in err  # named by segment, not row
    assert dump(demo_db) == before


def test_imports_never_run_as_an_implicit_supervisor(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --as an import is refused; a trainee cannot close the book's missing pros."""
    path = register(tmp_path / "r.csv", [["N1", "NEWACC", "100.00", "2026-11-01"]])
    before = dump(demo_db)
    for who, extra, message in (
        ((), (), "`import invoices` needs --as LOGIN"),
        (("--as", "nbrown"), ("--close-missing",), "a trainee cannot import files"),
        (("--as", "agarcia"), ("--close-missing",), "only a supervisor can close pros absent"),
    ):
        code, out, err = run(capsys, "--db", demo_db.url, *who, "import", "invoices", str(path),
                             "--map", "Payer=account_number", *extra)  # fmt: skip
        assert code == 2 and out == "" and err.count("\n") == 1 and message in err, err
    code, _, err = run(capsys, "--db", demo_db.url, "import", "remittance", str(path))
    assert code == 2 and "`import remittance` needs --as LOGIN" in err
    assert dump(demo_db) == before


def test_remittance_json_summary(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with demo_db.session() as s:
        pro = s.scalars(
            select(Pro).where(Pro.status == "open", Pro.open_balance > 0).limit(1)
        ).one()
        account = s.scalars(select(Account.number).limit(1)).one()
    path = tmp_path / "rem.csv"
    path.write_text(f"PRO,Paid\n{pro.pro},{pro.open_balance}\nUNKNOWN,10.00\n")
    code, out, _ = run(
        capsys,
        "--db",
        demo_db.url,
        "--as",
        "agarcia",
        "import",
        "remittance",
        str(path),
        "--account",
        account,
        "--format",
        "json",
    )
    summary = json.loads(out)
    assert code == 0 and summary["payments_applied"] == 1
    assert summary["applied"] == str(pro.open_balance) and summary["unapplied"] == "10.00"
    assert summary["bank_amount"] == str(pro.open_balance + 10)  # the sum of the paid cells
    assert (summary["adjustments"], summary["variance"]) == ("0.00", "0.00")
    assert {"short_pays", "accounts", "warnings", "errors"} <= summary.keys()


def test_preaudit_and_exports(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", demo_db.url, "preaudit", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and all(r["route_to"] in ("billing", "operations") for r in rows)
    code, out, _ = run(capsys, "--db", demo_db.url, "preaudit", "--format", "csv")
    assert out.splitlines()[0] == "pro,account_number,account_name,rule,route_to,message"
    out_file = tmp_path / "w.xlsx"
    code, out, _ = run(
        capsys,
        "--db",
        demo_db.url,
        "export",
        "worklist",
        "--user",
        "agarcia",
        "--on",
        ON,
        "--out",
        str(out_file),
    )
    assert code == 0 and load_workbook(out_file).active.max_row > 4  # type: ignore[union-attr]
    code, _, err = run(
        capsys, "--db", demo_db.url, "export", "statement", "--out", str(tmp_path / "s.pdf")
    )
    assert code == 2 and "--account" in err
    code, _, err = run(
        capsys, "--db", demo_db.url, "export", "aging", "--out", str(tmp_path / "a.csv")
    )
    assert code == 2 and ".xlsx" in err
