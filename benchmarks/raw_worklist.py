"""The baseline of `arbench worklist --format json`: bare sqlite3 fetching the same columns.

`python benchmarks/raw_worklist.py BOOK LOGIN > out.json` reads a user's open items with one
plain SQL query (the columns the worklist's JSON is made of: the item, its pro and its
account) and writes them as a JSON array, one object per row, streamed in batches: what any
program pays to fetch and serialize those rows, with no ranking and no reason text. Nothing
of arbench is imported.
"""

from __future__ import annotations

import json
import sqlite3
import sys

QUERY = """
SELECT i.level, i.id, p.pro, a.number, a.name, i.type, i.root_cause, p.open_balance,
       p.due_date, i.follow_up, i.status, p.bol, p.invoice_number, p.invoice_date,
       i.parent_id, i.opened_on, a.risk_score, i.amount, i.owner_id
FROM issues i JOIN accounts a ON a.id = i.account_id LEFT JOIN pros p ON p.id = i.pro_id
WHERE i.owner_id = (SELECT id FROM users WHERE login = ?)
  AND i.status IN ('open', 'waiting', 'pending_approval')
"""
KEYS = ("level", "id", "pro", "account_number", "account_name", "type", "root_cause",
        "open_amount", "due_date", "follow_up", "status", "bol", "invoice_number",
        "invoice_date", "parent_id", "opened_on", "risk_score", "amount", "owner_id")  # fmt: skip


def main() -> None:
    book, login = sys.argv[1], sys.argv[2]
    cursor = sqlite3.connect(book).execute(QUERY, (login,))
    out = sys.stdout.write
    first = True
    while rows := cursor.fetchmany(1000):
        out(
            ("[\n" if first else ",\n")
            + ",\n".join(json.dumps(dict(zip(KEYS, r, strict=True))) for r in rows)
        )
        first = False
    out("[]\n" if first else "\n]\n")


if __name__ == "__main__":
    main()
