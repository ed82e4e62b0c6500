"""Sub-commands for statements sent to customers, reminder cadences and the daily run.

arbench --as LOGIN statement send --account N [--account N ...] [--pros PRO,PRO] [--to ADDR]
                                  [--item ID] [--on DATE] [--format json]
arbench --as SUP cadence set NAME --step -3:TEMPLATE --step 7:TEMPLATE ... [--class CLASS]
                                  [--quiet DAYS] [--auto]
arbench --as SUP cadence account NUMBER [--class CLASS] [--cadence NAME]
arbench [--as LOGIN] reminders [--on DATE] [--format json] · reminders approve|skip ID... | --all
arbench [--as LOGIN] daily [--on DATE] [--format json]
"""

from __future__ import annotations

import argparse
from datetime import date

from arbench.cli.common import CliError, acting_user, open_db, parse_date
from arbench.cli.output import print_json, print_rows, record


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("statement", help="send statements of account to customers")
    actions = p.add_subparsers(dest="statement_command", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="email the statement (PDF) of one or more accounts")
    send.add_argument("--account", action="append", required=True, metavar="NUMBER")
    send.add_argument("--pros", metavar="PRO,PRO", help="only these PROs (one account)")
    send.add_argument("--to", help="the recipient (default: the account's contact)")
    send.add_argument("--item", type=int, metavar="ID", help="the item it is sent from")
    send.add_argument("--on", metavar="YYYY-MM-DD", help="the statement date (default: today)")
    send.add_argument("--format", choices=("table", "json"), default="table")
    send.set_defaults(func=cmd_statement_send)

    p = sub.add_parser("cadence", help="reminder cadences (supervisors)")
    actions = p.add_subparsers(dest="cadence_command", metavar="ACTION", required=True)
    cset = actions.add_parser("set", help="create or change a cadence")
    cset.add_argument("name")
    cset.add_argument("--step", action="append", required=True, metavar="OFFSET:TEMPLATE",
                      help="days from the due date and the template (-3:payment_reminder_upcoming)")  # fmt: skip
    cset.add_argument("--class", dest="account_class", help="the account class it applies to")
    cset.add_argument(
        "--quiet",
        type=int,
        default=3,
        metavar="DAYS",
        help="days between two reminders to an account",
    )
    cset.add_argument(
        "--auto", action="store_true", help="send without approval (if mail auto-send is on)"
    )
    cset.set_defaults(func=cmd_cadence_set)
    acc = actions.add_parser("account", help="an account's class or own cadence")
    acc.add_argument("number")
    acc.add_argument("--class", dest="account_class")
    acc.add_argument("--cadence", help="a cadence for this account ('' to clear)")
    acc.set_defaults(func=cmd_cadence_account)

    p = sub.add_parser("reminders", help="the day's reminder queue; approve or skip")
    p.add_argument("action", nargs="?", choices=("list", "approve", "skip"), default="list")
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.add_argument("--all", action="store_true", help="every reminder in your queue")
    p.add_argument("--on", metavar="YYYY-MM-DD")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_reminders)

    p = sub.add_parser(
        "daily",
        help="the daily run: promises, covers, escalations, reminders, mail, the monthly "
        "root-cause pack (idempotent)",
    )
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_daily)


def cmd_statement_send(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import statements

    pros = [p.strip() for p in args.pros.split(",") if p.strip()] if args.pros else None
    if pros and len(args.account) > 1:
        raise CliError("--pros goes with one --account")
    db = open_db(args)
    actor = acting_user(args, db, "statement send")
    on = parse_date(args.on, "--on") or date.today()
    if len(args.account) == 1:
        sent = [statements.send_statement(db, actor, args.account[0], on, pros=pros, to=args.to,
                                          issue_id=args.item)]  # fmt: skip
        failed: list[tuple[str, str]] = []
    else:
        report = statements.send_statements(db, actor, args.account, on)
        sent, failed = report.sent, report.failed
    if args.format == "json":
        print_json(
            {
                "sent": [record(s) for s in sent],
                "failed": [{"account": a, "error": e} for a, e in failed],
            }
        )
    else:
        for s in sent:
            print(f"sent {s.file_name} ({s.pros} items, {s.total}) to {', '.join(s.to)}")
        for account, error in failed:
            print(f"NOT sent for {account}: {error}")
    return 1 if failed else 0


def cmd_cadence_set(args: argparse.Namespace) -> int:
    from arbench.domain.cadence import parse_step
    from arbench.services.correspondence import reminders

    try:
        steps = tuple(parse_step(s) for s in args.step)
    except ValueError as exc:
        raise CliError(f"--step: {exc}") from None
    db = open_db(args)
    spec = reminders.CadenceSpec(args.name, steps, args.account_class, args.quiet, args.auto)
    reminders.define_cadence(db, acting_user(args, db, "cadence set"), spec)
    shown = ", ".join(f"{o:+d}:{t}" for o, t in steps)
    print(f"cadence {args.name} ({args.account_class or 'named accounts'}): {shown}; quiet {args.quiet} days"
          + ("; automatic" if args.auto else ""))  # fmt: skip
    return 0


def cmd_cadence_account(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import reminders

    db = open_db(args)
    reminders.set_account_cadence(db, acting_user(args, db, "cadence account"), args.number,
                                  account_class=args.account_class, cadence=args.cadence)  # fmt: skip
    print(f"account {args.number} updated")
    return 0


def cmd_reminders(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import reminder_approval

    db = open_db(args)
    actor = acting_user(args, db, "reminders")  # a collector's queue, or every one for a supervisor
    on = parse_date(args.on, "--on") or date.today()
    queue = reminder_approval.reminder_queue(db, actor, on)
    if args.action == "list":
        rows = [record(r) for r in queue]
        if args.format == "json":
            print_json(rows)
        else:
            print_rows(
                rows,
                ("id", "pro", "account_number", "offset_days", "template", "due_on", "status"),
                "table",
            )
        return 0
    ids = [r.id for r in queue] if args.all else args.ids
    if not ids:
        raise CliError(f"`reminders {args.action}` needs reminder IDs or --all")
    if args.action == "skip":
        print(f"{reminder_approval.skip(db, actor, ids)} reminder(s) skipped")
        return 0
    report = reminder_approval.approve(db, actor, ids, on)
    for reminder_id, why in report.failed:
        print(f"reminder {reminder_id} NOT sent: {why}")
    print(f"{len(report.sent)} reminder(s) sent, {len(report.failed)} failed")
    return 1 if report.failed else 0


def cmd_daily(args: argparse.Namespace) -> int:
    from arbench.services.admin.daily import run_daily

    db = open_db(args)
    report = run_daily(db, acting_user(args, db, "daily"), parse_date(args.on, "--on"))
    if args.format == "json":
        print_json({"on": report.on, "steps": [record(s) for s in report.steps]})
    else:
        for step in report.steps:
            problems = step.summary.get("problems") or []
            shown = {k: v for k, v in step.summary.items() if k != "problems"}
            detail = ", ".join(f"{k} {v}" for k, v in shown.items())
            who = f" by {step.by}" if step.status in ("taken", "done_before") else ""
            print(f"{step.step:17} {step.status}{who}{': ' + detail if detail else ''}")
            for problem in problems:  # reported, not failed: the next run tries again
                print(f"{'':17} {problem}")
    return 1 if report.failed else 0
