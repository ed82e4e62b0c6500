"""`arbench init`: an empty database gets its schema and first supervisor; never twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from arbench.services.admin.company import get_profile
from arbench.services.organization.users import list_users
from arbench.store.db import Database, open_database
from helpers import run_cli


def test_init_creates_the_book_and_its_first_supervisor_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = str(tmp_path / "ours.sqlite3")
    code, out, err = run_cli(capsys, "--db", book, "init", "--supervisor", "kwright", "--name",
                             "Kim  Wright", "--company", "Blue Ridge Freight")  # fmt: skip
    assert code == 0 and "kwright (Kim Wright) is its first supervisor" in out, err
    db = open_database(book)
    assert [(u.login, u.display_name, u.role) for u in list_users(db)] == [
        ("kwright", "Kim Wright", "supervisor")]  # fmt: skip
    assert get_profile(db).name == "Blue Ridge Freight"
    db.dispose()
    code, out, err = run_cli(capsys, "--db", book, "init", "--supervisor", "other", "--name", "O")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "already has 1 user(s)" in err and "Traceback" not in err
    code, _, _ = run_cli(capsys, "--db", book, "--as", "kwright", "user", "add", "agarcia",
                         "--name", "Ana Garcia", "--role", "collector")  # fmt: skip
    assert code == 0


def test_init_is_refused_on_a_book_with_users_and_for_a_bad_login(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = demo_db.engine.url.render_as_string(hide_password=False)
    code, _, err = run_cli(capsys, "--db", url, "init", "--supervisor", "x", "--name", "X Y")
    assert code == 2 and "already has 18 user(s)" in err
    empty = str(tmp_path / "e.sqlite3")
    code, _, err = run_cli(capsys, "--db", empty, "init", "--supervisor", "k wright", "--name", "K")
    assert code == 2 and "the login must be one word" in err
    db = open_database(empty)
    assert list_users(db) == []
    db.dispose()
