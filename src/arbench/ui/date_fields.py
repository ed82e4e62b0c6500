"""Date fields of the dialogs and tabs: a calendar-popup QDateEdit in ISO format, read back as
a `date` (one place for every date a user picks)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(value: date) -> QDateEdit:
    """A date field showing `value` as YYYY-MM-DD, with a calendar to pick from."""
    edit = QDateEdit(_qdate(value))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def pydate(edit: QDateEdit) -> date:
    """The field's date."""
    d = edit.date()
    return date(d.year(), d.month(), d.day())


def set_date(edit: QDateEdit, value: date) -> None:
    edit.setDate(_qdate(value))
