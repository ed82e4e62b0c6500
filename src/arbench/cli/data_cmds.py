"""Sub-commands for data in and out: import invoices/remittance, preaudit, export.

    arbench import invoices FILE [--mapping NAME | --map SOURCE=FIELD ...] [--dry-run]
                                 [--close-missing] [--save-mapping NAME] [--format json]
    arbench import remittance FILE [--format json]
    arbench preaudit [--since YYYY-MM-DD] [--format table|csv|json]
    arbench export worklist|aging|statement [--user LOGIN] [--account NUMBER] --out FILE

`--as LOGIN` is optional for imports (the audit then names the `import` system actor). A file
with errors exits 1 with every error printed, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from arbench.cli.common import CliError, open_db, parse_date
from arbench.cli.output import print_json, print_rows
from arbench.output_files import check_output_file
from arbench.services.base import actor_for

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
                       help="map one column (repeatable); other columns are guessed")  # fmt: skip
    inv.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    inv.add_argument("--close-missing", action="store_true",
                     help="close open pros absent from this full register")  # fmt: skip
    inv.add_argument("--save-mapping", metavar="NAME", help="save the mapping used as a profile")
    inv.add_argument("--on", metavar="YYYY-MM-DD", help="the import date (default: today)")
    inv.add_argument("--format", choices=("text", "json"), default="text")
    inv.set_defaults(func=cmd_import_invoices)
    rem = kinds.add_parser("remittance", help="a remittance: CSV, xlsx or X12 820")
    rem.add_argument("file", metavar="FILE")
    rem.add_argument("--on", metavar="YYYY-MM-DD", help="the posting date (default: today)")
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


def _pairs(values: list[str]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        source, sep, target = value.rpartition("=")
        if not sep or not source.strip() or not target.strip():
            raise CliError(f"--map expects SOURCE_COLUMN=FIELD, not '{value}'")
        pairs[source.strip()] = target.strip()
    return pairs


def _actor(args: argparse.Namespace, db: Any) -> Any:
    from arbench.services.imports import IMPORT_ACTOR

    return actor_for(db, args.as_login) if args.as_login else IMPORT_ACTOR


def _print_errors(errors: list[dict[str, Any]], name: str) -> None:
    """One line for one problem; a summary line and one line per problem for several."""
    if len(errors) == 1:
        print(f"{name} rejected, nothing was written: {_error_line(errors[0])}", file=sys.stderr)
        return
    print(f"{name} rejected: {len(errors)} error(s); nothing was written", file=sys.stderr)
    for e in errors:
        print(f"  {_error_line(e)}", file=sys.stderr)


def _error_line(e: dict[str, Any]) -> str:
    where = "file" if e["row"] == 0 else f"{e.get('unit', 'row')} {e['row']}"
    column = f", {e['column']}" if e["column"] else ""
    value = f" {e['value']!r}" if e.get("value") else ""
    return f"{where}{column}:{value} {e['message']}"


def cmd_import_invoices(args: argparse.Namespace) -> int:
    from arbench.services.imports import import_invoices, read_for_import, save_mapping

    on = parse_date(args.on, "--on") or date.today()
    db = open_db(args)
    try:
        actor = _actor(args, db)
        data = read_for_import(db, Path(args.file), args.mapping, _pairs(args.map))
        summary = import_invoices(db, args.file, actor=actor, data=data, dry_run=args.dry_run,
                                  close_missing=args.close_missing, on=on)  # fmt: skip
        if summary.ok and args.save_mapping and data.kind == "invoices":
            save_mapping(db, actor, args.save_mapping, data.mapping)
    finally:
        db.dispose()
    if args.format == "json":
        print_json(summary.to_json())
    elif summary.ok:
        _print_import(summary)
    if not summary.ok:
        _print_errors(summary.errors, summary.file)
        return 1
    return 0


def _print_import(s: Any) -> None:
    verb = "would import" if s.dry_run else "imported"
    print(f"{s.file}: {verb} {s.rows:,} rows: {s.created:,} new, {s.updated:,} changed, "
          f"{s.unchanged:,} unchanged, {s.closed:,} closed, {s.credits:,} credits")  # fmt: skip
    print(f"  accounts created {s.accounts_created:,}, issues opened {s.issues_opened:,}, "
          f"issues resolved {s.issues_resolved:,}")  # fmt: skip
    if s.absent and s.kind == "invoices":
        action = (
            "closed" if s.closed >= s.absent else "not in this file (--close-missing closes them)"
        )
        print(f"  {s.absent:,} open pros {action}")
    if not s.dry_run and s.batch_id is None:
        print("  nothing changed: the book already matches this file")


def cmd_import_remittance(args: argparse.Namespace) -> int:
    from arbench.services.remittance import apply_remittance

    on = parse_date(args.on, "--on") or date.today()
    db = open_db(args)
    try:
        summary = apply_remittance(db, args.file, actor=_actor(args, db), on=on)
    finally:
        db.dispose()
    if args.format == "json":
        print_json(summary.to_json())
    elif summary.ok:
        print(f"{summary.file}: {summary.payments_applied:,} payments applied, "
              f"${summary.amount_applied:,.2f}; {summary.short_pays:,} short pays; "
              f"${summary.unapplied:,.2f} unapplied; {summary.pros_closed:,} pros closed")  # fmt: skip
    if not summary.ok:
        _print_errors(summary.errors, summary.file)
        return 1
    return 0


def cmd_preaudit(args: argparse.Namespace) -> int:
    from arbench.services.preaudit import COLUMNS as PREAUDIT_COLUMNS
    from arbench.services.preaudit import preaudit

    since = parse_date(args.since, "--since")
    db = open_db(args)
    try:
        result = preaudit(db, since)
    finally:
        db.dispose()
    print_rows([r.to_json() for r in result.rows], PREAUDIT_COLUMNS, args.format)
    if args.format == "table":
        print(f"{result.drafts:,} drafts checked, {result.clean:,} ready to invoice, "
              f"{len(result.rows):,} exceptions", file=sys.stderr)  # fmt: skip
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from arbench.services import exports as export_service

    on = parse_date(args.on, "--on") or date.today()
    check_output_file(args.out, "--out")
    db = open_db(args)
    try:
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
    finally:
        db.dispose()
    print(f"wrote {result.path} ({result.rows:,} rows)")
    return 0
