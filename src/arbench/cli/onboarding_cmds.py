"""Sub-commands for onboarding new accounts before their first invoice.

arbench --as LOGIN account add NUMBER --name NAME     (supervisors, sales)
arbench onboarding [--account NUMBER] [--format table|json]
arbench --as LOGIN onboarding tick ACCOUNT TASK [--value VALUE]
arbench --as LOGIN onboarding assign ACCOUNT TASK --to LOGIN
"""

from __future__ import annotations

import argparse

from arbench.cli.common import acting_user, open_db, parse_date
from arbench.cli.output import print_json, print_rows
from arbench.domain.account_setup import TASKS_BY_KEY
from arbench.services.organization import onboarding as onboarding_service
from arbench.services.organization.onboarding import ChecklistInfo

TASK_COLUMNS = ("key", "department", "title", "assignee", "done", "done_by", "value")
LIST_COLUMNS = ("account_number", "account_name", "created_on", "source", "open")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("account", help="open a new customer account (with its onboarding)")
    actions = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account by hand; its onboarding checklist starts")
    add.add_argument("number", metavar="NUMBER")
    add.add_argument("--name", required=True)
    add.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    add.set_defaults(func=cmd_account_add)

    p = sub.add_parser("onboarding", help="new accounts' onboarding checklists: see, tick, assign")
    p.add_argument("--account", metavar="NUMBER", help="one account's tasks (default: open lists)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_onboarding)
    actions = p.add_subparsers(dest="onboarding_command", metavar="ACTION")
    tick = actions.add_parser("tick", help="mark a task done, with what it captured")
    tick.add_argument("account", metavar="ACCOUNT")
    tick.add_argument("task", metavar="TASK", help=", ".join(TASKS_BY_KEY))
    tick.add_argument("--value", help="what the task captured (reference, yes/no, amount ...)")
    tick.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    tick.set_defaults(func=cmd_tick)
    assign = actions.add_parser("assign", help="give a task to a person")
    assign.add_argument("account", metavar="ACCOUNT")
    assign.add_argument("task", metavar="TASK")
    assign.add_argument("--to", required=True, metavar="LOGIN")
    assign.set_defaults(func=cmd_assign)


def _print_checklist(info: ChecklistInfo, fmt: str) -> None:
    if fmt == "json":
        print_json(info.to_json())
        return
    state = f"done {info.completed_on}" if info.completed_on else f"{len(info.open_tasks)} open"
    print(f"{info.account_number} {info.account_name}: onboarding since {info.created_on} "
          f"({info.source}), {state}")  # fmt: skip
    print_rows([t.to_json() for t in info.tasks], TASK_COLUMNS, "table")


def cmd_account_add(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    actor = acting_user(args, db, "account add")
    info = onboarding_service.add_account(db, actor, args.number, args.name, on=on)
    print(f"account {info.account_number} {info.account_name} added; onboarding checklist of "
          f"{len(info.tasks)} tasks started (arbench onboarding --account {info.account_number})")  # fmt: skip
    return 0


def cmd_onboarding(args: argparse.Namespace) -> int:
    db = open_db(args)
    if args.account:
        _print_checklist(onboarding_service.checklist(db, args.account), args.format)
        return 0
    lists = onboarding_service.open_checklists(db)
    rows = [c.to_json() for c in lists]
    if args.format == "json":
        print_json(rows)
    else:
        print_rows(rows, LIST_COLUMNS, "table")
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    actor = acting_user(args, db, "onboarding tick")
    info = onboarding_service.tick_task(db, actor, args.account, args.task, args.value, on=on)
    left = len(info.open_tasks)
    print(f"{args.task} done on {info.account_number}; "
          + ("checklist complete" if not left else f"{left} task(s) open"))  # fmt: skip
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "onboarding assign")
    onboarding_service.assign_task(db, actor, args.account, args.task, args.to)
    print(f"{args.task} on {args.account} assigned to {args.to}")
    return 0
