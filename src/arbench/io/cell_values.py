"""Reading one spreadsheet cell as money, a date, a weight, a class, terms or a yes/no.

Each parser takes the cell's text and returns the typed value or raises `CellError`, whose
message says what was expected, in words a collector can act on. Dates are read with a
format detected once per column (`detect_date_format`) so a column is never read half as
M/D and half as D/M.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from arbench.domain.catalogue import NMFC_CLASSES, Terms
from arbench.domain.terms import normal_currency

CENT = Decimal("0.01")


class CellError(ValueError):
    """A cell that does not hold what its column needs; the message says what was expected."""


# --- numbers ------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+")
_CURRENCY = re.compile(r"^(?:USD|CAD|US\$|CA\$|C\$)|(?:USD|CAD)$|[$€£]")
_MONEY_EXPECTED = "expected an amount such as 1,234.56 or -50.00"
_MONEY_LIMIT = Decimal(10) ** 12
_PLAIN_MONEY = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")  # the common case, read directly
_QUANTITY_LIMIT = Decimal(10) ** 9


def _unsigned(text: str) -> Decimal | None:
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _signed(text: str) -> tuple[bool, str]:
    """Strip a sign written as -x, +x, (x), x- or x CR; return (negative, rest)."""
    s = text.strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    elif s.endswith("CR"):
        negative, s = True, s[:-2].strip()
    elif s.endswith("-"):
        negative, s = True, s[:-1].strip()
    s = _CURRENCY.sub("", s).strip()
    if s[:1] in "+-" and s:
        if negative:
            raise CellError(_MONEY_EXPECTED)
        negative, s = s[0] == "-", s[1:].strip()
    return negative, _CURRENCY.sub("", s).strip()


def parse_money(text: str) -> Decimal:
    """An amount in dollars and cents; negatives (credits) in any usual notation."""
    if _PLAIN_MONEY.fullmatch(text):
        return Decimal(text).quantize(CENT)
    negative, rest = _signed(text.upper())
    number = _unsigned(rest)
    if number is None:
        raise CellError(_MONEY_EXPECTED)
    if number >= _MONEY_LIMIT:
        raise CellError("expected an amount below 1,000,000,000,000")
    cents = number.quantize(CENT)
    if abs(cents - number) > Decimal("0.000001"):
        raise CellError("expected at most 2 decimal places (cents)")
    return -cents if negative else cents


def money_cents(text: str) -> int:
    """`parse_money` as integer cents (how the book stores money)."""
    return int(parse_money(text).scaleb(2))


def parse_money_rounded(text: str) -> tuple[Decimal, bool]:
    """An amount rounded half-even to cents, and whether rounding changed it ("12.345" ->
    12.34, True): registers converted from another currency carry a third decimal."""
    if _PLAIN_MONEY.fullmatch(text):
        return Decimal(text).quantize(CENT), False
    negative, rest = _signed(text.upper())
    number = _unsigned(rest)
    if number is None:
        raise CellError(_MONEY_EXPECTED)
    if number >= _MONEY_LIMIT:
        raise CellError("expected an amount below 1,000,000,000,000")
    cents = number.quantize(CENT, rounding=ROUND_HALF_EVEN)
    return (-cents if negative else cents), cents != number


def rounded_cents(text: str) -> tuple[int, bool]:
    """`parse_money_rounded` as (integer cents, rounded)."""
    amount, rounded = parse_money_rounded(text)
    return int(amount.scaleb(2)), rounded


def float_rounded_cents(value: float) -> tuple[int, bool]:
    """A number stored as a number, as (integer cents rounded half-even, rounded)."""
    if not math.isfinite(value) or abs(value) >= 1e12:
        raise CellError("expected an amount below 1,000,000,000,000")
    hundredfold = value * 100
    cents = round(hundredfold)
    if abs(hundredfold - cents) <= 1e-4:
        return cents, False
    return rounded_cents(repr(value))


def float_cents(value: float) -> int:
    """A number the spreadsheet stored as a number, as integer cents; same rules as text."""
    if not math.isfinite(value) or abs(value) >= 1e12:
        raise CellError("expected an amount below 1,000,000,000,000")
    hundredfold = value * 100
    cents = round(hundredfold)
    if abs(hundredfold - cents) > 1e-4:
        raise CellError("expected at most 2 decimal places (cents)")
    return cents


def parse_weight(text: str) -> Decimal:
    """A shipment weight in pounds: '1,250', '1250 lbs', '1250.5'; never negative."""
    s = re.sub(r"(?i)\s*(lbs?|#|pounds?)\.?$", "", text.strip())
    number = _unsigned(s)
    if number is None or number >= _QUANTITY_LIMIT:
        raise CellError("expected a weight in pounds such as 1,250")
    return Decimal(int(number)) if number == number.to_integral_value() else number


def parse_pieces(text: str) -> int:
    """A count of handling units or pieces: a whole number, never negative."""
    number = _unsigned(text.strip())
    if number is None or number >= _QUANTITY_LIMIT or number != number.to_integral_value():
        raise CellError("expected a whole number of pieces such as 12")
    return int(number)


# --- codes --------------------------------------------------------------------------------

_CLASS_WORDS = re.compile(r"(?i)^(?:nmfc\s*)?(?:class|cls|cl)\.?\s*")
_NMFC_EXPECTED = "expected an NMFC freight class: " + ", ".join(NMFC_CLASSES)


def normalize_freight_class(text: str) -> str | None:
    """'70', 'CL 70', '77 1/2', '92.50' -> the NMFC class as listed; None if not one."""
    s = _CLASS_WORDS.sub("", text.strip()).replace("½", ".5").replace(" 1/2", ".5")
    s = s.replace(" ", "")
    try:
        number = Decimal(s)
    except InvalidOperation:
        return None
    if not number.is_finite() or not 0 < number < 1000:
        return None
    canonical = format(number.normalize(), "f")
    return canonical if canonical in NMFC_CLASSES else None


def parse_freight_class(text: str) -> str:
    value = normalize_freight_class(text)
    if value is None:
        raise CellError(_NMFC_EXPECTED)
    return value


_TERMS = {
    "pp": Terms.PREPAID,
    "ppd": Terms.PREPAID,
    "prepaid": Terms.PREPAID,
    "prepay": Terms.PREPAID,
    "cc": Terms.COLLECT,
    "col": Terms.COLLECT,
    "coll": Terms.COLLECT,
    "collect": Terms.COLLECT,
    "tp": Terms.THIRD_PARTY,
    "3p": Terms.THIRD_PARTY,
    "3rd": Terms.THIRD_PARTY,
    "3rdparty": Terms.THIRD_PARTY,
    "third": Terms.THIRD_PARTY,
    "thirdparty": Terms.THIRD_PARTY,
    "thirdpartybilling": Terms.THIRD_PARTY,
}


def parse_terms(text: str) -> Terms:
    """Freight terms: PP/CC/TP or the words, as arbench's prepaid/collect/third_party."""
    key = re.sub(r"[^a-z0-9]", "", text.lower())
    if key not in _TERMS:
        raise CellError("expected prepaid, collect or third party (PP, CC, TP)")
    return _TERMS[key]


