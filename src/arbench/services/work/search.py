"""Find open items anywhere in the book: by PRO, BOL, invoice number, customer number or name.

The worklist's type-ahead searches the rows already loaded; this searches the database, for a
customer who calls about a bill that is on someone else's list. Every lookup is a prefix range
on an indexed column (`col >= text AND col < text + U+FFFF`), so it reads a few index pages
whatever the size of the book. PROs, BOLs, invoice and customer numbers are matched as typed
and in upper case; customer names in any case and spacing, through the folded `name_key`
column ("blue ri" and "BLUE  RI" both find "Blue Ridge Foods" and "BLUE RIVER INC"); names
as typed, in Title Case and upper case also match the name itself, for accounts written by raw
SQL that bypassed the key.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.domain.names import name_key
from arbench.services.base import Actor
from arbench.services.permissions import ANYONE, service
from arbench.services.work.worklist import WorkItem, items_for
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Pro, User

_HIGH = "\uffff"
OPEN = [s.value for s in OPEN_STATUSES]


def _prefix(column: Any, text: str) -> ColumnElement[bool]:
    """`column` starts with `text`, as a range an index can answer."""
    return and_(column >= text, column < text + _HIGH)


def matching_issue_ids(session: Session, text: str, limit: int = 200) -> list[int]:
    """Ids of open issues whose pro or account matches `text` (prefix), at most `limit`."""
    text = text.strip()
    if not text:
        return []
    typed = list(dict.fromkeys((text, text.upper())))  # identifiers: as typed, or "c100" -> C100
    pro_ids: set[int] = set()
    for column in (Pro.pro, Pro.bol, Pro.invoice_number):
        for value in typed:
            where = _prefix(column, value)
            pro_ids.update(session.scalars(select(Pro.id).where(where).limit(limit)))
    account_ids: set[int] = set()
    key = name_key(text)
    names = dict.fromkeys((text, text.title(), text.upper()))  # rows written without a key
    for where in [*(_prefix(Account.number, v) for v in typed), _prefix(Account.name_key, key),
                  *(_prefix(Account.name, n) for n in names)]:  # fmt: skip
        account_ids.update(session.scalars(select(Account.id).where(where).limit(limit)))
    found: list[int] = []
    if pro_ids:
        found += session.scalars(
            select(Issue.id)
            .where(Issue.pro_id.in_(sorted(pro_ids)), Issue.status.in_(OPEN))
            .limit(limit)
        )
    if account_ids and len(found) < limit:
        found += session.scalars(
            select(Issue.id)
            .where(Issue.account_id.in_(sorted(account_ids)), Issue.status.in_(OPEN))
            .limit(limit - len(found))
        )
    return sorted(set(found))


@service(ANYONE, "search the book", writes=False)
def search_open_items(
    db: Database, text: str, on: date | None = None, limit: int = 200, *,
    actor: Actor | None = None,
) -> list[WorkItem]:  # fmt: skip
    """Open items of the whole book matching `text`, ranked as on a worklist."""
    with db.session() as session:
        ids = matching_issue_ids(session, text, limit)
        return items_for(session, [Issue.id.in_(ids)], on or date.today()) if ids else []


def owner_logins(db: Database, issue_ids: list[int]) -> dict[int, str]:
    """Who owns each of the given issues (login), for showing whose list an item is on."""
    owners: dict[int, str] = {}
    with db.session() as session:
        for start in range(0, len(issue_ids), 900):
            chunk = issue_ids[start : start + 900]
            rows = session.execute(
                select(Issue.id, User.login)
                .join(User, User.id == Issue.owner_id)
                .where(Issue.id.in_(chunk))
            )
            owners.update((issue_id, login) for issue_id, login in rows)
    return owners


__all__ = ["matching_issue_ids", "owner_logins", "search_open_items"]
