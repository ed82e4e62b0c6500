"""After the team benchmark: is the book what applying every reported action once, one after
the other, would have made? (benchmarks/bench_concurrency.py)

Read straight from the book, against what the workers said they did:
- each collector's new timeline entries, by kind, equal their successful calls and promises
  (none lost, none doubled), and the audit trail has one event per action, per move, per import;
- each item a collector touched has the follow-up of the last action on it, and the items
  promised on have exactly one open promise: the last one, amount and date;
- each account the supervisor moved belongs to the collector it was moved to last, and none
  of its open items is left with another of the idle collectors;
- every pro of the register has the balance of the register applied last.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

MARKED = ("activities", "audit_events", "import_batches")


def markers(url: str) -> dict[str, int]:
    """The highest id of each table the run adds to, before it starts."""
    from sqlalchemy import text

    from arbench.store.db import open_database

    db = open_database(url)
    with db.session() as s:
        found = {t: int(s.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")) or 0)
                 for t in MARKED}  # fmt: skip
    db.dispose()
    return found


def check(url: str, marks: dict[str, int], done: dict[str, Any]) -> dict[str, Any]:
    """Problems found (empty when the book is one application of everything) and the counts."""
    from arbench.store.db import open_database

    db = open_database(url)
    problems: list[str] = []
    try:
        with db.session() as s:
            counts = _trail(s, marks, done, problems)
            _items(s, done["collectors"], problems)
            _accounts(s, done["supervisor"], done["idle"], problems)
            _balances(s, done["importer"], done["balances"], problems)
    finally:
        db.dispose()
    return {"ok": not problems, "problems": problems[:8], "problem_count": len(problems),
            "checked": counts}  # fmt: skip


def _trail(
    s: Any, marks: dict[str, int], done: dict[str, Any], problems: list[str]
) -> dict[str, int]:
    from arbench.store.models import Activity, AuditEvent, ImportBatch, User

    users = dict(s.execute(select(User.login, User.id)).all())
    new = Counter(
        {
            (u, k): n
            for u, k, n in s.execute(
                select(Activity.user_id, Activity.kind, func.count())
                .where(Activity.id > marks["activities"])
                .group_by(Activity.user_id, Activity.kind)
            )
        }  # fmt: skip
    )
    for c in done["collectors"]:
        for kind, n in c["done"].items():
            found = new[(users[c["login"]], kind)]
            if found != n:
                problems.append(f"{c['login']}: {n} {kind}s succeeded, {found} on the timeline")
    events = Counter(dict(s.execute(
        select(AuditEvent.action, func.count()).where(AuditEvent.id > marks["audit_events"])
        .group_by(AuditEvent.action)).all()))  # fmt: skip
    imports = len(done["importer"]["updated"])
    expected = {
        "issue.call": sum(c["done"]["call"] for c in done["collectors"]),
        "issue.promise": sum(c["done"]["promise"] for c in done["collectors"]),
        "account.assign": done["supervisor"]["moves"], "import.invoices": imports,
    }  # fmt: skip
    for action, n in expected.items():
        if events[action] != n:
            problems.append(f"audit: {n} {action} expected, {events[action]} found")
    batches = s.scalar(select(func.count()).where(ImportBatch.id > marks["import_batches"]))
    if batches != imports:
        problems.append(f"{imports} imports applied, {batches} import batches recorded")
    return {"actions": expected["issue.call"] + expected["issue.promise"],
            "moves": expected["account.assign"], "imports": imports,
            "items": sum(len(c["follow_up"]) for c in done["collectors"])}  # fmt: skip


def _items(s: Any, collectors: list[dict[str, Any]], problems: list[str]) -> None:
    from arbench.store.models import Issue, Promise

    follow_up = {k: v for c in collectors for k, v in c["follow_up"].items()}
    promised = {k: v for c in collectors for k, v in c["promised"].items()}
    ids = sorted(follow_up)
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for issue_id, value in s.execute(
            select(Issue.id, Issue.follow_up).where(Issue.id.in_(chunk))
        ):
            if value is None or value.isoformat() != follow_up[issue_id]:
                problems.append(
                    f"item {issue_id}: follow-up {value}, last action set {follow_up[issue_id]}"
                )
        open_promises: dict[int, list[tuple[Decimal, str]]] = {}
        for issue_id, amount, due in s.execute(
            select(Promise.issue_id, Promise.amount, Promise.due_on)
            .where(Promise.issue_id.in_(chunk), Promise.status == "open")
        ):  # fmt: skip
            open_promises.setdefault(issue_id, []).append((amount, due.isoformat()))
        for issue_id in chunk:
            if issue_id not in promised:
                continue
            amount, due = promised[issue_id]
            found = open_promises.get(issue_id, [])
            if found != [(Decimal(amount), due)]:
                problems.append(
                    f"item {issue_id}: open promises {found}, last promised {amount} by {due}"
                )


def _accounts(s: Any, supervisor: dict[str, Any], idle: list[str], problems: list[str]) -> None:
    from arbench.store.models import Account, Issue, User

    users = dict(s.execute(select(User.login, User.id)).all())
    idle_ids = {users[login] for login in idle}
    for number, login in supervisor["last"].items():
        account_id, owner = s.execute(
            select(Account.id, Account.collector_id).where(Account.number == number)
        ).one()
        if owner != users[login]:
            problems.append(f"account {number}: collector id {owner}, last moved to {login}")
        strays = s.scalar(select(func.count()).where(
            Issue.account_id == account_id, Issue.status.in_(("open", "waiting")),
            Issue.owner_id.in_(idle_ids - {users[login]})))  # fmt: skip
        if strays:
            problems.append(f"account {number}: {strays} open items left with another collector")


def _balances(
    s: Any, importer: dict[str, Any], balances: list[dict[str, str]], problems: list[str]
) -> None:
    from arbench.store.models import Pro

    if importer["last"] is None:
        problems.append("no import was applied")
        return
    expected = balances[importer["last"]]
    found = dict(
        s.execute(select(Pro.pro, Pro.open_balance).where(Pro.pro.in_(list(expected)))).all()
    )
    wrong = [p for p, v in expected.items() if found.get(p) != Decimal(v)]
    if wrong:
        problems.append(f"{len(wrong)} register pros without the last import's balance, e.g. "
                        f"{wrong[0]}: {found.get(wrong[0])} ≠ {expected[wrong[0]]}")  # fmt: skip