def parse_currency(text: str) -> str:
    """An ISO 4217 currency code: "usd" -> "USD"."""
    code = normal_currency(text)
    if code is None:
        raise CellError("expected a three-letter currency code such as USD or CAD")
    return code


_FLOAT_ID = re.compile(r"(\d+)\.0+")


def identifier(text: str) -> str:
    """An id as exports print it: "1930438491.0" (a number saved as float) -> "1930438491"."""
    match = _FLOAT_ID.fullmatch(text)
    return match.group(1) if match else text


_YES = {"y", "yes", "true", "t", "1", "x", "on file"}
_NO = {"n", "no", "false", "f", "0", "none"}


def parse_flag(text: str) -> bool:
    """A yes/no cell: Y/N, yes/no, true/false, 1/0 (x for a ticked box)."""
    key = text.strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError("expected Y or N")


# --- dates --------------------------------------------------------------------------------

ISO = "YYYY-MM-DD"
COMPACT = "YYYYMMDD"
MDY = "M/D/YYYY"
DMY = "D/M/YYYY"
DAY_MONTH_NAME = "D-Mon-YYYY"
EXCEL_SERIAL = "Excel serial"
NO_DATES = "empty"
UNRECOGNIZED = "unrecognized"

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?"
_PATTERNS = {
    ISO: re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME),
    COMPACT: re.compile(r"(\d{4})(\d{2})(\d{2})(?:\.0+)?"),  # 20200126 or 20200126.0
    MDY: re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})" + _TIME),
    DAY_MONTH_NAME: re.compile(r"(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[-, ]+(\d{4}|\d{2})"),
    EXCEL_SERIAL: re.compile(r"(\d{5})(?:\.\d+)?"),
}
_PATTERNS[DMY] = _PATTERNS[MDY]
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_EXCEL_EPOCH = date(1899, 12, 30)
_EXAMPLES = {
    ISO: "2024-03-14",
    COMPACT: "20240314",
    MDY: "3/14/2024",
    DMY: "14/3/2024",
    DAY_MONTH_NAME: "14-Mar-2024",
    EXCEL_SERIAL: "45365",
}
_DETECTION_ORDER = (ISO, COMPACT, MDY, DMY, DAY_MONTH_NAME, EXCEL_SERIAL)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _build(year: int, month: int, day: int) -> date:
    if not 1900 <= year <= 2199:
        raise ValueError(year)
    return date(year, month, day)


