"""Sub-commands for the collector's day: `today` (the plan of accounts) and `capacity`."""

from __future__ import annotations

import argparse

from arbench.cli.book import WORKLIST_COLUMNS
from arbench.cli.common import CliError, acting_user, open_db, parse_date
from arbench.cli.output import print_json, print_rows
from arbench.services.work import day_plan

TODAY_COLUMNS = ("rank", "account_number", "account_name", "open_amount", "items",
                 "oldest_days_past_due", "reasons")  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("today", help="a collector's plan for the day: the accounts to contact")
    p.add_argument("--user", required=True, metavar="LOGIN")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_today)

    p = sub.add_parser("capacity", help="set a collector's daily capacity (accounts per day)")
    p.add_argument("login", metavar="LOGIN")
    p.add_argument("accounts", metavar="N", help="accounts to contact per day")
    p.set_defaults(func=cmd_capacity)


def cmd_today(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    plan = day_plan.today(db, args.user, on, with_items=args.format == "json")
    if args.format == "json":
        print_json([a.to_json(WORKLIST_COLUMNS) for a in plan.accounts])
        return 0
    rows = [
        {"rank": a.rank, "account_number": a.account_number, "account_name": a.account_name,
         "open_amount": f"{a.open_amount:,.2f}", "items": a.items,
         "oldest_days_past_due": a.oldest_days_past_due,
         "reasons": ("✓ worked; " if a.worked else "") + "; ".join(a.reasons)}
        for a in plan.accounts
    ]  # fmt: skip
    planned = "planned" if plan.stored else "as it would be planned now"
    print(f"{plan.login} on {plan.on}: {len(plan.accounts)} of {plan.capacity} accounts "
          f"({planned}), {plan.worked} worked")  # fmt: skip
    print_rows(rows, TODAY_COLUMNS, "table")
    if plan.later:
        print(f"later: {len(plan.later):,} more accounts with something due "
              f"(first: {plan.later[0].account_number} {plan.later[0].account_name})")  # fmt: skip
    return 0


def cmd_capacity(args: argparse.Namespace) -> int:
    try:
        accounts = int(args.accounts)
    except ValueError:
        raise CliError(
            f"N must be a whole number of accounts per day, not '{args.accounts}'"
        ) from None
    db = open_db(args)
    actor = acting_user(args, db, "capacity")
    day_plan.set_capacity(db, actor, args.login, accounts)
    print(f"{args.login} contacts {accounts} accounts per day from the next plan on")
    return 0
