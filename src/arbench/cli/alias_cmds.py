"""Account aliases on the command line: the other identifiers a payer or bill-to uses.

    arbench --as SUPERVISOR alias add ACCOUNT --kind duns --value 123456789
    arbench alias list [ACCOUNT] [--format table|csv|json]
    arbench --as SUPERVISOR alias remove ACCOUNT --kind duns --value 123456789

Remittances and 210s resolve their payer and bill-to through these (see
docs/data-in-and-out.md); `import remittance FILE --account NUMBER` learns them from a file.
"""

from __future__ import annotations

import argparse

from arbench.cli.common import acting_user, open_db
from arbench.cli.output import print_rows
from arbench.services.intake.aliases import ALIAS_KINDS, add_alias, list_aliases, remove_alias

COLUMNS = ("account_number", "account_name", "kind", "value", "source", "created_at", "created_by")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("alias", help="account aliases: DUNS, payer ids, bill-to codes, names")
    actions = p.add_subparsers(dest="alias_action", metavar="ACTION", required=True)
    for name, helptext in (("add", "give an account another identifier (supervisors)"),
                           ("remove", "take an identifier off an account (supervisors)")):  # fmt: skip
        action = actions.add_parser(name, help=helptext)
        action.add_argument("account", metavar="ACCOUNT", help="the account number")
        action.add_argument("--kind", required=True, choices=ALIAS_KINDS)
        action.add_argument("--value", required=True, help="the identifier as the file writes it")
        action.set_defaults(func=cmd_alias_add if name == "add" else cmd_alias_remove)
    listing = actions.add_parser("list", help="the aliases of one account, or of every account")
    listing.add_argument("account", metavar="ACCOUNT", nargs="?")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    listing.set_defaults(func=cmd_alias_list)


def cmd_alias_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "alias add")
    alias = add_alias(db, actor, args.account, args.kind, args.value)
    print(
        f"{alias.kind} {alias.value!r} is now an alias of {alias.account_number} ({alias.account_name})"
    )
    return 0


def cmd_alias_remove(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "alias remove")
    remove_alias(db, actor, args.account, args.kind, args.value)
    print(f"{args.kind} {args.value!r} is no longer an alias of {args.account}")
    return 0


def cmd_alias_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    aliases = list_aliases(db, args.account)
    print_rows([a.to_json() for a in aliases], COLUMNS, args.format)
    return 0
