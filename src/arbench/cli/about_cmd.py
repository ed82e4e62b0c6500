"""`arbench about`: the Help → About facts on the console (version, where arbench runs from,
data directory, settings file, database, keyring backend), for support and IT."""

from __future__ import annotations

import argparse

from arbench.cli.output import print_json
from arbench.store.db import resolve_url


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "about", help="show the version, where data and settings live, the database and keyring"
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=cmd_about)


def cmd_about(args: argparse.Namespace) -> int:
    from arbench.ui.about import about_rows  # plain Python: no Qt is imported

    rows = about_rows(resolve_url(args.db))
    if args.format == "json":
        print_json({label.lower().replace(" ", "_"): value for label, value in rows})
    else:
        width = max(len(label) for label, _ in rows)
        for label, value in rows:
            print(f"{label + ':':<{width + 1}}  {value}")
    return 0
