"""Departments in the loop, clicked through the real windows: a collector routes a POD request;
operations answers it in its own window (its queue, the item read only) with the signed POD
attached; the item comes back to the top of the collector's list (the group the collector's
Today works first) with the answer, and the POD is among the item's documents, stored and shown
(opened by its id); an overdue pricing request escalates to the pricing lead, once; the supervisor's root-cause report equals the rows counted here; an account
invoiced before its onboarding checklist is done is flagged by pre-audit and on its account."""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from arbench.services.base import actor_for
from arbench.services.correspondence import documents as document_service
from arbench.services.intake.imports import import_invoices
from arbench.services.work import items as item_service
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import RouteRequest
from arbench.store.correspondence_models import Document, DocumentBlob
from arbench.store.db import Database
from arbench.store.models import DepartmentRequest, Issue, Pro
from arbench.ui import app as app_module
from arbench.ui import department_dialogs
from arbench.ui.action_dialogs import RouteDialog
from arbench.ui.data_actions import show_preaudit
from arbench.ui.department_window import DepartmentWindow, WordDialog
from arbench.ui.settings import UserSettings
from helpers import NIGHTLY, open_window, run_cli, wait_idle

ON = date(2026, 11, 24)


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def signed_pod(path: Path, pro: str) -> bytes:
    """A real one-page PDF, as the terminal's scanner would send it."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    painter = QPainter(writer)
    painter.drawText(200, 200, f"PRO {pro} delivered complete, signed R. Alvarez 2026-11-20")
    painter.end()
    return path.read_bytes()


def department_window(qtbot: QtBot, db: Database, login: str) -> DepartmentWindow:
    """What `login` gets on opening arbench: their queue (the app's own start)."""
    window = app_module.start_window(db, login, UserSettings())
    assert isinstance(window, DepartmentWindow)
    qtbot.addWidget(window)
    window.on = ON  # the story's day
    with qtbot.waitSignal(window.queue_loaded, timeout=20000):
        window.reload()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20000)
    return window