def _from_groups(fmt: str, groups: tuple[str, ...]) -> date:
    if fmt in (ISO, COMPACT):
        return _build(int(groups[0]), int(groups[1]), int(groups[2]))
    if fmt == MDY:
        return _build(_year(groups[2]), int(groups[0]), int(groups[1]))
    if fmt == DMY:
        return _build(_year(groups[2]), int(groups[1]), int(groups[0]))
    if fmt == DAY_MONTH_NAME:
        return _build(_year(groups[2]), _MONTHS[groups[1].lower()], int(groups[0]))
    serial = int(groups[0])
    if not 18264 <= serial <= 109574:  # 1950 .. 2199
        raise ValueError(serial)
    return _EXCEL_EPOCH + timedelta(days=serial)


def parse_date(text: str, fmt: str) -> date:
    """A date cell read in its column's format; anything else raises `CellError`."""
    pattern = _PATTERNS.get(fmt)
    match = pattern.fullmatch(text.strip()) if pattern else None
    try:
        if match is None:
            raise ValueError(text)
        return _from_groups(fmt, match.groups())
    except (ValueError, KeyError):
        if fmt in _EXAMPLES:
            expected = f"expected a date like {_EXAMPLES[fmt]} ({fmt}, as in this column)"
            raise CellError(expected) from None
        raise CellError("expected a date such as 2024-03-14 or 3/14/2024") from None


def _parses(fmt: str, text: str) -> bool:
    try:
        parse_date(text, fmt)
    except CellError:
        return False
    return True


def detect_date_format(values: Iterable[str]) -> str:
    """The one format that reads a column's dates; M/D/YYYY when D/M would read them too.

    D/M/YYYY is chosen only when some day is over 12 and every value reads as D/M. When no
    format reads every value, the one that reads most wins and the rest are reported as errors;
    `NO_DATES` for a column without values, `UNRECOGNIZED` when nothing reads at all.
    """
    distinct = {v.strip() for v in values if v and v.strip()}
    if not distinct:
        return NO_DATES
    counts = {fmt: sum(_parses(fmt, v) for v in distinct) for fmt in _DETECTION_ORDER}
    complete = [fmt for fmt, count in counts.items() if count == len(distinct)]
    if complete:
        return complete[0]  # MDY precedes DMY, so an ambiguous column reads as M/D
    best = max(_DETECTION_ORDER, key=lambda fmt: counts[fmt])
    return best if counts[best] else UNRECOGNIZED


def date_parser(fmt: str) -> Callable[[str], date]:
    """A one-argument parser for a column whose format has been detected."""
    return lambda text: parse_date(text, fmt)
