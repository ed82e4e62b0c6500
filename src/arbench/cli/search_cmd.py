"""`arbench search TEXT`: open items anywhere in the book, by PRO, BOL, invoice or customer.

For the customer who calls about a bill that is on someone else's list. The JSON objects have
the same keys as `arbench worklist`; the table and CSV add the collector who owns each item.
Reads only: a cover whose date has come is given back by `arbench covers end`, not here.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from arbench.cli.book import WORKLIST_COLUMNS
from arbench.cli.common import CliError, open_db, parse_date, viewer
from arbench.cli.output import print_json, print_rows
from arbench.services.work import search as search_service

SEARCH_COLUMNS = (*WORKLIST_COLUMNS, "collector")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "search", help="find open items in the whole book by PRO, BOL, invoice or customer"
    )
    p.add_argument("text", metavar="TEXT", help="the start of a PRO, BOL, invoice, customer "
                   "number or customer name (any case)")  # fmt: skip
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--limit", type=int, default=200, metavar="N", help="at most N items (200)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise CliError("search TEXT must not be empty")
    if args.limit < 1:
        raise CliError(f"--limit must be at least 1, not {args.limit}")
    on = parse_date(args.on, "--on") or date.today()
    db = open_db(args)
    items = search_service.search_open_items(db, args.text, on, args.limit, actor=viewer(args, db))
    owners = search_service.owner_logins(db, [i.id for i in items])
    ordered = [i for i in items if i.level == "pro"] + [i for i in items if i.level == "account"]
    if args.format == "json":
        print_json([i.to_json() for i in ordered])
    else:
        rows = [{**i.to_json(), "collector": owners.get(i.id, "")} for i in ordered]
        print_rows(rows, SEARCH_COLUMNS, args.format)
    if args.format == "table" and len(items) >= args.limit:
        print(f"first {args.limit} matches shown; type more of the PRO or name, or raise --limit",
              file=sys.stderr)  # fmt: skip
    return 0
