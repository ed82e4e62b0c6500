"""Every sub-command, given a representative bad input, fails the way the README promises.

One line on stderr naming what is wrong, a non-zero exit, no traceback, and nothing written
(the test folder holds exactly the files it held before). The table below has a row for each
sub-command the parser knows, nested ones included (`db backup`, `import invoices`, ...), and
the test fails when a sub-command has none: a new command joins the table as it lands. More
rows cover the cases found by trying arbench as a new user would: database URLs of other
kinds, output files in folders that do not exist, damaged databases.

The command runs in-process through `arbench.cli.main` with the file descriptors captured, so
what Qt or SQLite print on the process's stderr is counted too; an exception that escapes
`main` is a traceback the user would see, and fails the test. The window's row runs as its
own process with no display, as a user's terminal would (Qt aborts a process it cannot show).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from arbench.cli import build_parser, main

GUI = "(no sub-command: the window)"


@dataclass(frozen=True)
class Case:
    command: str  # the sub-command path as typed, e.g. "db backup"; GUI for the window
    argv: tuple[str, ...]  # {book}, {tmp}, {notes}, {damaged}, {truncated}, {account} filled in
    says: str  # what the one line must name
    no_display: bool = False


def case(command: str, line: str, says: str, *, no_display: bool = False) -> Case:
    return Case(command, tuple(line.split()), says, no_display)


MISSING = "{tmp}/missing/dir"
CASES = [
    case(GUI, "--db {book} --as agarcia", "no display", no_display=True),
    case("demo", "--db {book} demo --as-of 2026-13-45", "--as-of must be a date"),
    case("init", "--db {book} init --supervisor boss --name Boss", "already has"),
    case("db upgrade", "--db {notes} db upgrade", "file is not a database"),
    case("db password", "--db {book} db password --stdin", "is for a PostgreSQL --db URL"),
    case("db backup", "--db {truncated} --as kwright db backup {tmp}/copy.sqlite3", "malformed"),
    case("db backup", "--db {damaged} --as kwright db backup {tmp}/copy.sqlite3", "damaged"),
    case(
        "db backup",
        f"--db {{book}} --as kwright db backup {MISSING}/copy.sqlite3",
        "does not exist",
    ),  # fmt: skip
    case("db grant", "--db {book} --as kwright db grant agarcia", "a SQLite file has no logins"),
    case("covers", "--db {book} covers --on 2026-02-30", "--on must be a date"),
    case(
        "covers end", "--db {book} --as kwright covers end --on 2026-02-30", "--on must be a date"
    ),
    case("alias list", "--db {book} alias list NOPE", "no account numbered 'NOPE'"),
    case(
        "alias add", "--db {book} --as kwright alias add NOPE --kind duns --value 1", "no account"
    ),  # fmt: skip
    case(
        "alias remove",
        "--db {book} --as kwright alias remove NOPE --kind duns --value 1",
        "no account",
    ),  # fmt: skip
    case("db restore", "--db {book} --as kwright db restore {notes}", "notes.txt"),
    case("users", "--db mysql://u@h/db users", "unsupported database URL"),
    case("users", "--db file:///{tmp}/book users", "unsupported database URL"),
    case("users", "--db http://example.invalid/book users", "unsupported database URL"),
    case("users", "--db postgresql+asyncpg://u@h/db users", "unsupported database URL"),
    case("users", "--db postgresql://u:secret@[::1/x users", "malformed database URL"),
    case("users", "--db postgresql://u@h:port/db users", "malformed database URL"),
    case("worklist", "--db {book} worklist --user nobody", "unknown user 'nobody'"),
    case("worklist", "--db {book} worklist", "the following arguments are required: --user"),
    case(
        "screenshot",
        f"--db {{book}} screenshot --user agarcia --out {MISSING}/x.png",
        "does not exist",
    ),  # fmt: skip
    case("search", "--db {book} search C --on 2026-02-30", "--on must be a date"),
    case("scripts", "--db http://example.invalid/book scripts", "unsupported database URL"),
    case("notes", "--db ftp://example.invalid/book notes", "unsupported database URL"),
    case("content export", "--db {book} content export {notes}", "not a folder"),
    case("content export", f"--db {{book}} content export {MISSING}", "does not exist"),
    case(
        "content import", "--db {book} --as kwright content import {tmp}/nowhere", "is not a folder"
    ),  # fmt: skip
    case(
        "promises settle",
        "--db {book} --as kwright promises settle --on yesterday",
        "--on must be a date",
    ),  # fmt: skip
    case("proposals", "--db {book} proposals --user nobody", "unknown user 'nobody'"),
    case(
        "import invoices",
        "--db {book} --as kwright import invoices {tmp}/register.xlsx",
        "cannot open the file",
    ),  # fmt: skip
    case(
        "import remittance", "--db {book} --as kwright import remittance {notes}", "no data rows"
    ),  # fmt: skip
    case("preaudit", "--db {book} preaudit --since 2026-99-01", "--since must be a date"),
    case(
        "export",
        f"--db {{book}} export worklist --user agarcia --out {MISSING}/x.xlsx",
        "does not exist",
    ),  # fmt: skip
    case("export", f"--db {{book}} export aging --out {MISSING}/x.xlsx", "does not exist"),
    case(
        "export",
        f"--db {{book}} export statement --account {{account}} --out {MISSING}/x.pdf",
        "does not exist",
    ),  # fmt: skip
    case("export", "--db {book} export worklist --user agarcia --out {tmp}", "it is a folder"),
    case(
        "export",
        "--db {book} export statement --account {account} --out {tmp}/s.docx",
        ".xlsx or .pdf",
    ),  # fmt: skip
    case(
        "assign", "--db {book} --as kwright assign --account NOPE --to agarcia", "unknown account"
    ),  # fmt: skip
    case(
        "handover",
        "--db {book} --as agarcia handover --from bchen --to cpatel",
        "only a supervisor",
    ),  # fmt: skip
    case("rebalance", "--db {book} rebalance", "needs --as LOGIN"),
    case("team", "--db {book} team --on 2026-02-30", "--on must be a date"),
    case("kpis", f"--db {{book}} kpis --xlsx {MISSING}/k.xlsx", "does not exist"),
    case("kpis", "--db {book} kpis --from 2026-01-01 --to tomorrow", "--to must be a date"),
    case(
        "user add",
        "--db {book} --as agarcia user add zed --name Zed --role collector",
        "only a supervisor",
    ),  # fmt: skip
    case("user deactivate", "--db {book} --as kwright user deactivate nobody", "unknown user"),
    case("user activate", "--db {book} --as kwright user activate nobody", "unknown user"),
    case("user role", "--db {book} --as kwright user role nobody supervisor", "unknown user"),
    case(
        "user departments",
        "--db {book} --as kwright user departments oruiz warehouse",
        "'warehouse' is not a department",
    ),  # fmt: skip
    case("requests", "--db {book} requests --department warehouse", "not a department"),
    case(
        "requests escalate",
        "--db {book} --as kwright requests escalate --on 2026-02-30",
        "--on must be a date",
    ),  # fmt: skip
    case("answer", "--db {book} --as oruiz answer 999999 --text done", "no department request"),
    # a bad file attached with an answer: one line, and not even the answer is recorded
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --attach {tmp}/nowhere/pod.pdf",
        "pod.pdf: no such file",
    ),  # fmt: skip
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --attach {tmp}",
        "is a folder, not a file",
    ),  # fmt: skip
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --attach {program}",
        "a .exe file is not a document arbench keeps",
    ),  # fmt: skip
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --attach {fake_pdf}",
        "named .pdf but its content is not PDF",
    ),  # fmt: skip
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --attach {empty}",
        "the file is empty",
    ),  # fmt: skip
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --attach {fake_pdf} --kind receipt",
        "argument --kind: invalid choice: 'receipt'",
    ),  # fmt: skip
    case(
        "answer",
        "--db {book} --as oruiz answer {request} --text POD --kind pod",
        "--kind goes with --attach FILE",
    ),  # fmt: skip
    case("handback", "--db {book} --as oruiz handback 999999 --reason x", "no department request"),
    case("departments", "--db ftp://example.invalid/book departments", "unsupported database URL"),
    case("sla", "--db {book} --as kwright sla pricing soon", "DAYS must be a whole number"),
    case("lead", "--db {book} --as kwright lead pricing agarcia", "cannot lead pricing"),
    case(
        "account add",
        "--db {book} --as agarcia account add N1 --name Newco",
        "cannot add an account",
    ),
    case("onboarding", "--db {book} onboarding --account NOPE", "no account numbered 'NOPE'"),
    case(
        "onboarding tick",
        "--db {book} --as kwright onboarding tick {account} warp_drive",
        "not an onboarding task",
    ),  # fmt: skip
    case(
        "onboarding assign",
        "--db {book} --as kwright onboarding assign {account} credit_limit --to agarcia",
        "has no onboarding checklist",
    ),  # fmt: skip
    case("notices", "--db {book} notices --since 2026-13-01", "--since must be a date"),
    case(
        "notices send",
        "--db {book} --as kwright notices send NOPE --rule pod_missing_required --out {tmp}/n.txt",
        "an .eml file",
    ),  # fmt: skip
    case("notices answer", "--db {book} --as kwright notices answer 999 --text ok", "no notice"),
    case("rootcauses", "--db {book} rootcauses --from 2026-11-01 --to 2026-10-01", "is after --to"),
    case("rootcauses", f"--db {{book}} rootcauses --pdf {MISSING}/r.pdf", "does not exist"),
    case(
        "rootcauses pack",
        "--db {book} --as kwright rootcauses pack --month 2026-13 --out {tmp}/pack",
        "--month must be a month",
    ),  # fmt: skip
    case("today", "--db {book} today --user nobody", "unknown user 'nobody'"),
    case("today", "--db {book} today --user agarcia --on 2026-02-30", "--on must be a date"),
    case("capacity", "--db {book} --as kwright capacity agarcia 0", "capacity"),
    case("capacity", "--db {book} --as agarcia capacity bchen 5", "supervisor"),
    case("about", "--db postgresql://u:secret@[::1/x about", "malformed database URL"),
    # documents, mail, statements, cadences, reminders and the daily run (issue #19)
    case("attach", "--db {book} --as agarcia attach {tmp}/nowhere", "is not a folder"),
    case("documents", "--db {book} documents", "say whose documents"),
    case(
        "documents",
        f"--db {{book}} documents --account {{account}} --export {MISSING}",
        "does not exist",
    ),  # fmt: skip
    case("mail setup", "--db {book} --as agarcia mail setup smtp --host h", "only a supervisor"),
    case("mail sender", "--db {book} --as agarcia mail sender ana-at-home", "not an email address"),
    case("mail auto-send", "--db {book} --as agarcia mail auto-send on", "only a supervisor"),
    case(
        "mail send",
        "--db {book} --as agarcia mail send --item 999999999 --template pod_copy",
        "no issue with id 999999999",
    ),  # fmt: skip
    case(
        "mail send",
        f"--db {{book}} --as agarcia mail send --item 1 --template pod_copy --eml {MISSING}",
        "does not exist",
    ),  # fmt: skip
    case("mail fetch", "--db {book} --as agarcia mail fetch", "no IMAP mailbox is set up"),
    case("mail import", "--db {book} --as agarcia mail import {tmp}/reply.eml", "reply.eml"),
    case("mail inbox", "--db http://example.invalid/book mail inbox", "unsupported database URL"),
    case(
        "mail assign", "--db {book} --as agarcia mail assign 999 --item 1", "no received message"
    ),  # fmt: skip
    case("company", "--db {book} --as agarcia company set --name X", "only a supervisor"),
    case(
        "company", "--db {book} --as kwright company set --logo {notes}", "must be a .png or .jpg"
    ),
    case(
        "statement send",
        "--db {book} --as agarcia statement send --account {account} --on 2026-02-30",
        "--on must be a date",
    ),  # fmt: skip
    case(
        "cadence set",
        "--db {book} --as kwright cadence set std --step soon:payment_due_today",
        "whole days (e.g. -3, 0, +7), not 'soon'",
    ),  # fmt: skip
    case(
        "cadence account", "--db {book} --as kwright cadence account NOPE --class key", "NOPE"
    ),  # fmt: skip
    case("reminders", "--db {book} --as agarcia reminders --on 2026-02-30", "--on must be a date"),
    case("daily", "--db {book} --as mlee daily", "a trainee cannot run the daily jobs"),
    case("frobnicate", "--db {book} frobnicate", "invalid choice: 'frobnicate'"),
]
NOT_COMMANDS = {"frobnicate"}  # rows for what the user may mistype, not sub-commands


def sub_commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[str]:
    """Every sub-command path the parser accepts, nested ones included ("db backup"), and a
    group that also runs on its own (a `func` of its own beside optional actions)."""
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not actions or (prefix and parser.get_default("func") is not None):
        yield prefix
    if not actions:
        return
    for name, sub in actions[0].choices.items():
        yield from sub_commands(sub, f"{prefix} {name}".strip())


def test_every_sub_command_has_a_bad_input_row() -> None:
    commands = set(sub_commands(build_parser())) | {GUI}
    in_table = {c.command for c in CASES} - NOT_COMMANDS
    assert commands - in_table == set(), "add a bad-input row for each new sub-command"
    assert in_table - commands == set(), "rows for sub-commands that no longer exist"


def _damage(path: Path) -> None:
    """Overwrite a run of pages in the middle of a SQLite file with garbage."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for offset in range(size // 3, size // 3 + 16 * 4096, 4096):
            handle.seek(offset + 100)
            handle.write(bytes((offset + i) * 37 % 251 for i in range(2000)))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"


