"""Output files: checked before any work, written beside the target, replaced whole or not at all."""

from __future__ import annotations

import errno
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from arbench.io import statement_pdf
from arbench.io.exports import Column, Sheet, write_xlsx
from arbench.output_files import OutputError, check_output_dir, check_output_file, written


def test_check_names_the_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=f"^cannot write --out {tmp_path}/no/x.xlsx: the folder {tmp_path}/no does not exist$"):  # fmt: skip
        check_output_file(tmp_path / "no" / "x.xlsx", "--out")
    with pytest.raises(OutputError, match="it is a folder, give a file name"):
        check_output_file(tmp_path, "--out")
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="is not a folder"):
        check_output_file(tmp_path / "file" / "x.xlsx")
    with pytest.raises(OutputError, match="it is a file, not a folder"):
        check_output_dir(tmp_path / "file")
    assert check_output_dir(tmp_path / "new") == tmp_path / "new"  # made by the writer
    assert check_output_file(tmp_path / "x.xlsx") == tmp_path / "x.xlsx"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_check_refuses_a_folder_without_write_permission(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="no permission to write in"):
        check_output_file(locked / "x.xlsx")


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the report of yesterday")
    with pytest.raises(RuntimeError, match="writer broke"), written(target) as partial:
        partial.write_bytes(b"half a rep")
        raise RuntimeError("writer broke")
    assert target.read_bytes() == b"the report of yesterday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]
    with pytest.raises(OutputError, match="nothing was written"), written(target):
        pass  # a writer that wrote nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]
    with written(target) as partial:
        assert partial.parent == tmp_path and partial.suffix == ".xlsx"
        partial.write_bytes(b"the report of today")
    assert target.read_bytes() == b"the report of today"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]


def test_a_full_disk_gives_one_line_and_no_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_save = Workbook.save

    def save(self: Workbook, filename: str) -> None:
        real_save(self, filename)  # the bytes are out, then the disk turns out to be full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", save)
    target = tmp_path / "w.xlsx"
    sheet = Sheet(
        "Worklist", [Column("Name"), Column("Count", "int")], [["first", 1]], total_rows=1
    )
    with pytest.raises(OutputError, match=f"^cannot write {target}: No space left on device$"):
        write_xlsx(target, [sheet])
    assert list(tmp_path.iterdir()) == []


PAGE = statement_pdf.StatementPage(
    "Demo Freight Lines", "1 Dock Rd", "", "", None, "C100001", "Atlas Bakery LLC",
    ["1 Main St"], date(2026, 11, 24),
    [statement_pdf.StatementLine("1234567", "I1", "B1", "2026-10-01", "2026-10-31",
                                 Decimal("100.00"), Decimal("100.00"), 24)],
    [("1-30", Decimal("100.00"))],
)  # fmt: skip


@pytest.mark.qt_log_ignore("QPainter::begin")
def test_pdf_writer_reports_a_pdf_qt_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object
) -> None:
    """Qt only warns when it cannot open the file ("QPainter::begin(): Returned false"); the
    writer must notice that no PDF was written and say so, not report success."""
    real = statement_pdf.QPdfWriter
    nowhere = str(tmp_path / "gone" / "x.pdf")  # Qt cannot open this one
    monkeypatch.setattr(statement_pdf, "QPdfWriter", lambda _path: real(nowhere))
    target = tmp_path / "statement.pdf"
    with pytest.raises(OutputError, match=f"could not write the PDF {target}"):
        statement_pdf.write_statement_pdf(PAGE, target)
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    statement_pdf.write_statement_pdf(PAGE, target)
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["statement.pdf"]
