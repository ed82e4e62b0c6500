"""Fuzzing the readers: whatever comes in, the answer is data or the clear error, never a crash.

The X12 reader gets random bytes and mutated real samples; the register reader gets random
cells and random files. Any exception other than `FileRejected` (and its `X12Error`) fails.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arbench.io.cell_values import (
    CellError,
    detect_date_format,
    parse_date,
    parse_flag,
    parse_freight_class,
    parse_money,
    parse_pieces,
    parse_terms,
    parse_weight,
)
from arbench.io.error_report import neutralize, write_error_report
from arbench.io.errors import FileRejected, RowError
from arbench.io.registers import (
    CANONICAL_FIELDS,
    parse_register,
    read_remittance_table,
    read_table,
)
from arbench.io.x12 import X12Error, parse_210, parse_820, read_interchange

EDI = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "edi"
SAMPLES = [p.read_bytes() for p in sorted(EDI.iterdir()) if p.is_file()]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# An 820 that reads, for mutating (the shared 820 is a template that never reads).
GOOD_820 = (
    b"ISA*00*          *00*          *ZZ*PAYER          *ZZ*CARRIER        *240131*1200*U*00401"
    b"*000000001*0*P*>~\nGS*RA*PAYER*CARRIER*20240131*1200*1*X*004010~\nST*820*0001~\n"
    b"BPR*C*512.34*C*ACH*CTX*01*011000015*DA*1*1**01*021000021*DA*2*20240131~\nTRN*1*T1~\n"
    b"N1*PR*BIG BOX~\nENT*1~\nRMR*IV*PRO1**462.34*512.34~\nADX*-50*22*IV*PRO1~\nSE*8*0001~\n"
    b"GE*1*1~\nIEA*1*000000001~\n"
)


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, cut, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + cut :]
    return data


_edits = st.lists(
    st.tuples(st.integers(0, 5000), st.integers(0, 12), st.binary(max_size=6)),
    min_size=1,
    max_size=4,
)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_read_or_raise_x12error(data: bytes) -> None:
    with contextlib.suppress(X12Error):
        read_interchange(data)


@FUZZ
@given(st.sampled_from([*SAMPLES, GOOD_820]), _edits)
def test_mutated_samples_parse_or_raise_x12error(sample: bytes, edits: list) -> None:  # type: ignore[type-arg]
    data = _mutate(sample, edits)
    for parse in (parse_210, parse_820):
        try:
            parse(data)
        except X12Error as error:
            assert error.segment_number >= 0
            assert str(error).startswith("X12 input rejected")


@FUZZ
@given(st.sampled_from([*SAMPLES, GOOD_820]), st.integers(0, 2000))
def test_truncated_samples_are_rejected(sample: bytes, keep: int) -> None:
    data = sample[: keep % len(sample)]
    try:
        read_interchange(data)
    except X12Error:
        return
    # Accepted only when nothing but the final terminator (or trailing white space) was cut.
    whole = sample.rstrip().rstrip(b"~")
    assert data.rstrip().endswith(b"~") or data.rstrip().rstrip(b"~") == whole


_cells = st.text(
    alphabet=st.sampled_from(list("0123456789-/.,$()CRNYyn x:TPAB\t=+@e") + ["\u00e9", "\x07"]),
    max_size=14,
)


@FUZZ
@given(st.lists(st.lists(_cells, min_size=6, max_size=6), min_size=1, max_size=12))
def test_random_registers_give_rows_or_row_errors(cells: list[list[str]]) -> None:
    headers = ["pro", "account", "invoice date", "amount", "class", "pod"]
    frame = pd.DataFrame(cells, columns=headers, dtype=object)
    mapping = dict(zip(headers, ["pro", "account_number", "invoice_date", "amount",
                                 "freight_class", "pod_on_file"], strict=True))  # fmt: skip
    result = parse_register(frame, mapping)
    assert len(result.rows) + len({e.row for e in result.errors}) == len(cells)
    assert all(2 <= e.row <= len(cells) + 1 for e in result.errors)
    assert set(mapping.values()) <= set(CANONICAL_FIELDS)


@FUZZ
@given(st.text(max_size=30))
def test_cell_parsers_return_a_value_or_cell_error(text: str) -> None:
    def parse_any_date(cell: str) -> object:
        return parse_date(cell, detect_date_format([cell]))

    parsers: list[Callable[[str], object]] = [parse_money, parse_weight, parse_pieces,
        parse_freight_class, parse_terms, parse_flag, parse_any_date]  # fmt: skip
    for parse in parsers:
        try:
            parse(text)
        except CellError as error:
            assert str(error).startswith("expected") or "required" in str(error)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]),
)
def test_random_files_read_or_raise_file_rejected(content: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            frame = read_table(path)
        except FileRejected as error:
            assert error.errors and path.name in str(error)
        else:
            assert all(isinstance(v, str) for v in frame.to_numpy().ravel())
        with contextlib.suppress(FileRejected):
            read_remittance_table(path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.integers(0, 10**6), st.text(max_size=40), st.text(max_size=40)), max_size=5
    )
)
def test_error_reports_hold_any_text_as_text(rows: list[tuple[int, str, str]]) -> None:
    import openpyxl

    errors = [RowError(row, column, value, "bad") for row, column, value in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = write_error_report(errors, Path(folder) / "e.xlsx")
        sheet = openpyxl.load_workbook(path).active
        assert sheet is not None
        written = [(c[1].value or "", c[2].value or "") for c in sheet.iter_rows(min_row=2)]
    assert written == [
        (_as_xml_keeps(neutralize(c)), _as_xml_keeps(neutralize(v))) for _, c, v in rows
    ]


def _as_xml_keeps(text: str) -> str:
    """XML reads a carriage return back as a newline."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
