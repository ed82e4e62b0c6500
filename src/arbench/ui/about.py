"""The About text: version, where data and settings live, the database in use, the keyring."""

from __future__ import annotations

from html import escape

from arbench import __version__, paths
from arbench.store.db import Database, display_url


def keyring_backend_name() -> str:
    try:
        import keyring

        return type(keyring.get_keyring()).__name__
    except Exception as exc:  # the About box reports a broken keyring, it does not fail
        return f"unavailable ({type(exc).__name__})"


def about_text(db: Database) -> str:
    rows = [
        ("Version", __version__),
        ("Running from", "installed bundle" if paths.is_frozen() else "Python"),
        ("Data directory", str(paths.data_dir())),
        ("Settings file", str(paths.settings_file())),
        ("Database", display_url(db.url)),
        ("Keyring backend", keyring_backend_name()),
    ]
    body = "".join(f"<tr><th align=left>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        "<h3>arbench</h3><p>The workstation for freight accounts-receivable collectors.</p>"
        f"<table cellpadding=3>{body}</table>"
    )
