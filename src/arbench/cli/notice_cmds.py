"""Sub-commands for proactive exception notices (pre-audit findings told to the customer).

arbench notices [--since DATE] [--format table|csv|json]
arbench --as LOGIN notices send PRO --rule RULE [--to ADDR] [--out FILE.eml]
    (sent over the team's SMTP server; with --out written as an .eml to send instead)
arbench --as LOGIN notices answer ID --text TEXT
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from arbench.cli.common import CliError, acting_user, open_db, parse_date, viewer
from arbench.cli.output import print_rows
from arbench.domain.notices import NOTICE_TEMPLATES
from arbench.output_files import check_output_file, written
from arbench.services.correspondence import notices as notice_service

COLUMNS = ("pro", "account_number", "account_name", "rule", "notice_id", "sent_on", "answer")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("notices", help="pre-audit exceptions to tell customers before invoicing")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="also pros invoiced since (pre-audit)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_notices)
    actions = p.add_subparsers(dest="notices_command", metavar="ACTION")
    send = actions.add_parser("send", help="send the notice to the customer (or write an .eml) "
                                           "and keep it on the pro")  # fmt: skip
    send.add_argument("pro", metavar="PRO")
    send.add_argument("--rule", required=True, choices=tuple(NOTICE_TEMPLATES))
    send.add_argument("--to", metavar="ADDR", help="the recipient (default: the account's contact)")
    send.add_argument("--out", metavar="FILE.eml",
                      help="write an .eml to send from your mail client instead (offline)")  # fmt: skip
    send.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    send.set_defaults(func=cmd_send)
    answer = actions.add_parser("answer", help="what the customer answered to a notice")
    answer.add_argument("id", type=int, metavar="ID")
    answer.add_argument("--text", required=True)
    answer.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    answer.set_defaults(func=cmd_answer)


def cmd_notices(args: argparse.Namespace) -> int:
    since = parse_date(args.since, "--since")
    db = open_db(args)
    rows = [c.to_json() for c in notice_service.notice_candidates(db, viewer(args, db), since)]
    print_rows(rows, COLUMNS, args.format)
    return 0


def cmd_send(args: argparse.Namespace) -> int:
    from arbench.services.correspondence.notice_mail import (
        send_notice,  # mail and exports load when used
    )

    on = parse_date(args.on, "--on")
    if args.out is not None:
        if not args.out.lower().endswith(".eml"):
            raise CliError(f"--out {args.out}: a notice is written as an .eml file")
        check_output_file(args.out, "--out")
    db = open_db(args)
    actor = acting_user(args, db, "notices send")
    draft = notice_service.compose_notice(db, actor, args.pro, args.rule, on)
    if args.to is not None:
        draft = replace(draft, to=args.to.strip())
    if args.out is None:
        info = send_notice(db, actor, draft, on=on)
    else:
        with written(args.out) as partial:
            partial.write_bytes(notice_service.notice_message(draft))
            info = notice_service.record_notice(db, actor, draft, "eml", on=on)
    if args.out is None:
        print(f"notice #{info.id} for PRO {info.pro} sent to {info.to}")
        return 0
    to = info.to or "nobody: the account has no contact email"
    print(f"notice #{info.id} for PRO {info.pro} written to {args.out} (to {to}); send it from "
          "your mail client")  # fmt: skip
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    actor = acting_user(args, db, "notices answer")
    info = notice_service.record_notice_answer(db, actor, args.id, args.text, on=on)
    print(f"answer kept on notice #{info.id} (PRO {info.pro})")
    return 0
