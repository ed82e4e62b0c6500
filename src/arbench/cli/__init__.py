"""The `arbench` command: the GUI by default, sub-commands for batch work.

Global options: `--db URL` (or ARBENCH_DB) chooses the database, `--as LOGIN` says who acts
(in team mode only your own login), `--act-for LOGIN` lets a supervisor act for someone else.
Each sub-command lives in a module of this package with a `register(subparsers)` function.
Errors users can act on print one line on stderr and exit non-zero, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from arbench import __version__


def command_modules() -> tuple[ModuleType, ...]:
    """Each module adds its sub-commands; add new command modules here.

    Imported only when a sub-command (or --help) is asked for: opening the window needs none."""
    from arbench.cli import (
        about_cmd,
        alias_cmds,
        book,
        content_cmds,
        daily_cmds,
        data_cmds,
        dept_cmds,
        items,
        mail_cmds,
        notice_cmds,
        onboarding_cmds,
        rootcause_cmds,
        search_cmd,
        team_cmds,
        today_cmd,
    )

    return (
        book, today_cmd, search_cmd, content_cmds, items, dept_cmds, onboarding_cmds, notice_cmds,
        data_cmds, rootcause_cmds, alias_cmds, team_cmds, mail_cmds, daily_cmds, about_cmd,
    )  # fmt: skip


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"arbench: error: {message} (see `arbench --help`)\n")


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"arbench {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file (default: ARBENCH_DB or the embedded file)",
    )
    parser.add_argument(
        "--as",
        dest="as_login",
        metavar="LOGIN",
        help="the user who acts (in team mode: your own database login)",
    )
    parser.add_argument(
        "--act-for",
        dest="act_for",
        metavar="LOGIN",
        help="a supervisor acting for this user (audited with both names)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="arbench", description="Freight AR workstation: worklist, scripts, training."
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in command_modules():
        module.register(sub)
    return parser


def _window_options(argv: list[str]) -> argparse.Namespace | None:
    """The global options when they are all there is (`arbench [--db URL] [--as LOGIN]`:
    open the window), else None (a sub-command or --help: the full parser reads them)."""
    parser = _Parser(prog="arbench", add_help=False)
    _global_options(parser)
    args, rest = parser.parse_known_args(argv)
    return None if rest else args


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args = _window_options(arguments)
    if args is None:
        args = build_parser().parse_args(arguments)
    else:
        args.command = None
    from arbench.cli.common import CliError, close_db
    from arbench.errors import ServiceError
    from arbench.output_files import OutputError
    from arbench.store.db import DatabaseError

    try:
        if args.command is None:
            from arbench.ui.app import display_problem, run_gui

            problem = display_problem()
            if problem:
                raise CliError(problem)
            return run_gui(args.db, args.as_login)
        try:
            return int(args.func(args) or 0)
        finally:
            close_db(args)
    except (ServiceError, DatabaseError, CliError, OutputError) as exc:
        print(f"arbench: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("arbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
