"""Open-item registers and remittance tables: real xlsx and csv files written and read back."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from arbench.domain.catalogue import Terms
from arbench.io.cell_values import (
    DMY,
    EXCEL_SERIAL,
    ISO,
    MDY,
    NO_DATES,
    UNRECOGNIZED,
    CellError,
    parse_money,
)
from arbench.io.error_report import neutralize, write_error_report
from arbench.io.errors import FileRejected, RowError
from arbench.io.registers import (
    CANONICAL_FIELDS,
    RegisterRow,
    detect_date_format,
    guess_mapping,
    load_register,
    parse_register,
    read_remittance_table,
    read_table,
)

HEADERS = ["PRO #", "Cust No", "Inv Date", "Amount"]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], *, delimiter: str = ",", encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def rejected(path: Path, mapping: dict[str, str] | None = None) -> FileRejected:
    with pytest.raises(FileRejected) as caught:
        load_register(path, mapping)
    assert path.name in str(caught.value)
    return caught.value


def only_error(path: Path) -> RowError:
    (error,) = rejected(path).errors
    return error


# --- mapping ------------------------------------------------------------------------------


def test_guess_mapping_understands_the_headers_exports_use() -> None:
    headers = [
        "PRO #", "Cust No", "Customer Name", "BOL #", "Invoice #", "Inv Date", "Due Date",
        "Amount", "Open Bal", "Ship Date", "Delivered", "Shipper", "Consignee", "Origin",
        "Dest", "Weight (lbs)", "Class", "Pcs", "Terms", "POD?", "Paid Date", "Disputed",
        "Payment Terms", "Currency", "Notes",
    ]  # fmt: skip
    mapping = guess_mapping(headers)
    assert list(mapping.values()) == list(CANONICAL_FIELDS)
    assert "Notes" not in mapping


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Pro Number", "pro"), ("PRO No.", "pro"), ("Freight Bill #", "pro"),
        ("Customer #", "account_number"), ("Acct Nbr", "account_number"),
        ("Customer ID", "account_number"), ("Bill of Lading", "bol"), ("B/L", "bol"),
        ("Open Balance", "open_balance"), ("Balance Due", "open_balance"),
        ("Invoice Date", "invoice_date"), ("Billing Date", "invoice_date"),
        ("Net Due Date", "due_date"), ("Pickup Date", "ship_date"),
        ("Delivery Date", "delivery_date"), ("Freight Class", "freight_class"),
        ("NMFC Class", "freight_class"), ("Pieces", "pieces"), ("PP/CC", "terms"),
        ("POD on file", "pod_on_file"), ("Proof of Delivery", "pod_on_file"),
        ("Invoice Amount", "amount"), ("Orig Amt", "amount"), ("Wt", "weight"),
    ],
)  # fmt: skip
def test_guess_mapping_single_headers(header: str, field: str) -> None:
    assert guess_mapping([header]) == {header: field}


def test_guess_mapping_gives_each_field_to_one_column_only() -> None:
    assert guess_mapping(["PRO", "Pro Number", "Amount", "Amt"]) == {
        "PRO": "pro",
        "Amount": "amount",
    }


# --- a full register ------------------------------------------------------------------------


def test_every_canonical_field_is_read_and_typed(tmp_path: Path) -> None:
    header = ["PRO #", "Cust No", "Customer Name", "BOL #", "Invoice #", "Inv Date", "Due Date",
              "Amount", "Open Bal", "Ship Date", "Delivered", "Shipper", "Consignee", "Origin",
              "Dest", "Weight", "Class", "Pcs", "Terms", "POD?"]  # fmt: skip
    row = ["7741201", "ACME01", "Acme Plastics", "BOL55", "INV-1", datetime(2024, 3, 1),
           datetime(2024, 3, 31), 1234.56, 1000, datetime(2024, 2, 27), datetime(2024, 2, 29),
           "Acme Dayton", "Big Box DC 14", "Dayton, OH", "Joliet, IL", 1250, 77.5, 3, "PP", "Y"]  # fmt: skip
    path = write_xlsx(tmp_path / "register.xlsx", [header, row])
    (item,) = load_register(path)
    assert item == RegisterRow(
        row=2,
        pro="7741201",
        account_number="ACME01",
        amount=Decimal("1234.56"),
        open_balance=Decimal("1000.00"),
        invoice_date=date(2024, 3, 1),
        due_date=date(2024, 3, 31),
        account_name="Acme Plastics",
        bol="BOL55",
        invoice_number="INV-1",
        ship_date=date(2024, 2, 27),
        delivery_date=date(2024, 2, 29),
        shipper="Acme Dayton",
        consignee="Big Box DC 14",
        origin="Dayton, OH",
        destination="Joliet, IL",
        weight=Decimal(1250),
        freight_class="77.5",
        pieces=3,
        terms=Terms.PREPAID,
        pod_on_file=True,
    )


def test_credits_are_kept_and_a_missing_open_balance_means_all_open(tmp_path: Path) -> None:
    rows = [
        HEADERS + ["Open Bal"],
        ["P1", "A1", "2024-03-01", "-150.00", ""],
        ["P2", "A1", "2024-03-01", "(75.10)", "-20"],
        ["P3", "A1", "2024-03-01", "12.50 CR", ""],
        ["P4", "A1", "2024-03-01", "$1,234.5", ""],
    ]
    items = load_register(write_csv(tmp_path / "r.csv", rows))
    assert [(i.amount, i.open_balance, i.is_credit) for i in items] == [
        (Decimal("-150.00"), Decimal("-150.00"), True),
        (Decimal("-75.10"), Decimal("-20.00"), True),
        (Decimal("-12.50"), Decimal("-12.50"), True),
        (Decimal("1234.50"), Decimal("1234.50"), False),
    ]


@pytest.mark.parametrize(
    ("cells", "expected_format"),
    [
        (["2024-03-14", "2024-12-01"], ISO),
        (["3/14/2024", "12/1/2024"], MDY),
        (["03/14/24", "12/01/24"], MDY),
        (["14/3/2024", "1/12/2024"], DMY),
        (["45365", "45627"], EXCEL_SERIAL),
        (["20240314", "20241201"], "YYYYMMDD"),
        (["14-Mar-2024", "1-Dec-2024"], "D-Mon-YYYY"),
    ],
)
def test_each_date_format_is_detected_and_read(
    tmp_path: Path, cells: list[str], expected_format: str
) -> None:
    rows = [HEADERS] + [[f"P{i}", "A1", cell, "10"] for i, cell in enumerate(cells)]
    frame = read_table(write_csv(tmp_path / "dates.csv", rows))
    result = parse_register(frame, guess_mapping(frame.columns))
    assert result.ok, result.errors
    assert result.date_formats["invoice_date"] == expected_format
    assert [r.invoice_date for r in result.rows] == [date(2024, 3, 14), date(2024, 12, 1)]


def test_dates_stored_as_dates_and_as_serial_numbers_in_xlsx(tmp_path: Path) -> None:
    rows: list[list[object]] = [["PRO", "Account", "Invoice Date", "Due Date", "Amount"],
            ["P1", "A1", datetime(2024, 3, 14), 45395, 10],
            ["P2", "A1", datetime(2024, 3, 15, 16, 30), 45396, 10]]  # fmt: skip
    result = parse_register(
        read_table(write_xlsx(tmp_path / "d.xlsx", rows)),
        guess_mapping(["PRO", "Account", "Invoice Date", "Due Date", "Amount"]),
    )
    assert result.date_formats == {"invoice_date": ISO, "due_date": EXCEL_SERIAL}
    assert [(r.invoice_date, r.due_date) for r in result.rows] == [
        (date(2024, 3, 14), date(2024, 4, 13)),
        (date(2024, 3, 15), date(2024, 4, 14)),
    ]


def test_an_ambiguous_column_reads_as_month_first() -> None:
    assert detect_date_format(["1/2/2024", "3/4/2024"]) == MDY
    assert detect_date_format(["1/2/2024", "13/4/2024"]) == DMY
    assert detect_date_format(["", "  "]) == NO_DATES
    assert detect_date_format(["soon", "later"]) == UNRECOGNIZED


def test_one_format_per_column_makes_the_odd_date_an_error(tmp_path: Path) -> None:
    rows = [HEADERS, ["P1", "A1", "3/14/2024", "10"], ["P2", "A1", "2024-03-15", "10"],
            ["P3", "A1", "3/16/2024", "10"]]  # fmt: skip
    error = only_error(write_csv(tmp_path / "mixed.csv", rows))
    assert (error.row, error.column, error.value) == (3, "Inv Date", "2024-03-15")
    assert error.message == "expected a date like 3/14/2024 (M/D/YYYY, as in this column)"


@pytest.mark.parametrize(
    ("header", "cell", "attribute", "value"),
    [
        ("Terms", "Collect", "terms", Terms.COLLECT),
        ("Terms", "tp", "terms", Terms.THIRD_PARTY),
        ("Terms", "3rd Party", "terms", Terms.THIRD_PARTY),
        ("Terms", "Prepaid", "terms", Terms.PREPAID),
        ("POD?", "no", "pod_on_file", False),
        ("POD?", "TRUE", "pod_on_file", True),
        ("POD?", "0", "pod_on_file", False),
        ("POD?", "", "pod_on_file", False),
        ("Class", "CL 70", "freight_class", "70"),
        ("Class", "77 1/2", "freight_class", "77.5"),
        ("Class", "92.50", "freight_class", "92.5"),
        ("Weight", "1,250 lbs", "weight", Decimal(1250)),
        ("Weight", "980.5", "weight", Decimal("980.5")),
        ("Pcs", "1,200", "pieces", 1200),
    ],
)
def test_codes_and_quantities_are_normalised(
    tmp_path: Path, header: str, cell: str, attribute: str, value: object
) -> None:
    rows = [HEADERS + [header], ["P1", "A1", "2024-03-14", "10", cell]]
    (item,) = load_register(write_csv(tmp_path / "c.csv", rows))
    assert getattr(item, attribute) == value


# --- bad files and bad cells ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cell", "message"),
    [
        ("Amount", "TBD", "expected an amount such as 1,234.56 or -50.00"),
        ("Amount", "N/A", "expected an amount such as 1,234.56 or -50.00"),
        ("Amount", "see attached", "expected an amount such as 1,234.56 or -50.00"),
        ("Amount", "#VALUE!", "expected an amount such as 1,234.56 or -50.00"),
        ("Amount", "", "Amount is required"),
        ("Inv Date", "2024-02-30", "expected a date like 2024-03-14 (YYYY-MM-DD, as in this column)"),
        ("Inv Date", "", "a date is required: invoice date or due date"),
        ("PRO #", "", "PRO is required"),
        ("Cust No", " ", "Account number is required"),
        ("Class", "75", "expected an NMFC freight class: 50, 55, 60"),
        ("Terms", "Net 30", "expected prepaid, collect or third party (PP, CC, TP)"),
        ("POD?", "maybe", "expected Y or N"),
        ("Pcs", "2.5", "expected a whole number of pieces such as 12"),
        ("Weight", "-40", "expected a weight in pounds such as 1,250"),
    ],
)  # fmt: skip
def test_a_bad_cell_names_row_column_value_and_what_was_expected(
    tmp_path: Path, header: str, cell: str, message: str
) -> None:
    base = dict(zip(HEADERS, ["P1", "A1", "2024-03-14", "10"], strict=True))
    good = [*HEADERS, "Class", "Terms", "POD?", "Pcs", "Weight"]
    rows = [good, [base.get(h, "") for h in good], [base.get(h, "") for h in good]]
    rows[2][0] = "P2"
    rows[2][good.index(header)] = cell
    error = only_error(write_csv(tmp_path / "bad.csv", rows))
    assert (error.row, error.column, error.value) == (3, header, cell.strip())
    assert error.message.startswith(message)


def test_duplicate_pros_are_errors_on_every_later_row(tmp_path: Path) -> None:
    rows = [HEADERS] + [[p, "A1", "2024-03-14", "10"] for p in ("P1", "P2", "p1", "P3", "P1")]
    errors = rejected(write_csv(tmp_path / "dup.csv", rows)).errors
    assert [(e.row, e.value, e.message) for e in errors] == [
        (4, "p1", "duplicate PRO: also on row 2"),
        (6, "P1", "duplicate PRO: also on row 2"),
    ]


def test_all_or_nothing_every_error_is_reported_and_no_row_is_returned(tmp_path: Path) -> None:
    rows = [HEADERS, ["P1", "A1", "2024-03-14", "x"], ["P2", "A1", "2024-03-14", "5"],
            ["", "A1", "bad", "y"]]  # fmt: skip
    frame = read_table(write_csv(tmp_path / "many.csv", rows))
    result = parse_register(frame, guess_mapping(frame.columns))
    assert [r.pro for r in result.rows] == ["P2"]
    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Amount"), (4, "PRO #"), (4, "Inv Date"), (4, "Amount"),
    ]  # fmt: skip
    with pytest.raises(FileRejected, match=r"many.csv rejected: 4 errors in 2 rows; first: row 2"):
        result.raise_for_errors("many.csv")


@pytest.mark.parametrize(
    ("missing", "column"),
    [("PRO #", "PRO"), ("Cust No", "Account number"), ("Amount", "Amount"),
     ("Inv Date", "Invoice date / Due date")],
)  # fmt: skip
def test_a_missing_required_column_rejects_the_file(
    tmp_path: Path, missing: str, column: str
) -> None:
    keep = [h for h in HEADERS if h != missing]
    values = dict(zip(HEADERS, ["P1", "A1", "2024-03-14", "10"], strict=True))
    path = write_csv(tmp_path / "cols.csv", [keep, [values[h] for h in keep]])
    error = only_error(path)
    assert (error.row, error.column) == (1, column)
    assert error.message.startswith("required column missing")


def test_a_saved_mapping_that_does_not_fit_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADERS, ["P1", "A1", "2024-03-14", "10"]])
    profile = {"PRO #": "pro", "Cust No": "account_number", "Inv Date": "invoice_date",
               "Amount": "amount", "Balance": "open_balance", "Cust": "account_number"}  # fmt: skip
    errors = rejected(path, profile).errors
    assert [(e.column, e.message) for e in errors] == [
        ("Balance", "column not found in this file"),
        ("Cust", "column not found in this file"),
    ]
    frame = read_table(path)
    twice = {"PRO #": "pro", "Cust No": "pro", "Inv Date": "invoice_date", "Amount": "amount"}
    messages = [e.message for e in parse_register(frame, twice).errors]
    assert "PRO is already taken from column 'PRO #'" in messages


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.pdf", b"%PDF-1.4", "unsupported file type; expected an .xlsx, .xls or .csv file"),
        ("register.docx", b"PK\x03\x04", "unsupported file type"),
        ("register.xlsx", b"PRO,Amount\n1,2\n", "not a readable Excel workbook"),
        ("register.xls", b"\x00\x01garbage", "not a readable Excel workbook"),
        ("register.csv", b"", "the file is empty"),
        ("register.csv", b"\r\n\r\n,,,\r\n", "the file is empty (no header row)"),
        ("register.csv", b"PRO,Cust No,Inv Date,Amount\r\n", "the file has a header row but no data rows"),
        ("register.csv", b"PRO\x00\x00\x01\x02", "not a text (CSV) file"),
    ],
)  # fmt: skip
def test_wrong_and_empty_files_are_rejected_clearly(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = only_error(path)
    assert error.row == 0
    assert error.message.startswith(message)


def test_a_workbook_renamed_to_csv_is_recognised(tmp_path: Path) -> None:
    workbook = write_xlsx(tmp_path / "r.xlsx", [HEADERS, ["P1", "A1", "2024-03-14", 10]])
    renamed = tmp_path / "r.csv"
    renamed.write_bytes(workbook.read_bytes())
    assert "Excel workbook saved under a text file name" in only_error(renamed).message


def test_an_empty_workbook_is_rejected(tmp_path: Path) -> None:
    assert only_error(write_xlsx(tmp_path / "e.xlsx", [])).message.startswith("the file is empty")


# --- reading tables -------------------------------------------------------------------------


def test_row_numbers_are_the_sheets_even_with_a_title_and_blank_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Open items as of 3/31"], [], [*HEADERS], ["P1", "A1", "2024-03-14", 10], [],
            ["P2", "A1", "2024-03-14", "ten"]]  # fmt: skip
    path = write_xlsx(tmp_path / "t.xlsx", rows)
    frame = read_table(path)
    assert list(frame.columns) == HEADERS
    assert list(frame.index) == [4, 6]
    error = only_error(path)
    assert (error.row, error.value) == (6, "ten")


def test_read_table_gives_text_cells_indexed_by_sheet_row(tmp_path: Path) -> None:
    rows: list[list[object]] = [["PRO", "Amount", "When", "Flag", ""], [1234567, 10.5, datetime(2024, 1, 2), True, "x"],
            ["00123", -3, None, False, None]]  # fmt: skip
    frame = read_table(write_xlsx(tmp_path / "cells.xlsx", rows))
    assert list(frame.columns) == ["PRO", "Amount", "When", "Flag", "Column E"]
    assert list(frame.index) == [2, 3]
    assert frame.loc[2].tolist() == ["1234567", "10.5", "2024-01-02", "TRUE", "x"]
    assert frame.loc[3].tolist() == ["00123", "-3", "", "FALSE", ""]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(",", "utf-8", False), (";", "utf-8", True), ("\t", "cp1252", False), ("|", "latin-1", False)],
)
def test_csv_delimiters_and_encodings_are_sniffed(
    tmp_path: Path, delimiter: str, encoding: str, bom: bool
) -> None:
    rows = [[*HEADERS, "Customer Name"], ["P1", "A1", "2024-03-14", "1,234.50", "Café Röst, Inc."]]
    path = write_csv(tmp_path / "s.csv", rows, delimiter=delimiter, encoding=encoding)
    if bom:
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (item,) = load_register(path)
    assert item.account_name == "Café Röst, Inc."
    assert item.amount == Decimal("1234.50")


def test_ragged_csv_rows_get_named_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("PRO,Amount\nP1,10,stray\nP2\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["PRO", "Amount", "Column C"]
    assert frame.loc[3].tolist() == ["P2", "", ""]


def test_money_parser_rejects_double_signs() -> None:
    with pytest.raises(CellError):
        parse_money("-(5.00)")
    assert parse_money("- $5.00") == Decimal("-5.00")
    assert parse_money("0.30000000000000004") == Decimal("0.30")


# --- remittance tables ------------------------------------------------------------------------


def test_a_remittance_csv_becomes_remittance_lines(tmp_path: Path) -> None:
    rows = [["Pro Number", "Paid Amount", "Invoice Amount", "Discount", "Reason Code", "Check #",
             "Payment Date", "Account"],
            ["7741201", "462.34", "512.34", "", "22", "CHK 10045", "1/31/2024", "ACME01"],
            ["7741202", "1,000.00", "1000", "0", "", "CHK 10045", "1/31/2024", "ACME01"],
            ["7741201", "-50.00", "", "", "19", "CHK 10045", "1/31/2024", "ACME01"]]  # fmt: skip
    table = read_remittance_table(write_csv(tmp_path / "remit.csv", rows))
    first, second, third = table.lines
    # no total row and no payment total column: the bank amount is the sum of the paid amounts
    assert table.bank_amount == Decimal("462.34") + Decimal("1000.00") - Decimal("50.00")
    assert (first.reference, first.paid, first.short_paid) == (
        "7741201",
        Decimal("462.34"),
        Decimal(50),
    )
    assert (first.reason_code, first.reason) == ("22", "Weight error")
    assert (first.payer_reference, first.payment_date) == ("CHK 10045", date(2024, 1, 31))
    assert (first.account_number, first.source_row) == ("ACME01", 2)
    assert second.short_paid == Decimal(0)
    assert (third.paid, third.short_paid, third.reason) == (
        Decimal("-50.00"),
        None,
        "Duplicate billing",
    )


def test_a_remittance_xlsx_with_a_bad_amount_is_rejected(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Invoice #", "Amount Paid"],
        ["7741201", 462.34],
        ["7741202", "pending"],
    ]
    with pytest.raises(FileRejected) as caught:
        read_remittance_table(write_xlsx(tmp_path / "remit.xlsx", rows))
    (error,) = caught.value.errors
    assert (error.row, error.column, error.value) == (3, "Amount Paid", "pending")


def test_a_remittance_without_a_paid_column_is_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "remit.csv", [["PRO", "Reason"], ["1", "22"]])
    with pytest.raises(FileRejected, match="required column missing: map a column to Paid amount"):
        read_remittance_table(path)


# --- the error report -------------------------------------------------------------------------


def test_neutralize_keeps_formulas_from_running() -> None:
    assert neutralize('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert [neutralize(t) for t in ("+1", "-5", "@SUM(A1)", "\tx", "\rx")] == [
        "'+1", "'-5", "'@SUM(A1)", "'\tx", "'\rx",
    ]  # fmt: skip
    assert neutralize("PRO 12") == "PRO 12"
    assert neutralize("bell\x07") == "bell?"


def test_the_error_report_is_a_filterable_xlsx_of_text(tmp_path: Path) -> None:
    errors = [
        RowError(3, "Amount", "=1+1", "expected an amount such as 1,234.56 or -50.00"),
        RowError(4, "PRO #", "", "PRO is required"),
    ]
    path = write_error_report(errors, tmp_path / "errors.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["Row", "Column", "Value", "Error"],
        [3, "Amount", "'=1+1", "expected an amount such as 1,234.56 or -50.00"],
        [4, "PRO #", None, "PRO is required"],
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet.column_dimensions["D"].width == 70
    assert sheet["C2"].data_type == "s"


def test_a_rejected_register_writes_its_report(tmp_path: Path) -> None:
    rows = [HEADERS, ["P1", "A1", "2024-03-14", "@cmd"], ["P1", "A1", "2024-03-14", "5"]]
    error = rejected(write_csv(tmp_path / "r.csv", rows))
    path = write_error_report(error.errors, tmp_path / "r-errors.xlsx")
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [
        2,
        "Amount",
        "'@cmd",
        "expected an amount such as 1,234.56 or -50.00",
    ]
    assert sheet.max_row == 3