def test_a_pod_request_goes_to_operations_and_comes_back_answered(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1. Ana routes a POD request to operations from the item panel.
    window = open_window(qtbot, demo_db, "agarcia")
    view = window.pro_view
    index = next(i for i, item in enumerate(view.model.items)
                 if item.type == "pod_requested" and item.status == "open")  # fmt: skip
    item = view.model.items[index]
    view.select_row(index)
    wait_idle(qtbot, window)
    assert window.panel.detail is not None and window.panel.detail.pro is not None
    pro = window.panel.detail.pro.pro
    assert window.panel.detail.pro.pod_on_file is False
    click(qtbot, window.features.item_actions.buttons["route"])
    dialog = window.features.item_actions.dialog
    assert isinstance(dialog, RouteDialog)
    dialog.department.setCurrentIndex(dialog.department.findData("operations"))
    qtbot.keyClicks(dialog.request, "Signed POD for the AP team, please")
    click(qtbot, dialog.ok_button)
    wait_idle(qtbot, window)
    waiting = view.model.items[view.model.row_of(item.id) or 0]
    assert waiting.id == item.id and waiting.status == "waiting"
    with demo_db.session() as s:
        request_id = s.scalar(select(DepartmentRequest.id).where(
            DepartmentRequest.issue_id == item.id, DepartmentRequest.status == "open"))  # fmt: skip

    # 2. Olivia (operations) opens arbench: her queue, not a worklist.
    ops = department_window(qtbot, demo_db, "oruiz")
    assert not hasattr(ops, "pro_view")
    with demo_db.session() as s:
        open_ops = set(s.scalars(select(DepartmentRequest.id).where(
            DepartmentRequest.department == "operations", DepartmentRequest.status == "open")))  # fmt: skip
    assert {r.id for r in ops.rows} == open_ops and request_id in open_ops
    ops.select_request(request_id)
    qtbot.waitUntil(lambda: ops.panel.detail is not None and ops.panel.detail.id == item.id,
                    timeout=20000)  # fmt: skip
    assert "Signed POD for the AP team, please" in ops.panel.header.text()
    assert "from agarcia" in ops.panel.header.text()
    assert ops.documents.attach_button.isHidden()  # her Documents tab views; answers attach
    assert ops.panel.action_bar.named["answer"].isEnabled()
    click(qtbot, ops.panel.action_bar.buttons["answer"])
    answer = ops.dialog
    assert isinstance(answer, WordDialog)
    qtbot.keyClicks(answer.text, "Signed POD from the Dallas terminal is on file, sent to AP")
    # Attach… (the file dialog is the operating system's: it answers with the scan)
    scan = tmp_path / f"POD {pro}.pdf"
    scanned = signed_pod(scan, pro)
    monkeypatch.setattr(department_dialogs.QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(scan)], ""))  # fmt: skip
    click(qtbot, answer.attach_button)
    assert [answer.files.item(i).text() for i in range(answer.files.count())] == [
        f"POD {pro}.pdf — Proof of delivery"]  # fmt: skip
    with qtbot.waitSignal(ops.queue_loaded, timeout=20000):
        click(qtbot, answer.ok_button)
    qtbot.waitUntil(lambda: not ops.runner.busy, timeout=20000)
    assert request_id not in {r.id for r in ops.rows}
    assert ops.summary.text().startswith(f"{len(open_ops) - 1} open request(s)")
    with demo_db.session() as s:  # the scan really stored, once, on the pro, by Olivia
        stored = s.execute(select(Document.id, Document.kind, DocumentBlob.content)
                           .join(DocumentBlob, DocumentBlob.sha256 == Document.sha256)
                           .join(Pro, Pro.id == Document.pro_id).where(Pro.pro == pro)).all()  # fmt: skip
    assert [(kind, bytes(content)) for _, kind, content in stored] == [("pod", scanned)]
    document_id = stored[0][0]

    # 3. Back in Ana's window (F5): the item is back, answered, above everything it outranks.
    with qtbot.waitSignal(window.worklist_loaded, timeout=20000):
        window.reload()
    wait_idle(qtbot, window)
    row = view.model.row_of(item.id)
    assert row is not None
    back = view.model.items[row]
    assert back.status == "open" and back.reason.startswith("Operations answered")
    assert back.bucket_label == "Department answered or overdue"
    assert all(above.bucket <= back.bucket for above in view.model.items[:row])
    assert all(below.bucket >= back.bucket for below in view.model.items[row + 1 :])
    view.select_row(row)
    wait_idle(qtbot, window)
    assert (f"Operations answered: Signed POD from the Dallas terminal is on file, sent to AP "
            f"[attached: POD {pro}.pdf (Proof of delivery)]"
            in window.panel.timeline.toPlainText())  # fmt: skip
    assert window.panel.detail is not None and window.panel.detail.pro is not None
    assert window.panel.detail.pro.pod_on_file is True
    # ... and the POD is among the item's documents: listed, opened by its id, shown
    docs = window.features.correspondence.documents  # type: ignore[union-attr]
    window.panel.tabs.setCurrentWidget(docs)
    wait_idle(qtbot, window)
    assert [(d.id, d.kind, d.file_name, d.added_by) for d in docs.model.rows] == [
        (document_id, "pod", f"POD {pro}.pdf", "oruiz")]  # fmt: skip
    assert docs.viewer is not None and docs.viewer.currentWidget() is docs.viewer.pdf_view
    assert docs.viewer.pdf.pageCount() == 1
    info, content = document_service.content_of(demo_db, document_id)
    assert (info.pro, content) == (pro, scanned)
    ops.close()


