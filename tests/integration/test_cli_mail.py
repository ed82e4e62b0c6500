"""The command line for documents, the company profile, statements and the daily run, on a real
SQLite book and a real SMTP server: what it prints, what it writes, what it refuses."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.services.base import actor_for
from arbench.services.knowledge import content
from arbench.store.correspondence_models import Document, DocumentBlob
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, Contact, Pro, User
from helpers import run_cli
from mailservers import SmtpServer

ON = "2026-11-24"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _pros(db: Database, login: str, n: int) -> list[tuple[str, str | None, str]]:
    with db.session() as s:
        uid = actor_for(db, login).id
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(Pro.pro, Pro.bol, Account.number).join(Account, Account.id == Pro.account_id)
            .where(Account.collector_id == uid, Pro.status == "open", Pro.bol.is_not(None)).order_by(Pro.id).limit(n)
        )]  # fmt: skip


def test_attach_a_folder_reports_matched_and_unmatched_files_by_name(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pro1, _b1, _a1), (_pro2, bol2, _a2) = _pros(demo_db, "agarcia", 2)
    folder = tmp_path / "scans"
    folder.mkdir()
    pod = b"%PDF-1.4 signed pod"
    (folder / f"POD_{pro1}.pdf").write_bytes(pod)
    (folder / f"{bol2} bol.jpg").write_bytes(b"\xff\xd8\xff jpeg bytes")
    (folder / f"copy of POD {pro1}.pdf").write_bytes(pod)  # the same file again: attached once
    (folder / f"POD-{_pro2}.pdf").write_bytes(pod)  # the same bytes on another pro: one blob
    (folder / "scan0001.pdf").write_bytes(b"%PDF unnamed")
    (folder / "notes.txt").write_bytes(b"")
    db = str(demo_db.url).removeprefix("sqlite:///")
    code, out, err = run_cli(
        capsys, "--db", db, "--as", "agarcia", "attach", str(folder), "--format", "json"
    )
    assert code == 0, err
    report = json.loads(out)
    matched = {m["file"]: (m["pro"], m["kind"], m["matched_by"]) for m in report["matched"]}
    assert matched == {
        f"POD_{pro1}.pdf": (pro1, "pod", "pro"),
        f"{bol2} bol.jpg": (_pro2, "bol", "bol"),
        f"copy of POD {pro1}.pdf": (pro1, "pod", "pro"),
        f"POD-{_pro2}.pdf": (_pro2, "pod", "pro"),
    }
    copies = [m["file"] for m in report["matched"] if m["already_attached"]]
    assert copies == [f"copy of POD {pro1}.pdf"]
    assert sorted(m["file"] for m in report["unmatched"]) == ["notes.txt", "scan0001.pdf"]
    with demo_db.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 3
        assert s.scalar(select(func.count()).select_from(DocumentBlob)) == 2  # deduplicated
        assert s.scalar(select(Pro.pod_on_file).where(Pro.pro == pro1)) is True
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "document.attach")
            )
            == 3
        )
    again = json.loads(
        run_cli(capsys, "--db", db, "--as", "agarcia", "attach", str(folder), "--format", "json")[1]
    )
    assert all(m["already_attached"] for m in again["matched"]) and len(again["matched"]) == 4
    code, out, err = run_cli(capsys, "--db", db, "--as", "agarcia", "documents", "--pro", pro1, "--export",
                             str(tmp_path / "out"), "--format", "json")  # fmt: skip
    exported = [Path(d["exported_to"]) for d in json.loads(out)]
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in exported] == [
        hashlib.sha256(pod).hexdigest()
    ]


def test_a_file_over_the_size_limit_is_one_line(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from arbench.services.correspondence import documents

    documents.set_max_mb(demo_db, actor_for(demo_db, "kwright"), 1)
    ((pro, _b, _a),) = _pros(demo_db, "agarcia", 1)
    big = tmp_path / f"POD {pro}.pdf"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(
        documents.InvalidInput, match=rf"POD {pro}.pdf: 1.0 MB is over the 1 MB limit"
    ):
        documents.attach_file(demo_db, actor_for(demo_db, "agarcia"), big, "pod", pro=pro)
    folder = tmp_path / "f"
    folder.mkdir()
    shutil.copy(big, folder / big.name)
    db = str(demo_db.url).removeprefix("sqlite:///")
    report = json.loads(
        run_cli(capsys, "--db", db, "--as", "agarcia", "attach", str(folder), "--format", "json")[1]
    )
    assert report["matched"] == [] and "over the 1 MB limit" in report["unmatched"][0]["reason"]


def test_company_profile_is_set_by_a_supervisor_only(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db.url).removeprefix("sqlite:///")
    code, _out, err = run_cli(
        capsys, "--db", db, "--as", "agarcia", "company", "set", "--name", "X"
    )
    assert code == 2 and err.strip().splitlines() == [
        "arbench: error: only a supervisor can change the company profile; agarcia is a collector"
    ]
    code, out, err = run_cli(capsys, "--db", db, "--as", "kwright", "company", "set", "--name", "Great Lakes Freight",
                             "--remit-to-name", "Great Lakes Freight", "--remit-to-address", "PO Box 4410\\nToledo OH 43601",
                             "--format", "json")  # fmt: skip
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["remit_to_name"], shown["remit_to_address"]) == (
        "Great Lakes Freight", "PO Box 4410\nToledo OH 43601")  # fmt: skip


def test_statement_send_for_three_pros_arrives_with_the_company_and_the_right_total(
    demo_db: Database, smtp: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content.load_shipped(demo_db)
    db = str(demo_db.url).removeprefix("sqlite:///")
    with demo_db.session() as s:
        account = s.scalar(select(Account).join(Pro, Pro.account_id == Account.id)
                           .where(Account.collector_id == actor_for(demo_db, "agarcia").id, Pro.status == "open")
                           .group_by(Account.id).having(func.count() >= 3).order_by(Account.id))  # fmt: skip
        assert account is not None
        rows = s.execute(select(Pro.pro, Pro.open_balance).where(Pro.account_id == account.id, Pro.status == "open")
                         .order_by(Pro.id).limit(3)).all()  # fmt: skip
        contact = s.scalars(
            select(Contact.email).where(
                Contact.account_id == account.id, Contact.email.is_not(None)
            )
        ).first()
        number = account.number
        s.execute(
            User.__table__.update()
            .where(User.login == "agarcia")
            .values(email="ana@carrier.example")
        )
    for args in (("company", "set", "--name", "Great Lakes Freight", "--remit-to-address", "PO Box 4410\\nToledo OH"),
                 ("mail", "setup", "smtp", "--host", "127.0.0.1", "--port", str(smtp.port), "--security", "plain")):  # fmt: skip
        assert run_cli(capsys, "--db", db, "--as", "kwright", *args)[0] == 0
    pros = [r.pro for r in rows]
    code, out, err = run_cli(capsys, "--db", db, "--as", "agarcia", "statement", "send", "--account", number,
                             "--pros", ",".join(pros), "--on", ON, "--format", "json")  # fmt: skip
    assert code == 0, err
    sent = json.loads(out)["sent"][0]
    expected = sum((r.open_balance for r in rows), Decimal(0))
    assert sent["pros"] == 3 and Decimal(sent["total"]) == expected
    message = smtp.received[0].message
    assert smtp.received[0].recipients == [contact]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert (
        all(p in body for p in pros)
        and f"${expected:,.2f}" in body
        and "Great Lakes Freight" in body
    )
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"statement-{number}-{ON}.pdf"
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(attachment.get_payload(decode=True))
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert (
            "Great Lakes Freight" in text and "Page 1 of 1" in text and f"{expected:,.2f}" in text
        )
        assert "arbench: statement of account" not in text


def test_daily_twice_does_nothing_the_second_time(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(demo_db.url).removeprefix("sqlite:///")
    code, _out, err = run_cli(capsys, "--db", db, "daily", "--on", ON)
    assert code == 2 and err == "arbench: error: `daily` needs --as LOGIN (the user who acts)\n"
    code, _out, err = run_cli(capsys, "--db", db, "--as", "mlee", "daily", "--on", ON)
    assert (
        code == 2
        and err == "arbench: error: a trainee cannot run the daily jobs; mlee is a trainee\n"
    )
    code, out, err = run_cli(
        capsys, "--db", db, "--as", "kwright", "daily", "--on", ON, "--format", "json"
    )
    assert code == 0, err
    first = {s["step"]: s["status"] for s in json.loads(out)["steps"]}
    assert first == dict.fromkeys(("settle_promises", "end_covers", "escalate_requests",
                                   "queue_reminders", "send_reminders", "fetch_mail",
                                   "rootcause_pack"), "done")  # fmt: skip
    code, out, _ = run_cli(capsys, "--db", db, "--as", "agarcia", "daily", "--on", ON)
    assert code == 0 and out.count("done_before") == 7
    assert date.fromisoformat(ON)  # the day is a real date


def test_statements_in_bulk_send_the_good_and_name_the_bad(
    demo_db: Database, smtp: SmtpServer, capsys: pytest.CaptureFixture[str], qapp: object
) -> None:
    content.load_shipped(demo_db)
    db = str(demo_db.url).removeprefix("sqlite:///")
    ana = actor_for(demo_db, "agarcia")
    with demo_db.session() as s:
        numbers = list(s.scalars(
            select(Account.number).join(Pro, Pro.account_id == Account.id)
            .where(Account.collector_id == ana.id, Pro.status == "open").group_by(Account.number)
            .order_by(Account.number).limit(3)))  # fmt: skip
        no_mail = s.scalar(select(Account).where(Account.number == numbers[2]))
        assert no_mail is not None
        for contact in s.scalars(select(Contact).where(Contact.account_id == no_mail.id)):
            contact.email = None
    assert run_cli(capsys, "--db", db, "--as", "kwright", "mail", "setup", "smtp", "--host", "127.0.0.1",
                   "--port", str(smtp.port), "--security", "plain")[0] == 0  # fmt: skip
    args = [a for n in numbers for a in ("--account", n)]
    code, out, _err = run_cli(capsys, "--db", db, "--as", "agarcia", "statement", "send", *args, "--on", ON,
                              "--format", "json")  # fmt: skip
    report = json.loads(out)
    assert code == 1  # one account could not be sent
    assert [s["account_number"] for s in report["sent"]] == numbers[:2] and len(smtp.received) == 2
    assert report["failed"] == [{"account": numbers[2], "error":
                                 f"account {numbers[2]} has no contact with an email address: give --to"}]  # fmt: skip
    names = sorted(next(m.message.iter_attachments()).get_filename() for m in smtp.received)
    assert names == [f"statement-{n}-{ON}.pdf" for n in numbers[:2]]
