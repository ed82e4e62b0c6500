"""Sub-commands for the collector's workflow in batch: settle promises, promotion proposals."""

from __future__ import annotations

import argparse

from arbench.cli.common import acting_user, open_db, parse_date
from arbench.cli.output import print_json, print_rows
from arbench.services.work import promises as promises_service
from arbench.services.work import promotion as promotion_service

PROPOSAL_COLUMNS = (
    "account_number",
    "account_name",
    "issue_type",
    "root_cause",
    "pros",
    "existing_issue_id",
)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("promises", help="promises to pay")
    promises_sub = p.add_subparsers(dest="promises_command", metavar="ACTION", required=True)
    settle = promises_sub.add_parser("settle", help="mark open promises kept or broken (run daily)")
    settle.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    settle.set_defaults(func=cmd_settle)

    p = sub.add_parser("proposals", help="promotion proposals: repeated pro causes on one account")
    p.add_argument("--user", required=True, metavar="LOGIN")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_proposals)


def cmd_settle(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "promises settle")
    summary = promises_service.settle_promises(db, actor, parse_date(args.on, "--on"))
    print(
        f"{summary.checked:,} open promise(s) checked on {summary.on}: "
        f"{len(summary.kept):,} kept, {len(summary.broken):,} broken"
    )
    return 0


def cmd_proposals(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = promotion_service.promotion_proposals(
        db, login=args.user, on=parse_date(args.on, "--on")
    )
    rows = [
        {
            "account_number": p.account_number, "account_name": p.account_name,
            "issue_type": p.issue_type, "root_cause": p.root_cause,
            "pros": " ".join(p.pros), "issue_ids": list(p.issue_ids),
            "existing_issue_id": p.existing_issue_id,
        }
        for p in found
    ]  # fmt: skip
    if args.format == "json":
        print_json(rows)
    else:
        print_rows(rows, PROPOSAL_COLUMNS, args.format)
    return 0
