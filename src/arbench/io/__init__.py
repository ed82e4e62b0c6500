"""Readers and writers for the files that come into arbench and go out of it.

Open-item registers and remittances as xlsx, xls or csv (`registers`, `remittance_tables`),
X12 210 freight invoices and 820 remittances (`x12`), and the row-level error report that a
rejected file produces (`error_report`). Nothing here touches the database or Qt: every reader
returns plain dataclasses or raises `errors.FileRejected` naming the row, column and reason.
"""
