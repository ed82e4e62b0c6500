"""Customer names are found in any case and spacing, through the indexed accounts.name_key."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import insert, select, text
from tests.conftest import AS_OF

from arbench.domain.names import name_key
from arbench.services.work.search import owner_logins, search_open_items
from arbench.store import db as store_db
from arbench.store.db import Database
from arbench.store.models import Account, Issue, User
from helpers import NIGHTLY


def test_name_key_folds_case_and_spacing() -> None:
    assert name_key("  Blue  RIDGE\tfoods ") == "blue ridge foods"
    assert name_key("STRASSE Logistik") == name_key("Straße logistik")


def _open_item_of_named_account(db: Database) -> tuple[int, str, str]:
    with db.session() as s:
        row = s.execute(
            select(Issue.id, Account.name, Account.number)
            .join(Account, Account.id == Issue.account_id)
            .where(Issue.status == "open", Account.name.contains(" "))
            .order_by(Issue.id)
        ).first()
        assert row is not None
        return row.id, row.name, row.number


def test_any_case_and_spacing_finds_the_customer(demo_db: Database) -> None:
    issue_id, name, number = _open_item_of_named_account(demo_db)
    first, second = name.split(" ")[:2]
    for typed in (name.swapcase(), f"  {first.upper()}   {second[:2].lower()}", number.lower()):
        found = search_open_items(demo_db, typed, AS_OF)
        assert issue_id in {i.id for i in found}, typed
        assert all(
            name_key(i.account_name).startswith(name_key(typed)) or i.account_number.lower()
            .startswith(typed.strip().lower()) for i in found
        ), typed  # fmt: skip


def test_new_and_renamed_accounts_keep_their_key(demo_db: Database) -> None:
    with demo_db.session() as s:  # a bulk Core insert, as imports write accounts
        s.execute(insert(Account), [{"number": "Z000001", "name": "ÉCLAIR  Freight Buyers"}])
        account = Account(number="Z000002", name="Quiet Harbor Mills")
        s.add(account)
        s.flush()
        account.name = "LOUD Harbor Mills"
    with demo_db.session() as s:
        keys = dict(s.execute(select(Account.number, Account.name_key)
                              .where(Account.number.in_(["Z000001", "Z000002"]))).all())  # fmt: skip
    assert keys == {"Z000001": "éclair freight buyers", "Z000002": "loud harbor mills"}


def test_owner_logins_name_whose_list_an_item_is_on(demo_db: Database) -> None:
    issue_id, _name, _number = _open_item_of_named_account(demo_db)
    with demo_db.session() as s:
        login = s.scalar(select(User.login).join(Issue, Issue.owner_id == User.id)
                         .where(Issue.id == issue_id))  # fmt: skip
    assert owner_logins(demo_db, [issue_id]) == {issue_id: login}
    assert owner_logins(demo_db, []) == {}


def test_upgrade_fills_the_key_of_existing_accounts(tmp_path: Path) -> None:
    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as conn:
        command.upgrade(store_db._alembic_config(conn), "0002")
        conn.execute(text("INSERT INTO accounts (number, name, payment_terms_days, credit_limit,"
                          " risk_score, credit_hold, po_required, pod_required, edi_210, version)"
                          " VALUES ('C1', 'Blue  RIDGE Foods', 30, 0, 0, 0, 0, 0, 0, 1)"))  # fmt: skip
    store_db.upgrade(engine)
    with engine.connect() as conn:
        key = conn.execute(text("SELECT name_key FROM accounts WHERE number = 'C1'")).scalar()
        plan = conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM accounts WHERE name_key >= 'blue' AND name_key < 'blue\uffff'"
        ).all()
    engine.dispose()
    assert key == "blue ridge foods"
    assert any("ix_accounts_name_key" in row[-1] for row in plan)


def test_an_imported_customer_is_found_by_name_in_any_case(
    empty_db: Database, tmp_path: Path
) -> None:
    import csv

    from arbench.services.intake.imports import import_invoices

    path = tmp_path / "register.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["PRO #", "Cust No", "Customer Name", "Invoice Date", "Due Date", "Amount", "Open Bal"]
        )
        writer.writerow(
            ["P900", "NEW-9", "McKinley  Freight BUYERS", "2026-10-01", "2026-10-31", "100", "100"]
        )
    assert import_invoices(empty_db, path, on=AS_OF, actor=NIGHTLY).ok
    with empty_db.session() as s:
        assert (
            s.scalar(select(Account.name_key).where(Account.number == "NEW-9"))
            == "mckinley freight buyers"
        )
    found = search_open_items(empty_db, "mckinley fr", AS_OF)
    assert [i.pro for i in found] == ["P900"]
