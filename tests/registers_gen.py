"""Deterministic registers with the traits of real public AR registers (written here, not copied).

`settled_register` has the shape of a public "accounts receivable" register of settled invoices
(customer ids, invoice and due dates as M/D/YYYY or ISO, amounts, a Disputed Yes/No, the
settled date, paperless flags, days to settle and days late: every row settled).
`payment_extract` has the shape of a public payment-prediction extract (SAP-like columns:
customer numbers with and without leading zeros, dates as 20200126.0, clear dates with a time
or empty while open, ids saved as floats, USD and CAD with three decimals on CAD amounts,
customer terms codes such as NAA8, a mostly empty column and an isOpen flag).

Each returns the rows it wrote as `Invoice`s, so a test can compute its own figures from the
file: the file is the truth, not arbench.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

CENT = Decimal("0.01")

SETTLED_HEADERS = ["countryCode", "customerID", "PaperlessDate", "invoiceNumber", "InvoiceDate",
                   "DueDate", "InvoiceAmount", "Disputed", "SettledDate", "PaperlessBill",
                   "DaysToSettle", "DaysLate"]  # fmt: skip
EXTRACT_HEADERS = ["business_code", "cust_number", "name_customer", "clear_date",
                   "buisness_year", "doc_id", "posting_date", "document_create_date",
                   "document_create_date.1", "due_in_date", "invoice_currency", "document type",
                   "posting_id", "area_business", "total_open_amount", "baseline_create_date",
                   "cust_payment_terms", "invoice_id", "isOpen"]  # fmt: skip


@dataclass(frozen=True)
class Invoice:
    """One row as the file states it (amount already rounded half-even to cents)."""

    number: str  # the invoice number: the PRO arbench keys it by
    account: str  # the customer number as written in the file
    invoice_date: date
    due_date: date
    amount: Decimal
    paid_date: date | None
    disputed: bool = False
    currency: str = "USD"
    raw_amount: str = ""  # the amount's text in the file

    def open_on(self, day: date) -> Decimal:
        """What the customer owed at the end of `day`, per the file."""
        if self.invoice_date > day or (self.paid_date is not None and self.paid_date <= day):
            return Decimal(0)
        return self.amount


def _mdy(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def settled_register(
    path: Path, rows: int = 2466, seed: int = 3, iso_dates: bool = False
) -> list[Invoice]:
    """An AR register of settled invoices (2013-2014), every row settled."""
    rng = random.Random(seed)
    customers = [f"{rng.randint(1000, 9999):04d}-{''.join(rng.choices('ABCDEFGHJKLMNPRSTVWXZ', k=5))}"
                 for _ in range(100)]  # fmt: skip
    country = {c: rng.choice(("391", "406", "770", "818", "897")) for c in customers}
    written: list[Invoice] = []
    fmt = date.isoformat if iso_dates else _mdy
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(SETTLED_HEADERS)
        for n in range(rows):
            customer = rng.choice(customers)
            invoiced = date(2012, 1, 1) + timedelta(days=rng.randint(0, 700))
            due = invoiced + timedelta(days=30)
            disputed = rng.random() < 0.2275
            days = rng.randint(10, 45) if not disputed else rng.randint(25, 70)
            settled = invoiced + timedelta(days=days)
            amount = Decimal(rng.randint(500, 13000)) / 100
            paperless = rng.random() < 0.5
            out.writerow([
                country[customer], customer, fmt(invoiced - timedelta(days=rng.randint(0, 300))),
                str(611365 + n * 7), fmt(invoiced), fmt(due), f"{amount:.2f}",
                "Yes" if disputed else "No", fmt(settled),
                "Electronic" if paperless else "Paper", days, max(0, (settled - due).days),
            ])  # fmt: skip
            written.append(Invoice(str(611365 + n * 7), customer, invoiced, due, amount, settled,
                                   disputed))  # fmt: skip
    return written


_TERMS = ("NAA8", "NAH4", "CA10", "NAC6", "NAM4", "NA32")


EXTRACTED = date(2020, 5, 31)  # the day the extract was taken: later payments are not in it


def payment_extract(path: Path, rows: int = 3000, seed: int = 5) -> list[Invoice]:
    """A payment-prediction extract of 2019-2020 invoices, USD and CAD customers, taken on
    EXTRACTED: invoices paid after that day are open (no clear date, isOpen 1)."""
    rng = random.Random(seed)
    customers = []
    for i in range(60):
        canadian = i % 6 == 0
        number = f"{rng.randint(100000000, 299999999)}" if i % 5 else f"CCU{i:03d}"
        customers.append((number, f"CUSTOMER {i} {'ltd' if canadian else 'corp'}", canadian))
    written: list[Invoice] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(EXTRACT_HEADERS)
        for n in range(rows):
            number, name, canadian = rng.choice(customers)
            shown = "0" + number if number[0].isdigit() and rng.random() < 0.4 else number
            posted = date(2019, 1, 1) + timedelta(days=rng.randint(0, 516))
            due = posted + timedelta(days=rng.choice((15, 30, 45)))
            cents = rng.randint(10000, 9000000)
            raw = f"{cents / 100:.2f}"
            if canadian:
                raw = f"{cents / 100:.2f}{rng.randint(0, 9)}"
            amount = Decimal(raw).quantize(CENT, rounding=ROUND_HALF_EVEN)
            paid: date | None = due + timedelta(days=rng.randint(-12, 40))
            if paid > EXTRACTED or rng.random() < 0.01:
                paid = None
            doc = f"{1930000000 + n * 13}.0"
            stamp = posted.strftime("%Y%m%d")
            out.writerow([
                "CA02" if canadian else "U001", shown, name,
                f"{paid.isoformat()} 00:00:00" if paid else "", f"{posted.year}.0", doc,
                posted.isoformat(), stamp, stamp, due.strftime("%Y%m%d") + ".0",
                "CAD" if canadian else "USD", "RV", "1.0",
                "" if rng.random() < 0.95 else "AREA1", raw, stamp + ".0", rng.choice(_TERMS),
                doc, 0 if paid else 1,
            ])  # fmt: skip
            written.append(Invoice(doc[:-2], shown, posted, due, amount, paid,
                                   currency="CAD" if canadian else "USD", raw_amount=raw))  # fmt: skip
    return written
