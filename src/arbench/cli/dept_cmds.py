"""Sub-commands for the departments in the loop: queues, answers, hand-backs, escalation,
service levels and leads.

    arbench requests [--department NAME] [--on DATE] [--answered] [--format table|json]
    arbench --as LOGIN requests escalate [--on DATE]      (the daily job)
    arbench --as LOGIN answer ID --text TEXT [--attach FILE]... [--kind KIND]
    arbench --as LOGIN handback ID --reason TEXT
    arbench departments [--format table|json]
    arbench --as SUPERVISOR sla DEPARTMENT DAYS
    arbench --as SUPERVISOR lead DEPARTMENT LOGIN
"""

from __future__ import annotations

import argparse
from pathlib import Path

from arbench.cli.common import CliError, acting_user, open_db, parse_date, viewer
from arbench.cli.output import print_json, print_rows
from arbench.domain.documents import DOCUMENT_KINDS
from arbench.services import op_changes
from arbench.services.correspondence.documents import FileToAttach
from arbench.services.organization import departments as department_service
from arbench.services.organization import requests as request_service
from arbench.services.work import items as item_service

QUEUE_COLUMNS = (
    "id", "department", "pro", "account_number", "account_name", "asked_by", "asked_on",
    "due_on", "overdue_days", "escalated_to", "question",
)  # fmt: skip
DEPARTMENT_COLUMNS = ("name", "sla_days", "lead", "members")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("requests", help="a department's queue: the requests routed to it")
    p.add_argument("--department", metavar="NAME", help="default: yours (department staff) or all")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--answered", action="store_true", help="also the answered ones")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_requests)
    actions = p.add_subparsers(dest="requests_command", metavar="ACTION")
    escalate = actions.add_parser("escalate", help="send overdue requests to the lead (daily job)")
    escalate.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    escalate.set_defaults(func=cmd_escalate)

    p = sub.add_parser("answer", help="answer a department request (its department, or the "
                                      "item's collector recording an answer)")  # fmt: skip
    p.add_argument("id", type=int, metavar="ID", help="the request's id (arbench requests)")
    p.add_argument("--text", required=True, help="the answer")
    p.add_argument("--attach", action="append", default=[], metavar="FILE",
                   help="a document filed on the item's pro with the answer (repeatable)")  # fmt: skip
    p.add_argument("--kind", choices=list(DOCUMENT_KINDS),
                   help="the kind of every file attached (default: from its name)")  # fmt: skip
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.set_defaults(func=cmd_answer)

    p = sub.add_parser("handback", help="hand a request back to the collector with a reason")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("--reason", required=True)
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.set_defaults(func=cmd_handback)

    p = sub.add_parser("departments", help="departments: service level, lead, members")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_departments)

    p = sub.add_parser("sla", help="a department's service level in days (supervisors)")
    p.add_argument("department", metavar="DEPARTMENT")
    p.add_argument("days", metavar="DAYS")
    p.set_defaults(func=cmd_sla)

    p = sub.add_parser("lead", help="a department's lead, who gets overdue requests (supervisors)")
    p.add_argument("department", metavar="DEPARTMENT")
    p.add_argument("login", metavar="LOGIN")
    p.set_defaults(func=cmd_lead)


def cmd_requests(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    rows = request_service.department_queue(
        db, viewer(args, db), args.department, on=on, include_answered=args.answered
    )
    data = [r.to_json() for r in rows]
    if args.format == "json":
        print_json(data)
    else:
        print_rows(data, QUEUE_COLUMNS, "table")
    return 0


def cmd_escalate(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    actor = acting_user(args, db, "requests escalate")
    summary = request_service.escalate_overdue(db, actor, on)
    for e in summary.escalated:
        print(f"request #{e.request_id} ({e.department}, due {e.due_on}) escalated to {e.lead}")
    for name in summary.without_lead:
        print(f"{name} has overdue requests and no lead: arbench --as SUPERVISOR lead {name} LOGIN")
    print(f"{len(summary.escalated)} overdue request(s) escalated on {summary.on}")
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    if args.kind and not args.attach:
        raise CliError("--kind goes with --attach FILE")
    files = [FileToAttach(Path(name), args.kind) for name in args.attach]
    db = open_db(args)
    actor = acting_user(args, db, "answer")
    changes = item_service.answer_request(
        db, actor, args.id, answer=args.text, on=on, attachments=files
    )
    print(f"request #{args.id} answered; item(s) {_items(changes)} back on the collector's list")
    if changes.notice:
        print(changes.notice)
    return 0


def cmd_handback(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    actor = acting_user(args, db, "handback")
    changes = request_service.hand_back(db, actor, args.id, reason=args.reason, on=on)
    print(f"request #{args.id} handed back; item(s) {_items(changes)} back on the collector's list")
    return 0


def _items(changes: op_changes.Changes) -> str:
    return ", ".join(f"#{i}" for i in sorted(changes.touched))


def cmd_departments(args: argparse.Namespace) -> int:
    db = open_db(args)
    rows = [d.to_json() for d in department_service.list_departments(db)]
    if args.format == "json":
        print_json(rows)
    else:
        shown = [{**r, "members": " ".join(r["members"])} for r in rows]  # type: ignore[arg-type]
        print_rows(shown, DEPARTMENT_COLUMNS, "table")
    return 0


def cmd_sla(args: argparse.Namespace) -> int:
    try:
        days = int(args.days)
    except ValueError:
        raise CliError(f"DAYS must be a whole number of days, not '{args.days}'") from None
    db = open_db(args)
    actor = acting_user(args, db, "sla")
    info = department_service.set_sla(db, actor, args.department, days)
    print(f"{info.name}: requests due {info.sla_days} day(s) after they are asked")
    return 0


def cmd_lead(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "lead")
    info = department_service.set_lead(db, actor, args.department, args.login)
    print(f"{info.name}: {info.lead} leads the department and gets its overdue requests")
    return 0
