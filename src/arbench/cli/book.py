"""Sub-commands for the book itself: init, demo, db upgrade, users, worklist."""

from __future__ import annotations

import argparse
import sys
from itertools import chain
from pathlib import Path

from arbench.cli import db_tools
from arbench.cli.common import CliError, open_db, parse_date, viewer
from arbench.cli.output import print_rows
from arbench.output_files import check_output_file
from arbench.services.admin.demo import create_demo
from arbench.services.knowledge.content import load_shipped
from arbench.services.organization import users as user_service
from arbench.services.work.worklist import split, worklist
from arbench.store import db as store_db

WORKLIST_COLUMNS = (
    "level", "id", "pro", "account_number", "account_name", "type", "root_cause",
    "open_amount", "days_past_due", "follow_up", "status", "priority", "reason",
)  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", help="start your own book: the schema and its first supervisor")
    p.add_argument("--supervisor", required=True, metavar="LOGIN", help="the first supervisor")
    p.add_argument("--name", required=True, metavar='"FULL NAME"', help="the supervisor's name")
    p.add_argument("--email", metavar="ADDRESS")
    p.add_argument("--company", metavar='"NAME"', help="your company's name (statements)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="create the demo book in an empty database")
    p.add_argument("--accounts", type=int, default=2000)
    p.add_argument("--pros", type=int, default=40000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--collectors", type=int, default=10, help="number of collectors (default 10)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the book's today (default: today)")
    p.add_argument("--replace", action="store_true", help="delete the existing book first")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("db", help="database maintenance")
    db_sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="create or migrate the schema to this version")
    up.set_defaults(func=cmd_db_upgrade)
    db_tools.register_db(db_sub)  # password, backup, restore (team mode, issue #7)

    p = sub.add_parser("users", help="list users")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_users)

    p = sub.add_parser("worklist", help="a user's worklist for a day")
    p.add_argument("--user", required=True, metavar="LOGIN")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=cmd_worklist)

    p = sub.add_parser("screenshot", help="render a user's main window to a PNG (no screen needed)")
    p.add_argument("--user", required=True, metavar="LOGIN")
    p.add_argument("--on", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--out", required=True, metavar="FILE.png")
    p.set_defaults(func=cmd_screenshot)


def cmd_init(args: argparse.Namespace) -> int:
    from arbench.services.admin.company import ProfileChange
    from arbench.services.admin.first_run import start_book

    url = store_db.resolve_url(args.db)
    db = store_db.open_database(url, create=True)
    try:
        user = start_book(db, args.supervisor, args.name, ProfileChange(name=args.company),
                          args.email)  # fmt: skip
    finally:
        db.dispose()
    print(f"book ready in {store_db.display_url(url)}: {user.login} ({user.display_name}) is its "
          f"first supervisor")  # fmt: skip
    print(f"next: arbench --db {args.db or store_db.display_url(url)} --as {user.login} "
          "import invoices YOUR-REGISTER.xlsx (see docs/getting-started.md)")  # fmt: skip
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if args.accounts < 1 or args.pros < args.accounts:
        raise CliError("--pros must be at least --accounts, and --accounts at least 1")
    as_of = parse_date(args.as_of, "--as-of")
    url = store_db.resolve_url(args.db)
    if args.replace:
        _drop_book(url)
    db = store_db.open_database(url, create=True)
    try:

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done:,}/{total:,} pros", end="", file=sys.stderr)

        summary = create_demo(
            db,
            accounts=args.accounts,
            pros=args.pros,
            seed=args.seed,
            collectors=args.collectors,
            as_of=as_of,
            progress=progress,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        load_shipped(db)
    finally:
        db.dispose()
    print(
        f"demo book created in {store_db.display_url(url)}: {summary.accounts:,} accounts, "
        f"{summary.pros:,} pros, {summary.open_issues:,} open issues "
        f"({summary.account_issues:,} account-level), {summary.users} users, as of {summary.as_of}"
    )
    return 0


def _drop_book(url: str) -> None:
    """Delete the existing book: the SQLite file, or every arbench table on a server."""
    engine = store_db.make_engine(url)
    try:
        if engine.url.get_backend_name() == "sqlite" and engine.url.database:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(engine.url.database + suffix).unlink(missing_ok=True)
            return
        store_db.check_schema(engine)  # never drop tables of a database that is not arbench's
        from sqlalchemy import text

        from arbench.store.models import Base

        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        engine.dispose()


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url = store_db.resolve_url(args.db)
    engine = store_db.make_engine(url)
    try:
        before, after, backup = store_db.upgrade(engine)
    finally:
        engine.dispose()
    db = store_db.open_database(url)
    try:
        loaded = load_shipped(db)
    finally:
        db.dispose()
    where = store_db.display_url(url)
    if before == after:
        print(f"{where} is up to date (schema {after})")
    else:
        print(f"{where} upgraded from schema {before or '(empty)'} to {after}")
    if backup:
        print(f"backup of the previous database: {backup}")
    if loaded.added:
        print(f"content: {loaded.added} script(s), note(s) and template(s) loaded or updated")
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    db = open_db(args)
    rows = [
        {"login": u.login, "name": u.display_name, "role": u.role, "active": u.active}
        for u in user_service.list_users(db)
    ]
    print_rows(rows, ("login", "name", "role", "active"), args.format)
    return 0


def cmd_worklist(args: argparse.Namespace) -> int:
    on = parse_date(args.on, "--on")
    db = open_db(args)
    items = worklist(db, args.user, on, actor=viewer(args, db))
    # Pro-level first, then account-level: the same split the main window shows. The rows are
    # written as they are turned into JSON objects (a 100,000-item list streams).
    pro_level, account_level = split(items)
    print_rows(
        (i.to_json() for i in chain(pro_level, account_level)), WORKLIST_COLUMNS, args.format
    )
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from arbench.ui.screenshot import render_main_window

    on = parse_date(args.on, "--on")
    out = check_output_file(args.out, "--out")
    db = open_db(args)
    path = render_main_window(db, args.user, out, on)
    print(f"main window of {args.user} saved to {path}")
    return 0
