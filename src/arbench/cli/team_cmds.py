"""Supervisor sub-commands: assign, handover, rebalance, team, kpis, and user management.

Writes need `--as LOGIN` and are refused (exit 2, reason on stderr) unless that user is a
supervisor; the refusal comes from the services layer, the same one the GUI uses. Reads never
write: a cover whose date has come is shown as ending, and `covers end` (the daily job) gives
the book back.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal, InvalidOperation

from arbench.cli.common import CliError, acting_user, open_db, parse_date, viewer
from arbench.cli.output import print_json, print_rows
from arbench.output_files import check_output_file
from arbench.services.organization import assignments as assign_service
from arbench.services.organization import handover as handover_service
from arbench.services.organization import users as user_service
from arbench.services.organization.team import team_view
from arbench.services.reporting import kpis as kpi_service
from arbench.store.db import Database

TEAM_COLUMNS = (
    "login", "role", "accounts", "open_balance", "worklist", "overdue_follow_ups",
    "broken_promises", "waiting_items", "oldest_wait_days",
)  # fmt: skip
LOAD_COLUMNS = ("login", "accounts", "open_items", "open_balance", "due_follow_ups")
ROLES = ("collector", "supervisor", "trainee", "department")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("assign", help="give accounts to a collector (supervisors)")
    p.add_argument("--account", action="append", metavar="NUMBER", default=[],
                   help="customer number (repeat, or comma-separate, for several)")  # fmt: skip
    p.add_argument("--number-from", metavar="NUMBER", help="rule: customer numbers from")
    p.add_argument("--number-to", metavar="NUMBER", help="rule: customer numbers up to")
    p.add_argument("--region", help="rule: accounts in this region")
    p.add_argument("--min-balance", metavar="AMOUNT", help="rule: open balance at least")
    p.add_argument("--max-balance", metavar="AMOUNT", help="rule: open balance at most")
    p.add_argument("--to", required=True, metavar="LOGIN")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser("handover", help="hand a collector's whole book to others (supervisors)")
    p.add_argument("--from", dest="from_login", required=True, metavar="LOGIN")
    p.add_argument("--to", required=True, metavar="LOGIN[,LOGIN...]")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="temporary cover: give back on this date")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="today's date (default: today)")
    p.add_argument("--preview", action="store_true", help="show what would move; change nothing")
    p.add_argument("--deactivate", action="store_true", help="then deactivate the departing user")
    p.set_defaults(func=cmd_handover)

    p = sub.add_parser("rebalance", help="even out collectors' books (supervisors)")
    p.add_argument("--users", metavar="LOGIN,LOGIN...", help="default: every active collector")
    p.add_argument("--on", metavar="YYYY-MM-DD")
    p.add_argument("--apply", action="store_true", help="carry it out (default: preview only)")
    p.set_defaults(func=cmd_rebalance)

    p = sub.add_parser("team", help="each collector's book: worklist, follow-ups, promises, waits")
    p.add_argument("--on", metavar="YYYY-MM-DD")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_team)

    p = sub.add_parser("kpis", help="financial and resolution-quality KPIs for a period")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="default: 3 months back")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="default: today")
    p.add_argument("--user", metavar="LOGIN", help="one collector's book (default: the team)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--xlsx", metavar="FILE", help="also write the report as a formatted workbook")
    p.set_defaults(func=cmd_kpis)

    p = sub.add_parser("covers", help="temporary covers: list them, or end those due (daily job)")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_covers)
    actions = p.add_subparsers(dest="covers_command", metavar="ACTION")
    end = actions.add_parser("end", help="give back the books of covers whose date has come")
    end.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    end.set_defaults(func=cmd_covers_end)

    _register_user(sub)


def _register_user(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("user", help="add a user, change a role, (de)activate (supervisors)")
    actions = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user")
    add.add_argument("login")
    add.add_argument("--name", required=True, help="display name")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--email")
    add.add_argument("--department", metavar="NAME[,NAME]",
                     help="a department user's departments: operations, pricing, billing, sales, "
                          "claims")  # fmt: skip
    add.set_defaults(func=cmd_user_add)
    for name, active in (("deactivate", False), ("activate", True)):
        q = actions.add_parser(name, help=f"{name} a user")
        q.add_argument("login")
        q.set_defaults(func=cmd_user_active, active=active)
    role = actions.add_parser("role", help="change a user's role")
    role.add_argument("login")
    role.add_argument("role", choices=ROLES)
    role.set_defaults(func=cmd_user_role)
    departments = actions.add_parser("departments", help="a department user's departments")
    departments.add_argument("login")
    departments.add_argument("departments", metavar="NAME[,NAME]")
    departments.set_defaults(func=cmd_user_departments)


def _today(args: argparse.Namespace) -> date:
    return parse_date(getattr(args, "on", None), "--on") or date.today()


def _money(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise CliError(f"{option} must be an amount such as 2500.00, not '{text}'") from None


def _rule(args: argparse.Namespace) -> assign_service.AccountRule | None:
    rule = assign_service.AccountRule(
        args.number_from, args.number_to, args.region,
        _money(args.min_balance, "--min-balance"), _money(args.max_balance, "--max-balance"),
    )  # fmt: skip
    return None if rule == assign_service.AccountRule() else rule


def cmd_assign(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "assign")
    numbers = [n for value in args.account for n in value.split(",") if n.strip()]
    rule = _rule(args)
    if bool(numbers) == bool(rule):
        raise CliError("give either --account NUMBER or a rule (--number-from/--number-to, "
                       "--region, --min-balance/--max-balance), not both or neither")  # fmt: skip
    if rule is not None:
        result = assign_service.assign_by_rule(db, actor, rule, args.to)
    else:
        result = assign_service.assign_accounts(db, actor, numbers, args.to)
    for move in result.moved:
        print(f"{move.account_number} {move.account_name}: {move.from_login or '-'} -> "
              f"{move.to_login} ({move.open_items} open items, ${move.open_balance:,.2f})")  # fmt: skip
    for number in result.unchanged:
        print(f"{number}: already {args.to}'s")
    print(f"{len(result.moved)} account(s) assigned to {args.to}")
    return 0


def _print_loads(title: str, before: list, after: list) -> None:  # type: ignore[type-arg]
    print(title)
    rows = [
        {"login": b.login, "accounts": f"{b.accounts} -> {a.accounts}",
         "open_items": f"{b.open_items} -> {a.open_items}",
         "open_balance": f"{b.open_balance:,.2f} -> {a.open_balance:,.2f}",
         "due_follow_ups": f"{b.due_follow_ups} -> {a.due_follow_ups}"}
        for b, a in zip(before, after, strict=True)
    ]  # fmt: skip
    print_rows(rows, LOAD_COLUMNS, "table")


def cmd_handover(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "handover")
    on, until = _today(args), parse_date(args.until, "--until")
    targets = [t for t in args.to.split(",") if t.strip()]
    if args.preview:
        plan = handover_service.handover_preview(db, actor, args.from_login, targets, until, on)
    else:
        plan = handover_service.handover(db, actor, args.from_login, targets, until, on).plan
    c = plan.carried
    verb = "would move" if args.preview else "moved"
    print(f"{plan.from_login}: {len(plan.moves)} account(s) {verb} to {', '.join(plan.to_logins)}"
          f"{f' until {until}' if until else ''}: {c.open_items} open items, {c.follow_ups} "
          f"follow-ups, {c.promises} open promises, {c.requests} pending department requests")  # fmt: skip
    _print_loads("Books before -> after:", plan.before, plan.after)
    if args.deactivate and not args.preview:
        user_service.set_active(db, actor, plan.from_login, False)
        print(f"{plan.from_login} deactivated")
    return 0


def cmd_rebalance(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "rebalance")
    logins = [u for u in (args.users or "").split(",") if u.strip()] or None
    plan = assign_service.rebalance_preview(db, actor, logins, _today(args))
    for move in plan.moves:
        print(f"{move.account_number} {move.account_name}: {move.from_login} -> {move.to_login}")
    _print_loads("Books before -> after:", plan.before, plan.after)
    if args.apply:
        assign_service.apply_rebalance(db, actor, plan)
        print(f"{len(plan.moves)} account(s) moved")
    else:
        print(f"{len(plan.moves)} account(s) would move; add --apply to carry it out")
    return 0


def _ending_covers(db: Database, on: date) -> None:
    """Covers whose date has come, on stderr (stdout stays data); reading ends none."""
    for cover in handover_service.active_covers(db, on):
        if cover.ending:
            print(f"cover of {cover.absent_login} ended {cover.until}: its {cover.accounts} "
                  "account(s) go back at the next `arbench covers end` (the daily job)",
                  file=sys.stderr)  # fmt: skip


def cmd_covers(args: argparse.Namespace) -> int:
    db = open_db(args)
    covers = handover_service.active_covers(db, _today(args))
    rows = [
        {"id": c.id, "absent": c.absent_login, "until": c.until, "accounts": c.accounts,
         "state": "ending" if c.ending else "active"}
        for c in covers
    ]  # fmt: skip
    print_rows(rows, ("id", "absent", "until", "accounts", "state"), args.format)
    return 0


def cmd_covers_end(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "covers end")
    ended = handover_service.end_due_covers(db, actor, _today(args))
    for cover in ended:
        print(f"cover of {cover.absent_login} ended {cover.until}: {cover.accounts} account(s) "
              "given back")  # fmt: skip
    print(f"{len(ended)} cover(s) ended")
    return 0


def cmd_team(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = _today(args)
    if args.format == "table":
        _ending_covers(db, on)
    members = [m.to_json() for m in team_view(db, on)]
    if args.format == "json":
        print_json(members)
    else:
        print_rows(members, TEAM_COLUMNS, args.format)
    return 0


def cmd_kpis(args: argparse.Namespace) -> int:
    end, start = parse_date(args.end, "--to"), parse_date(args.start, "--from")
    if args.xlsx:
        check_output_file(args.xlsx, "--xlsx")
    db = open_db(args)
    period = kpi_service.default_period(end, start)
    report = kpi_service.kpi_report(db, period, args.user, actor=viewer(args, db))
    data = report.to_json_dict()
    if args.xlsx:
        from arbench.io.kpi_export import write_kpi_workbook

        aging = kpi_service.aging_by_collector(db, period.end)
        trend = kpi_service.kpi_trend(db, period, args.user)
        write_kpi_workbook(args.xlsx, report, aging, trend)
    if args.format == "json":
        print_json(data)
    else:
        _print_kpis(data)
    if args.xlsx and args.format != "json":
        print(f"workbook written to {args.xlsx}")
    return 0


def _rate(value: dict) -> str:  # type: ignore[type-arg]
    percent = "n/a" if value["percent"] is None else f"{value['percent']:.2f}%"
    return f"{percent} ({value['count']} of {value['out_of']})"


def _print_kpis(d: dict) -> None:  # type: ignore[type-arg]
    print(f"KPIs for {d['user'] or 'the team'}, {d['period']['from']} to {d['period']['to']}")
    for currency, money in d["by_currency"].items():
        if len(d["by_currency"]) > 1:
            print(f"  in {currency} (never added to another currency)")
        for bucket, amount in money["aging"].items():
            print(f"  aging {bucket:<16}{amount:>14,.2f}")
        print(f"  DSO (countback)       {money['dso']['days']} days")
        print(f"  CEI                   {money['cei']}%")
        print(f"  ADD                   {money['add']['days']} days (best possible DSO "
              f"{money['add']['best_possible_dso']})")  # fmt: skip
    for key in ("promise_kept_rate", "root_cause_fixed_rate", "reopen_rate", "recurrence_rate"):
        print(f"  {key.replace('_', ' '):<22}{_rate(d[key])}")
    cycle = d["dispute_cycle_days"]["overall"]
    print(f"  dispute cycle         {cycle['count']} disputes, median {cycle['median_days']} days")
    promo = d["promotions"]
    print(f"  promotions            {promo['count']}, {promo['pros_retired']} pros retired")


def cmd_user_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "user add")
    departments = [d for d in (args.department or "").split(",") if d.strip()]
    user = user_service.add_user(
        db, actor, args.login, args.name, args.role, args.email, departments=departments
    )
    print(
        f"user {user.login} added ({user.role}"
        + (f": {', '.join(departments)})" if departments else ")")
    )
    return 0


def cmd_user_departments(args: argparse.Namespace) -> int:
    from arbench.services.organization.departments import set_user_departments

    db = open_db(args)
    actor = acting_user(args, db, "user departments")
    names = set_user_departments(db, actor, args.login, args.departments)
    print(f"user {args.login} is in {', '.join(names)}")
    return 0


def cmd_user_active(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "user " + ("activate" if args.active else "deactivate"))
    user = user_service.set_active(db, actor, args.login, args.active)
    print(f"user {user.login} {'activated' if user.active else 'deactivated'}")
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "user role")
    user = user_service.set_role(db, actor, args.login, args.role)
    print(f"user {user.login} is now a {user.role}")
    return 0