@pytest.fixture
def places(demo_template: Path, tmp_path: Path) -> dict[str, str]:
    book = tmp_path / "book.sqlite3"
    shutil.copy(demo_template, book)
    damaged, truncated = tmp_path / "damaged.sqlite3", tmp_path / "truncated.sqlite3"
    shutil.copy(demo_template, damaged)
    _damage(damaged)
    truncated.write_bytes(demo_template.read_bytes()[: demo_template.stat().st_size // 3])
    notes = tmp_path / "notes.txt"
    notes.write_text("these are not the files you are looking for\n", encoding="utf-8")
    with sqlite3.connect(book) as conn:
        (account,) = conn.execute("SELECT number FROM accounts ORDER BY id LIMIT 1").fetchone()
        (request,) = conn.execute("SELECT min(id) FROM department_requests WHERE status = 'open' "
                                  "AND department = 'operations'").fetchone()  # fmt: skip
    files = {"program": b"MZ\x90\x00 not evidence", "fake_pdf": b"these are notes, not a PDF\n",
             "empty": b""}  # fmt: skip
    names = {"program": "tool.exe", "fake_pdf": "POD_scan.pdf", "empty": "POD_empty.pdf"}
    for key, content in files.items():
        (tmp_path / names[key]).write_bytes(content)
    return {"book": str(book), "tmp": str(tmp_path), "notes": str(notes),
            "damaged": str(damaged), "truncated": str(truncated), "account": account,
            "request": str(request), **{k: str(tmp_path / n) for k, n in names.items()}}  # fmt: skip


def _files(folder: Path) -> dict[str, bytes]:
    """The folder's files and their content (SQLite's -wal/-shm beside an open book aside)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


def _run_in_process(argv: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capfd.readouterr()
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own exits (usage errors)
        code = exit_.code if isinstance(exit_.code, int) else 1
    return code, capfd.readouterr().err


def _run_without_display(argv: list[str]) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "arbench", *argv], env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    return done.returncode, done.stderr


@pytest.mark.parametrize("bad", CASES, ids=lambda c: " ".join(c.argv))
def test_bad_input_gives_one_line_and_writes_nothing(
    bad: Case,
    places: dict[str, str],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    argv = [part.format(**places) for part in bad.argv]
    before = _files(tmp_path)
    if bad.no_display:
        code, err = _run_without_display(argv)
    else:
        code, err = _run_in_process(argv, capfd)
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert code != 0, f"exit code 0 for {argv}"
    assert len(lines) == 1, f"{len(lines)} lines on stderr:\n{err}"
    assert bad.says in lines[0]
    assert "secret" not in err  # a password typed in a URL is never shown
    assert _files(tmp_path) == before, "a failed command left files behind or changed them"
