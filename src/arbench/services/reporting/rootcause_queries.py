"""The root-cause report's SQL: per-cause (and per-group) sums over the items of a period.

Items counted: issues with a root cause opened from `start` to `end`. For each: the money at
stake (the disputed or short-paid amount, else the pro's billed amount), the money still tied up
(an open item's open balance: the pro's, or an account-level item's amount), the days it was
outstanding (opened to resolved, or to `end` while open) and the collector minutes logged on
its contacts (entered, else domain.rootcause.DEFAULT_MINUTES by kind). Sums are taken by the
database (GROUP BY), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, func, literal, null, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from arbench.domain.catalogue import OPEN_STATUSES, Level
from arbench.domain.rootcause import (
    ACCOUNT_LEVEL,
    CONTACT_KINDS,
    DEFAULT_MINUTES,
    NONE_GROUP,
    Totals,
    Windows,
)
from arbench.store.models import Account, Activity, ChargeLine, Issue, Pro
from arbench.store.types import Money

OPEN = [s.value for s in OPEN_STATUSES]


def _days(session: Session, until: Any, since: Any) -> ColumnElement[Any]:
    """Whole days from `since` to `until` (dates), in the database's own arithmetic."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(until - since, Integer)
    return cast(func.julianday(until) - func.julianday(since), Integer)


def _month(session: Session, day: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(day, "YYYY-MM")
    return func.strftime("%Y-%m", day)


def _minutes() -> Any:
    """Minutes logged per issue on its contacts (entered, else the kind's default)."""
    default = case(*[(Activity.kind == k, m) for k, m in DEFAULT_MINUTES.items()], else_=0)
    return (
        select(Activity.issue_id.label("issue_id"),
               func.sum(func.coalesce(Activity.minutes, default)).label("minutes"))
        .where(Activity.issue_id.is_not(None), Activity.kind.in_(CONTACT_KINDS))
        .group_by(Activity.issue_id)
        .subquery("logged")
    )  # fmt: skip


def _charges() -> Any:
    """The accessorial codes billed on each pro, once each."""
    return (
        select(ChargeLine.pro_id.label("pro_id"), ChargeLine.code.label("code"))
        .where(ChargeLine.kind == "accessorial", ChargeLine.code.is_not(None))
        .distinct()
        .subquery("accessorials")
    )


def _group_key(session: Session, by: str, charges: Any) -> ColumnElement[Any]:
    on_pro = {
        "lane": func.coalesce(Pro.origin, "?") + " → " + func.coalesce(Pro.destination, "?"),
        "shipper": func.coalesce(Pro.shipper, NONE_GROUP),
        "origin": func.coalesce(Pro.origin, NONE_GROUP),
        "charge": func.coalesce(charges.c.code, NONE_GROUP) if charges is not None else None,
    }
    if by == "customer":
        return Account.number + " " + Account.name
    if by == "month":
        return _month(session, Issue.opened_on)
    return case((Issue.pro_id.is_(None), literal(ACCOUNT_LEVEL)), else_=on_pro[by])


def cause_sums(
    session: Session, start: date, end: date, causes: Sequence[str] | None, by: str | None = None
) -> list[tuple[str, str | None, Totals]]:
    """(root cause, group or None, totals) for the items of the period."""
    logged = _minutes()
    charges = _charges() if by == "charge" else None
    until = case((and_(Issue.resolved_on.is_not(None), Issue.resolved_on <= end), Issue.resolved_on),
                 else_=literal(end, Date))  # fmt: skip
    amount = func.coalesce(Issue.amount, Pro.amount, 0)
    open_amount = case((Issue.status.in_(OPEN), func.coalesce(Pro.open_balance, Issue.amount, 0)),
                       else_=0)  # fmt: skip
    key = _group_key(session, by, charges) if by else null()
    keys = [Issue.root_cause, key] if by else [Issue.root_cause]
    query = (
        select(Issue.root_cause, key.label("grp"), func.count(Issue.id),
               func.sum(amount, type_=Money), func.sum(open_amount, type_=Money),
               func.sum(_days(session, until, Issue.opened_on)),
               func.sum(func.coalesce(logged.c.minutes, 0)))
        .join(Account, Account.id == Issue.account_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .outerjoin(logged, logged.c.issue_id == Issue.id)
        .where(Issue.root_cause.is_not(None), Issue.opened_on >= start, Issue.opened_on <= end)
        .group_by(*keys)
    )  # fmt: skip
    if charges is not None:
        query = query.outerjoin(charges, charges.c.pro_id == Pro.id)
    if causes is not None:
        query = query.where(Issue.root_cause.in_(causes))
    return [
        (cause, grp, Totals(int(n), amount_ or Decimal(0), open_ or Decimal(0), int(days or 0),
                            int(minutes or 0)))
        for cause, grp, n, amount_, open_, days, minutes in session.execute(query)
    ]  # fmt: skip


def trend_counts(
    session: Session, start: date, end: date, causes: Sequence[str] | None
) -> list[tuple[str, str, int]]:
    """(root cause, 'YYYY-MM', items opened) over the period."""
    month = _month(session, Issue.opened_on)
    query = (
        select(Issue.root_cause, month, func.count(Issue.id))
        .where(Issue.root_cause.is_not(None), Issue.opened_on >= start, Issue.opened_on <= end)
        .group_by(Issue.root_cause, month)
    )
    if causes is not None:
        query = query.where(Issue.root_cause.in_(causes))
    return [(str(c), str(m), int(n)) for c, m, n in session.execute(query)]


def fixed_account_causes(
    session: Session, start: date, end: date
) -> list[tuple[int, str, str | None, int, str, str, date]]:
    """Account-level items resolved with their root cause fixed in the period:
    (issue id, type, root cause, account id, account number, account name, fixed on)."""
    rows = session.execute(
        select(Issue.id, Issue.type, Issue.root_cause, Issue.account_id, Account.number,
               Account.name, Issue.resolved_on)
        .join(Account, Account.id == Issue.account_id)
        .where(Issue.level == Level.ACCOUNT, Issue.root_cause_fixed.is_(True),
               Issue.resolved_on >= start, Issue.resolved_on <= end)
        .order_by(Issue.resolved_on, Issue.id)
    ).all()  # fmt: skip
    return [(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows if r[6] is not None]


def symptoms_around(
    session: Session, account_id: int, causes: Sequence[str], w: Windows
) -> tuple[int, int]:
    """Pro-level items on the account with one of `causes`, opened before and after a fix."""

    def opened(first: date, last: date) -> int:
        return int(session.scalar(
            select(func.count(Issue.id)).where(
                Issue.account_id == account_id, Issue.level == Level.PRO,
                Issue.root_cause.in_(causes), Issue.opened_on >= first, Issue.opened_on <= last,
            )
        ) or 0)  # fmt: skip

    return opened(w.before_start, w.before_end), opened(w.after_start, w.after_end)
