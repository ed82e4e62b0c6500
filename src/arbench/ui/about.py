"""The About text: version, where arbench runs from, where data and settings live, the database
in use and the keyring backend. The same rows feed Help → About and `arbench about`."""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

from arbench import __version__, paths
from arbench.services import database as book
from arbench.store.db import Database


def running_from() -> str:
    """The installed bundle's folder, or the source package and the Python running it."""
    if paths.is_frozen():
        return f"installed bundle in {Path(sys.executable).resolve().parent}"
    package = Path(__file__).resolve().parents[1]
    return f"Python {sys.version.split()[0]}, package in {package}"


def about_rows(db_url: str) -> list[tuple[str, str]]:
    """(label, value) pairs describing this installation and the database at db_url."""
    return [
        ("Version", __version__),
        ("Running from", running_from()),
        ("Data directory", str(paths.data_dir())),
        ("Settings file", str(paths.settings_file())),
        ("Database", book.shown_url(db_url)),
        ("Keyring backend", book.keyring_backend()),
    ]


def about_text(db: Database) -> str:
    """The About box as rich text."""
    rows = about_rows(db.url)
    body = "".join(f"<tr><th align=left>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        "<h3>arbench</h3><p>The workstation for freight accounts-receivable collectors.</p>"
        f"<table cellpadding=3>{body}</table>"
    )
