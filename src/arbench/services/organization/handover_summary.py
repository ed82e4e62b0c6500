"""The handover note written on each account's timeline when its book changes hands.

For each account: its open items (with follow-ups), open promises to pay, what is waiting on
which department (and whom there), and the last contacts. Built with a few queries over all
the accounts at once (chunked), not one query per account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ISSUE_TYPES
from arbench.services.work.account_moves import OPEN
from arbench.store.models import Activity, DepartmentRequest, Issue, Pro, Promise

LISTED = 8  # lines listed per section before "and N more"
CONTACT_KINDS = ("call", "email")


def _chunks(ids: Sequence[int], size: int = 900) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield list(ids[start : start + size])


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"${amount:,.2f}"


def _label(pro: str | None, issue_type: str) -> str:
    name = ISSUE_TYPES[issue_type].name if issue_type in ISSUE_TYPES else issue_type
    return f"PRO {pro} {name}" if pro else f"Account: {name}"


def _section(title: str, lines: list[str]) -> str:
    if not lines:
        return f"{title}: none."
    shown = lines[:LISTED]
    more = f"; and {len(lines) - LISTED} more" if len(lines) > LISTED else ""
    return f"{title} ({len(lines)}): " + "; ".join(shown) + more + "."


def _issues(session: Session, ids: list[int], out: dict[int, dict[str, list[str]]]) -> None:
    rows = session.execute(
        select(Issue.account_id, Issue.type, Issue.follow_up, Issue.status, Pro.pro,
               Pro.open_balance)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.account_id.in_(ids), Issue.status.in_(OPEN))
        .order_by(Issue.follow_up.is_(None), Issue.follow_up, Issue.id)
    )  # fmt: skip
    for account_id, issue_type, follow_up, status, pro, balance in rows:
        text = f"{_label(pro, issue_type)} {_money(balance)}".strip()
        if follow_up:
            text += f", follow up {follow_up.isoformat()}"
        if status != "open":
            text += f" [{status.replace('_', ' ')}]"
        out[account_id]["Open items"].append(text)


def _promises(session: Session, ids: list[int], out: dict[int, dict[str, list[str]]]) -> None:
    rows = session.execute(
        select(Issue.account_id, Promise.amount, Promise.due_on, Pro.pro, Issue.type)
        .select_from(Promise)
        .join(Issue, Issue.id == Promise.issue_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.account_id.in_(ids), Promise.status == "open", Issue.status.in_(OPEN))
        .order_by(Promise.due_on)
    )
    for account_id, amount, due_on, pro, issue_type in rows:
        out[account_id]["Promises to pay"].append(
            f"{_money(amount)} due {due_on.isoformat()} ({_label(pro, issue_type)})"
        )


def _requests(session: Session, ids: list[int], out: dict[int, dict[str, list[str]]]) -> None:
    rows = session.execute(
        select(Issue.account_id, DepartmentRequest.department, DepartmentRequest.owner,
               DepartmentRequest.due_on, Pro.pro, Issue.type)
        .select_from(DepartmentRequest)
        .join(Issue, Issue.id == DepartmentRequest.issue_id)
        .outerjoin(Pro, Pro.id == Issue.pro_id)
        .where(Issue.account_id.in_(ids), DepartmentRequest.status == "open")
        .order_by(DepartmentRequest.due_on)
    )  # fmt: skip
    for account_id, department, owner, due_on, pro, issue_type in rows:
        who = f"{department} ({owner})" if owner else department
        out[account_id]["Waiting on"].append(
            f"{who}, due {due_on.isoformat()}, for {_label(pro, issue_type)}"
        )


def _contacts(session: Session, ids: list[int], out: dict[int, dict[str, list[str]]]) -> None:
    ranked = (
        select(
            Activity.account_id, Activity.at, Activity.kind, Activity.contact, Activity.outcome,
            Activity.text,
            func.row_number().over(partition_by=Activity.account_id, order_by=Activity.at.desc())
            .label("n"),
        )
        .where(Activity.account_id.in_(ids), Activity.kind.in_(CONTACT_KINDS))
        .subquery()
    )  # fmt: skip
    rows = session.execute(
        select(ranked).where(ranked.c.n <= 3).order_by(ranked.c.account_id, ranked.c.n)
    )
    for account_id, at, kind, contact, outcome, text, _ in rows:
        who = f" with {contact}" if contact else ""
        said = outcome or text
        out[account_id]["Last contacts"].append(f"{at.date().isoformat()} {kind}{who}: {said}")


SECTIONS = ("Open items", "Promises to pay", "Waiting on", "Last contacts")


def account_summaries(session: Session, account_ids: Sequence[int]) -> dict[int, str]:
    """A handover note per account id: open items, promises, waiting on whom, last contacts."""
    found: dict[int, dict[str, list[str]]] = defaultdict(lambda: {s: [] for s in SECTIONS})
    for chunk in _chunks(account_ids):
        _issues(session, chunk, found)
        _promises(session, chunk, found)
        _requests(session, chunk, found)
        _contacts(session, chunk, found)
    return {
        account_id: "\n".join(_section(title, found[account_id][title]) for title in SECTIONS)
        for account_id in account_ids
    }
