"""Searching the whole book for open items by PRO, BOL, invoice, customer number or name."""

from __future__ import annotations

from sqlalchemy import select
from tests.conftest import AS_OF

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.work.search import search_open_items
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Pro


def _open_pro_item(db: Database) -> tuple[int, Pro, Account]:
    with db.session() as s:
        issue = s.scalars(
            select(Issue).where(Issue.level == "pro", Issue.status == "open").order_by(Issue.id)
        ).first()
        assert issue is not None
        pro, account = s.get(Pro, issue.pro_id), s.get(Account, issue.account_id)
        assert pro is not None and account is not None
        return issue.id, pro, account


def test_each_kind_of_search_finds_the_item(demo_db: Database) -> None:
    issue_id, pro, account = _open_pro_item(demo_db)
    assert pro.bol and pro.invoice_number
    for text in (pro.pro, pro.pro[:5], pro.bol, pro.invoice_number, account.number,
                 account.name[:6].lower(), account.name[:6].upper()):  # fmt: skip
        found = search_open_items(demo_db, text, AS_OF)
        assert issue_id in {i.id for i in found}, text
        assert {i.status for i in found} <= {s.value for s in OPEN_STATUSES}


def test_search_returns_only_matching_open_items(demo_db: Database) -> None:
    _issue_id, pro, _account = _open_pro_item(demo_db)
    found = search_open_items(demo_db, pro.pro, AS_OF)
    assert found and all(i.pro == pro.pro for i in found if i.level == "pro")
    assert search_open_items(demo_db, "no such customer zzz", AS_OF) == []
    assert search_open_items(demo_db, "   ", AS_OF) == []
