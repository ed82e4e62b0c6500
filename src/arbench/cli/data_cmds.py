"""Sub-commands for data in and out: import invoices/remittance, preaudit, export.

    arbench import invoices FILE [--mapping NAME | --map SOURCE=FIELD ...] [--dry-run]
                                 [--close-missing] [--merge-leading-zeros]
                                 [--save-mapping NAME] [--lenient] [--account NUMBER]
                                 [--format json]
    arbench import remittance FILE [--account NUMBER] [--lenient] [--dry-run] [--format json]
    arbench preaudit [--since YYYY-MM-DD] [--format table|csv|json]
    arbench export worklist|aging|statement [--user LOGIN] [--account NUMBER] --out FILE

Imports need an acting user (`--as LOGIN`, or the team database login): a nightly import runs
as the service user a supervisor chose. A file with errors exits 1 with every error printed,
and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from arbench.cli.common import CliError, acting_user, open_db, parse_date
from arbench.cli.output import print_json, print_rows
from arbench.output_files import check_output_file

# The import, remittance and export services load pandas/openpyxl: they are imported inside the
# commands that use them, so `arbench --version`, `users` or `worklist` start without them.


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="import invoices (register or 210) or a remittance")
    kinds = p.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    inv = kinds.add_parser("invoices", help="an open-item register (xlsx, xls, csv) or X12 210")
    inv.add_argument("file", metavar="FILE")
    group = inv.add_mutually_exclusive_group()
    group.add_argument("--mapping", metavar="NAME", help="a saved column mapping profile")
    group.add_argument("--map", action="append", default=[], metavar="SOURCE_COLUMN=FIELD",
                       help="map one column (repeatable; FIELD 'ignore' keeps it out); "
                       "other columns are guessed")  # fmt: skip
    inv.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    inv.add_argument("--close-missing", action="store_true",
                     help="close open pros absent from this full register")  # fmt: skip
    inv.add_argument("--merge-leading-zeros", action="store_true",
                     help="import account numbers that differ only by leading zeros "
                     "(0200769623, 200769623) as one account")  # fmt: skip
    inv.add_argument("--save-mapping", metavar="NAME", help="save the mapping used as a profile")
    inv.add_argument("--on", metavar="YYYY-MM-DD", help="the import date (default: today)")
    _lenient(inv)
    inv.add_argument("--account", metavar="NUMBER",
                     help="210: bill this account for bill-tos no alias resolves (learnt as aliases)")  # fmt: skip
    inv.add_argument("--format", choices=("text", "json"), default="text")
    inv.set_defaults(func=cmd_import_invoices)
    rem = kinds.add_parser("remittance", help="a remittance: CSV, xlsx or X12 820")
    rem.add_argument("file", metavar="FILE")
    rem.add_argument("--on", metavar="YYYY-MM-DD", help="the posting date (default: today)")
    rem.add_argument("--account", metavar="NUMBER",
                     help="the paying account; the file's payer identifiers become its aliases")  # fmt: skip
    _lenient(rem)
    rem.add_argument(
        "--dry-run", action="store_true", help="show what applying would do; write nothing"
    )
    rem.add_argument("--format", choices=("text", "json"), default="text")
    rem.set_defaults(func=cmd_import_remittance)

    p = sub.add_parser("preaudit", help="pre-audit the draft freight bills before invoicing")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="also re-check pros invoiced since")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_preaudit)

    p = sub.add_parser("export", help="export a worklist, aging or statement (xlsx, pdf)")
    p.add_argument("what", choices=("worklist", "aging", "statement"))
    p.add_argument("--user", metavar="LOGIN", help="the collector (worklist; aging of one book)")
    p.add_argument("--account", metavar="NUMBER", help="the account (statement)")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="as of this day (default: today)")
    p.add_argument(
        "--out", required=True, metavar="FILE", help="FILE.xlsx, or FILE.pdf (statement)"
    )
    p.set_defaults(func=cmd_export)


def _lenient(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lenient", action="store_true",
                        help="X12: accept senders' deviations (six-digit dates, envelope counts "
                             "and control numbers that disagree ...) and list them as warnings")  # fmt: skip


def _pairs(values: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        source, sep, target = value.rpartition("=")
        if not sep or not source.strip() or not target.strip():
            raise CliError(f"--map expects SOURCE_COLUMN=FIELD, not '{value}'")
        pairs[source.strip()] = target.strip()
    return pairs


def _problem(e: dict[str, Any]) -> str:
    where = "file" if e["row"] == 0 else f"{e.get('unit', 'row')} {e['row']}"
    column = f", {e['column']}" if e["column"] else ""
    value = f" {e['value']!r}" if e.get("value") else ""
    return f"{where}{column}:{value} {e['message']}"


def _print_errors(errors: list[dict[str, Any]], name: str) -> None:
    """One line for one problem; a summary line and one line per problem for several."""
    if len(errors) == 1:
        print(f"{name} rejected, nothing was written: {_problem(errors[0])}", file=sys.stderr)
        return
    print(f"{name} rejected: {len(errors)} error(s); nothing was written", file=sys.stderr)
    for e in errors:
        print(f"  {_problem(e)}", file=sys.stderr)


def _print_warnings(warnings: list[dict[str, Any]]) -> None:
    for w in warnings:
        print(f"  warning: {_problem(w)}", file=sys.stderr)


def cmd_import_invoices(args: argparse.Namespace) -> int:
    from arbench.services.intake.imports import import_invoices, read_for_import, save_mapping

    on = parse_date(args.on, "--on") or date.today()
    db = open_db(args)
    actor = acting_user(args, db, "import invoices")
    data = read_for_import(db, Path(args.file), args.mapping, _pairs(args.map),
                           lenient=args.lenient, account=args.account)  # fmt: skip
    summary = import_invoices(db, args.file, actor=actor, data=data, dry_run=args.dry_run,
                              close_missing=args.close_missing, on=on,
                              merge_leading_zeros=args.merge_leading_zeros)  # fmt: skip
    if summary.ok and args.save_mapping and data.kind == "invoices":
        save_mapping(db, actor, args.save_mapping, data.mapping)
    if args.format == "json":
        print_json(summary.to_json())
    elif summary.ok:
        _print_import(summary)
        _print_warnings(summary.warnings)
    if not summary.ok:
        _print_errors(summary.errors, summary.file)
        return 1
    return 0


def _print_import(s: Any) -> None:
    verb = "would import" if s.dry_run else "imported"
    print(f"{s.file}: {verb} {s.rows:,} rows: {s.created:,} new, {s.updated:,} changed, "
          f"{s.unchanged:,} unchanged, {s.closed:,} closed, {s.credits:,} credits")  # fmt: skip
    print(f"  accounts created {s.accounts_created:,}, issues opened {s.issues_opened:,}, "
          f"issues resolved {s.issues_resolved:,}, reopened {s.issues_reopened:,}, "
          f"disputes {s.disputes_opened:,}, payments and adjustments {s.movements:,}")  # fmt: skip
    if s.absent and s.kind == "invoices":
        action = (
            "closed" if s.closed >= s.absent else "not in this file (--close-missing closes them)"
        )
        print(f"  {s.absent:,} open pros {action}")
    for line in s.remarks():
        print(f"  {line}")
    if s.amounts_by_currency:
        billed = ", ".join(f"{Decimal(v):,.2f} {c}" for c, v in s.amounts_by_currency.items())
        print(f"  billed: {billed}")
    for alias in s.aliases_learned:
        print(
            f"  alias learnt: {alias['kind']} {alias['value']!r} is account {alias['account_number']}"
        )
    if not s.dry_run and s.batch_id is None:
        print("  nothing changed: the book already matches this file")


def cmd_import_remittance(args: argparse.Namespace) -> int:
    from arbench.services.intake.remittance import apply_remittance

    on = parse_date(args.on, "--on") or date.today()
    db = open_db(args)
    actor = acting_user(args, db, "import remittance")
    summary = apply_remittance(db, args.file, actor=actor, on=on, lenient=args.lenient,
                               account=args.account, dry_run=args.dry_run)  # fmt: skip
    if args.format == "json":
        print_json(summary.to_json())
    elif summary.ok:
        _print_remittance(summary)
        _print_warnings(summary.warnings)
    if not summary.ok:
        _print_errors(summary.errors, summary.file)
        _print_warnings(summary.warnings)
        return 1
    return 0


def _print_remittance(s: Any) -> None:
    verb = "would apply" if s.dry_run else "applied"
    currency = f" {s.currency}" if s.currency else ""
    print(f"{s.file}: {verb} {s.bank_amount:,.2f}{currency} ({s.bank_source}) = applied "
          f"{s.applied:,.2f} + unapplied {s.unapplied:,.2f} + adjustments {s.adjustments:,.2f} "
          f"+ variance {s.variance:,.2f}")  # fmt: skip
    for a in s.accounts:
        print(f"  {a['account_number']} {a['account_name']}: applied {Decimal(a['applied']):,.2f}, "
              f"unapplied {Decimal(a['unapplied']):,.2f}, adjustments "
              f"{Decimal(a['adjustments']):,.2f}, variance {Decimal(a['variance']):,.2f}")  # fmt: skip
    print(f"  {s.payments_applied:,} payments on pros, {s.short_pays:,} short pays, "
          f"{len(s.adjustment_items):,} adjustments as items, {s.issues_opened:,} items opened, "
          f"{s.pros_closed:,} pros closed")  # fmt: skip
    for alias in s.aliases_learned:
        print(
            f"  alias learnt: {alias['kind']} {alias['value']!r} is account {alias['account_number']}"
        )


def cmd_preaudit(args: argparse.Namespace) -> int:
    from arbench.services.intake.preaudit import COLUMNS as PREAUDIT_COLUMNS
    from arbench.services.intake.preaudit import preaudit

    since = parse_date(args.since, "--since")
    db = open_db(args)
    result = preaudit(db, since)
    print_rows([r.to_json() for r in result.rows], PREAUDIT_COLUMNS, args.format)
    if args.format == "table":
        print(f"{result.drafts:,} drafts checked, {result.clean:,} ready to invoice, "
              f"{len(result.rows):,} exceptions", file=sys.stderr)  # fmt: skip
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from arbench.services.reporting import exports as export_service

    on = parse_date(args.on, "--on") or date.today()
    check_output_file(args.out, "--out")
    db = open_db(args)
    if args.what == "worklist":
        if not args.user:
            raise CliError("`export worklist` needs --user LOGIN")
        result = export_service.export_worklist(db, args.user, on, args.out)
    elif args.what == "aging":
        result = export_service.export_aging(db, on, args.out, args.user)
    else:
        if not args.account:
            raise CliError("`export statement` needs --account NUMBER")
        result = export_service.export_statement(db, args.account, on, args.out)
    print(f"wrote {result.path} ({result.rows:,} rows)")
    return 0
