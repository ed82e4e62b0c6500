"""Sub-commands for content: scripts, notes, content export / import."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from arbench.cli.common import acting_user, open_db
from arbench.cli.output import print_rows
from arbench.output_files import check_output_dir
from arbench.services.knowledge import content
from arbench.services.knowledge.content import ContentImportError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("scripts", help="list the resolution script of every issue type")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_scripts)

    p = sub.add_parser("notes", help="list the training notes")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_notes)

    p = sub.add_parser("content", help="export or import the scripts, notes and templates")
    c_sub = p.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    ex = c_sub.add_parser("export", help="write the current content as files into DIR")
    ex.add_argument("dir", metavar="DIR", type=Path)
    ex.set_defaults(func=cmd_export)
    im = c_sub.add_parser(
        "import",
        help="publish the files of DIR as new versions (needs --as a supervisor); "
        "everything is checked first and nothing is written if anything is wrong",
    )
    im.add_argument("dir", metavar="DIR", type=Path)
    im.set_defaults(func=cmd_import)


def cmd_scripts(args: argparse.Namespace) -> int:
    db = open_db(args)
    content.ensure_loaded(db)
    rows = [
        {"issue_type": s.issue_type, "name": s.name, "level": s.level,
         "version": s.version, "steps": s.steps, "title": s.title}
        for s in content.list_scripts(db)
    ]  # fmt: skip
    print_rows(rows, ("issue_type", "level", "version", "steps", "name"), args.format)
    return 0


def cmd_notes(args: argparse.Namespace) -> int:
    db = open_db(args)
    content.ensure_loaded(db)
    rows = [
        {"key": n.key, "title": n.title, "category": n.category, "version": n.version,
         "glossary": list(n.glossary)}
        for n in content.list_notes(db)
    ]  # fmt: skip
    print_rows(rows, ("key", "category", "version", "title"), args.format)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    check_output_dir(args.dir, "DIR")
    db = open_db(args)
    content.ensure_loaded(db)
    written = content.export_content(db, args.dir)
    print(f"{len(written)} content files written to {args.dir}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    db = open_db(args)
    actor = acting_user(args, db, "content import")
    try:
        summary = content.import_content(db, actor, args.dir)
    except ContentImportError as error:
        print(f"arbench: error: {error}", file=sys.stderr)
        return 1
    for file in summary.published:
        print(f"published {file}")
    print(
        f"{len(summary.published)} file(s) published as new versions, {summary.unchanged} unchanged"
    )
    return 0
