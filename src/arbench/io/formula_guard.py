"""Text that a spreadsheet must not read as a formula: one rule for xlsx and CSV output.

A cell beginning with = + - @ tab or carriage return is run as a formula by Excel and
LibreOffice when the file is opened ('=HYPERLINK(...)', "+cmd|' /C calc'!A0", '@SUM(1)'); a
leading ' keeps it text. Every text value arbench writes to a spreadsheet or a CSV goes through
`formula_safe` (error_report.neutralize adds what only workbooks need). No openpyxl here: the
CLI's CSV output imports this without loading the xlsx writer.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """`text` with a ' in front when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
