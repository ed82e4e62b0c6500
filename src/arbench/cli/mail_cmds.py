"""Sub-commands for documents, mail and the company profile.

arbench --as LOGIN attach DIR [--kind KIND] [--format json]
arbench documents --pro PRO | --account NUMBER [--export DIR] [--format json]
arbench --as LOGIN documents remove ID
arbench --as SUP mail setup smtp|imap --host H [--port N] [--security starttls|ssl|plain]
                                     [--user U] [--folder F] [--password-stdin]
arbench --as LOGIN mail sender ADDRESS [--user LOGIN]
arbench --as SUP mail auto-send on|off
arbench --as LOGIN mail send --item ID --template KEY [--to ADDR] [--attach invoice,statement,doc:N]
arbench [--as LOGIN] mail fetch · mail import FILE... · mail inbox [--format json]
arbench --as LOGIN mail assign MAIL_ID --item ID
arbench company · arbench --as SUP company set [--name ...] [--address ...] [--remit-to-name ...]
                               [--remit-to-address ...] [--phone ...] [--email ...] [--logo FILE]
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from arbench.cli.common import CliError, acting_user, open_db, parse_date
from arbench.cli.output import print_json, print_rows, record
from arbench.domain.documents import DOCUMENT_KINDS
from arbench.output_files import check_output_dir, check_output_file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("attach", help="attach a folder of documents named by PRO or BOL")
    p.add_argument("directory", metavar="DIR")
    p.add_argument(
        "--kind",
        choices=list(DOCUMENT_KINDS),
        help="one kind for every file (default: from the name)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_attach)

    p = sub.add_parser("documents", help="list, export or remove the documents of a pro or account")
    p.add_argument("action", nargs="?", choices=("list", "remove"), default="list")
    p.add_argument("document_id", nargs="?", type=int, metavar="ID")
    p.add_argument("--pro", metavar="PRO")
    p.add_argument("--account", metavar="NUMBER")
    p.add_argument("--export", metavar="DIR", help="write the files into DIR")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_documents)

    _register_mail(sub)
    p = sub.add_parser("company", help="the company profile on statements (show; set: supervisors)")
    p.add_argument("action", nargs="?", choices=("show", "set"), default="show")
    for option in ("name", "address", "remit-to-name", "remit-to-address", "phone", "email"):
        p.add_argument(f"--{option}", help="\\n in the text starts a new line")
    p.add_argument("--logo", metavar="FILE", help="a .png or .jpg logo")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_company)


def _register_mail(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("mail", help="the team's mail account, sending, fetching and the inbox")
    mail = p.add_subparsers(dest="mail_command", metavar="ACTION", required=True)
    setup = mail.add_parser("setup", help="set the SMTP or IMAP server (supervisors)")
    setup.add_argument("protocol", choices=("smtp", "imap"))
    setup.add_argument("--host", required=True)
    setup.add_argument("--port", type=int)
    setup.add_argument("--security", choices=("starttls", "ssl", "plain"), default="starttls")
    setup.add_argument("--user", default="")
    setup.add_argument("--folder", default="INBOX", help="IMAP folder to read (default INBOX)")
    setup.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    setup.set_defaults(func=cmd_mail_setup)
    sender = mail.add_parser("sender", help="the address you send from")
    sender.add_argument("address")
    sender.add_argument("--user", metavar="LOGIN", help="another user's (supervisors)")
    sender.set_defaults(func=cmd_mail_sender)
    auto = mail.add_parser("auto-send", help="let automatic cadences send reminders (supervisors)")
    auto.add_argument("state", choices=("on", "off"))
    auto.set_defaults(func=cmd_mail_auto)
    send = mail.add_parser("send", help="send an item's email from a template")
    send.add_argument("--item", type=int, required=True, metavar="ID")
    send.add_argument("--template", required=True, metavar="KEY")
    send.add_argument("--to", help="the recipient (default: the account's contact)")
    send.add_argument("--attach", default="", help="comma-separated: invoice, statement, doc:ID")
    send.add_argument("--on", metavar="YYYY-MM-DD")
    send.add_argument("--eml", metavar="DIR", help="save an .eml into DIR instead of sending")
    send.set_defaults(func=cmd_mail_send)
    fetch = mail.add_parser("fetch", help="fetch replies from the IMAP mailbox and file them")
    fetch.add_argument("--format", choices=("table", "json"), default="table")
    fetch.set_defaults(func=cmd_mail_fetch)
    imp = mail.add_parser("import", help="file .eml or .msg replies")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--format", choices=("table", "json"), default="table")
    imp.set_defaults(func=cmd_mail_import)
    inbox = mail.add_parser("inbox", help="replies that matched no item")
    inbox.add_argument("--format", choices=("table", "json"), default="table")
    inbox.set_defaults(func=cmd_mail_inbox)
    assign = mail.add_parser("assign", help="put a waiting reply on an item")
    assign.add_argument("mail_id", type=int, metavar="MAIL_ID")
    assign.add_argument("--item", type=int, required=True, metavar="ID")
    assign.set_defaults(func=cmd_mail_assign)


def cmd_attach(args: argparse.Namespace) -> int:
    from arbench.services.correspondence.document_folder import attach_folder

    db = open_db(args)
    report = attach_folder(db, acting_user(args, db, "attach"), Path(args.directory), args.kind)
    if args.format == "json":
        print_json({"directory": report.directory, "matched": [record(m) for m in report.matched],
                    "unmatched": [record(m) for m in report.unmatched]})  # fmt: skip
        return 0
    for m in report.matched:
        note = " (already attached)" if m.already_attached else ""
        print(f"matched    {m.file}  ->  PRO {m.pro} ({m.kind}, by {m.matched_by}){note}")
    for miss in report.unmatched:
        print(f"unmatched  {miss.file}: {miss.reason}")
    print(f"{len(report.matched)} matched, {len(report.unmatched)} unmatched")
    return 0


def cmd_documents(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import documents

    if args.action == "remove" and args.document_id is None:
        raise CliError("`documents remove` needs the document ID")
    if args.action == "list" and not (args.pro or args.account):
        raise CliError("say whose documents: --pro PRO or --account NUMBER")
    folder = check_output_dir(args.export, "--export") if args.export else None
    db = open_db(args)
    if args.action == "remove":
        documents.remove(db, acting_user(args, db, "documents remove"), args.document_id)
        print(f"document {args.document_id} removed")
        return 0
    found = documents.documents_of(db, pro=args.pro, account_number=args.account, include_pros=True)
    rows = [record(d) for d in found]
    if folder is not None:
        folder.mkdir(exist_ok=True)
        for row, d in zip(rows, found, strict=True):
            row["exported_to"] = str(documents.export(db, d.id, folder))
    if args.format == "json":
        print_json(rows)
    else:
        print_rows(
            rows, ("id", "kind", "file_name", "size", "pro", "added_at", "added_by"), "table"
        )
    return 0


def _password_from_stdin() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("no password on stdin; nothing stored")
    return password


def cmd_mail_setup(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_settings
    from arbench.services.correspondence.mail_settings import DEFAULT_PORTS, MailServer

    db = open_db(args)
    actor = acting_user(args, db, "mail setup")
    password = _password_from_stdin() if args.password_stdin else None
    port = args.port or DEFAULT_PORTS[(args.protocol, args.security)]
    server = mail_settings.set_server(
        db,
        actor,
        MailServer(args.protocol, args.host, port, args.security, args.user, args.folder),
        password,
    )
    stored = f"; password stored in the keyring ({_backend()})" if password else ""
    print(f"{server.describe()} set{stored}")
    return 0


def _backend() -> str:
    from arbench.store import secrets

    return secrets.backend_name()


def cmd_mail_sender(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_settings

    db = open_db(args)
    address = mail_settings.set_sender(
        db, acting_user(args, db, "mail sender"), args.address, args.user
    )
    print(f"{args.user or args.as_login} sends as {address}")
    return 0


def cmd_mail_auto(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_settings

    db = open_db(args)
    mail_settings.set_auto_send(db, acting_user(args, db, "mail auto-send"), args.state == "on")
    print(f"automatic reminders {args.state}")
    return 0


def cmd_mail_send(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import email, mail_out

    on = parse_date(args.on, "--on") or date.today()
    if args.eml:  # checked before any work: the folder exists and takes files
        check_output_file(Path(args.eml) / "email.eml", "--eml")
    db = open_db(args)
    actor = acting_user(args, db, "mail send")
    draft = email.compose(db, actor, args.item, args.template, on)
    if draft.missing:
        raise CliError(f"the item has no value for {', '.join(draft.missing)}: edit it in the app")
    keys = tuple(k.strip() for k in args.attach.split(",") if k.strip())
    item = mail_out.ItemEmail(
        args.item, args.to or draft.to, draft.subject, draft.body, args.template, keys
    )
    if args.eml:
        sent = mail_out.save_item_eml(db, actor, item, Path(args.eml), on)
    else:
        sent = mail_out.send_item_email(db, actor, item, on)
    files = f" with {', '.join(sent.attachments)}" if sent.attachments else ""
    print(f"{sent.how}: '{sent.subject}' to {', '.join(sent.to) or '(no recipient)'}{files}")
    return 0


def _print_filed(report: object, fmt: str) -> None:
    from arbench.services.correspondence.mail_in import FetchReport

    assert isinstance(report, FetchReport)
    if fmt == "json":
        print_json({"fetched": report.fetched, "duplicates": report.duplicates,
                    "matched": [record(r) for r in report.matched], "inbox": [record(r) for r in report.inbox]})  # fmt: skip
        return
    for r in report.matched:
        print(f"item #{r.issue_id} ({r.matched_by}): {r.subject}  from {r.sender}")
    for r in report.inbox:
        print(f"inbox #{r.mail_id}: {r.subject}  from {r.sender}")
    print(f"{report.fetched} message(s): {len(report.matched)} on items, {len(report.inbox)} in the inbox, "
          f"{report.duplicates} already filed")  # fmt: skip


def cmd_mail_fetch(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_in

    db = open_db(args)
    report = mail_in.fetch_mail(db, acting_user(args, db, "mail fetch"))
    _print_filed(report, args.format)
    return 0


def cmd_mail_import(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_in

    db = open_db(args)
    actor = acting_user(args, db, "mail import")
    report = mail_in.import_files(db, actor, [Path(f) for f in args.files])
    _print_filed(report, args.format)
    return 0


def cmd_mail_inbox(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_in

    db = open_db(args)
    rows = [record(m) for m in mail_in.inbox(db)]
    if args.format == "json":
        print_json(rows)
    else:
        print_rows(rows, ("id", "at", "sender", "subject", "candidates"), "table")
    return 0


def cmd_mail_assign(args: argparse.Namespace) -> int:
    from arbench.services.correspondence import mail_in

    db = open_db(args)
    got = mail_in.assign(db, acting_user(args, db, "mail assign"), args.mail_id, args.item)
    print(f"message {got.mail_id} '{got.subject}' is on item #{got.issue_id}")
    return 0


def cmd_company(args: argparse.Namespace) -> int:
    from arbench.services.admin import company

    db = open_db(args)
    if args.action == "set":
        change = company.ProfileChange(
            _lines(args.name), _lines(args.address), _lines(args.remit_to_name),
            _lines(args.remit_to_address), args.phone, args.email,
            Path(args.logo) if args.logo else None,
        )  # fmt: skip
        profile = company.set_profile(db, acting_user(args, db, "company set"), change)
    else:
        profile = company.get_profile(db)
    shown = {"name": profile.name, "address": profile.address,
             "remit_to_name": profile.remit_to_name, "remit_to_address": profile.remit_to_address,
             "phone": profile.phone, "email": profile.email, "logo": profile.logo is not None}  # fmt: skip
    if args.format == "json":
        print_json(shown)
    else:
        for key, value in shown.items():
            print(f"{key:16} {str(value).replace(chr(10), ' / ')}")
    return 0


def _lines(value: str | None) -> str | None:
    return value.replace("\\n", "\n") if value is not None else None