def test_an_overdue_pricing_request_escalates_to_the_pricing_lead_once(
    qtbot: QtBot, demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    me = actor_for(demo_db, "agarcia")
    with demo_db.session() as s:
        issue = s.scalar(select(Issue).where(Issue.owner_id == me.id, Issue.status == "open",
                                             Issue.level == "pro").order_by(Issue.id))  # fmt: skip
        assert issue is not None
        issue_id, version = issue.id, issue.version
    item_service.route(demo_db, me, issue_id, version,
                       RouteRequest("pricing", "Is PA-20003 loaded with the 2026 rates?",
                                    ON - timedelta(days=3)), on=ON - timedelta(days=10))  # fmt: skip
    code, out, _ = run_cli(capsys, "--db", demo_db.url, "--as", "kwright", "requests", "escalate",
                           "--on", ON.isoformat())  # fmt: skip
    assert code == 0
    with demo_db.session() as s:
        request_id = s.scalar(
            select(DepartmentRequest.id).where(DepartmentRequest.issue_id == issue_id)
        )
    assert (
        f"request #{request_id} (pricing, due {ON - timedelta(days=3)}) escalated to pshah" in out
    )
    code, again, _ = run_cli(capsys, "--db", demo_db.url, "--as", "kwright", "requests",
                             "escalate", "--on", ON.isoformat())  # fmt: skip
    assert code == 0 and again.strip().endswith(f"0 overdue request(s) escalated on {ON}")
    pricing = department_window(qtbot, demo_db, "pshah")
    mine = next(r for r in pricing.rows if r.id == request_id)
    assert (mine.escalated_to, mine.overdue_days) == ("pshah", 3)
    timeline = [e.text for e in item_detail(demo_db, issue_id).timeline if e.kind == "escalation"]
    assert len(timeline) == 1 and "escalated to Priya Shah, pricing lead" in timeline[0]
    pricing.close()


def test_the_root_cause_report_counts_the_rows(qtbot: QtBot, demo_db: Database) -> None:
    window = open_window(qtbot, demo_db, "kwright")
    console = window.features.supervisor.open()  # type: ignore[union-attr]
    qtbot.addWidget(console)
    tab = console.rootcauses
    console.tabs.setCurrentWidget(tab)
    start = date(2026, 8, 1)
    tab.start.setDate(tab.start.date().fromString(start.isoformat(), "yyyy-MM-dd"))
    with qtbot.waitSignal(tab.loaded, timeout=30000):
        click(qtbot, tab.show_button)
    conn = sqlite3.connect(demo_db.url.removeprefix("sqlite:///"))
    counted = Counter(cause for (cause,) in conn.execute(
        "SELECT root_cause FROM issues WHERE root_cause IS NOT NULL AND opened_on BETWEEN ? AND ?",
        (start.isoformat(), ON.isoformat())))  # fmt: skip
    money = {cause: cents for cause, cents in conn.execute(
        "SELECT i.root_cause, sum(coalesce(i.amount, p.amount, 0)) FROM issues i LEFT JOIN pros p "
        "ON p.id = i.pro_id WHERE i.root_cause IS NOT NULL AND i.opened_on BETWEEN ? AND ? "
        "GROUP BY i.root_cause", (start.isoformat(), ON.isoformat()))}  # fmt: skip
    conn.close()
    assert tab.report is not None
    assert {c.code: c.totals.count for c in tab.report.causes} == dict(counted)
    assert {c.code: int(c.totals.amount * 100) for c in tab.report.causes} == money
    shown = [tab.causes.data(tab.causes.index(r, 2)) for r in range(tab.causes.rowCount())]
    assert shown == [str(n) for _, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))]
    bars = tab.chart.series()[0]
    assert [bars.barSets()[0].at(i) for i in range(bars.barSets()[0].count())] == [
        float(n) for n in sorted(counted.values(), reverse=True)[:12]]  # fmt: skip


def test_a_new_account_invoiced_before_onboarding_is_flagged(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    register = tmp_path / "new-customer.csv"
    with register.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["PRO #", "Cust No", "Customer Name", "BOL", "Invoice Date", "Due Date",
                         "Amount", "Open Bal", "Shipper", "Terms"])  # fmt: skip
        for n, pro in enumerate(("NW-1", "NW-2")):
            writer.writerow([pro, "C-NEW-9", "Northwind Outfitters", f"BNW{n}", "2026-11-20",
                             "2026-12-20", "512.40", "512.40", "Northwind Outfitters", "prepaid"])  # fmt: skip
    assert import_invoices(demo_db, register, on=ON, actor=NIGHTLY).accounts_created == 1
    window = open_window(qtbot, demo_db, "kwright")
    preaudit = show_preaudit(window.context)
    qtbot.waitUntil(lambda: preaudit.model.rowCount() > 0 and not window.runner.busy, timeout=30000)
    flagged = sorted(r[0] for r in preaudit.model.rows if r[3] == "invoiced before onboarding")
    assert flagged == ["NW-1", "NW-2"]
    with demo_db.session() as s:
        issue_id = s.scalar(
            select(Issue.id).join(Pro, Pro.id == Issue.pro_id).where(Pro.pro == "NW-1")
        )
    assert issue_id is not None
    window.open_item_by_id(issue_id)
    wait_idle(qtbot, window)
    account = window.panel.account.toPlainText()
    assert "Invoiced before its onboarding checklist was done." in account
    assert "Onboarding (9 task(s) open)" in account
    preaudit.close()
