"""The canonical fields of an open-item register and the guess from header names.

A register is mapped column by column onto `CANONICAL_FIELDS`. `guess_mapping` proposes a
mapping from the headers a customer's or a TMS's export happens to use ("PRO #", "Cust No",
"Open Bal", "POD?"); the user adjusts it and saves it as a named profile.

Required: pro, account_number and amount, and at least one of invoice_date or due_date
(aging needs a date; when only the invoice date is given, the due date follows from the
row's or the account's payment terms later on). A missing open_balance means the whole amount
is open; a register without an amount column takes its open balance as the amount, and one
without a PRO column takes its invoice number as the PRO (plain AR registers have no PRO).

A column mapped to `ignore` (`IGNORE`) is read by nobody; like every column the mapping leaves
out, it is listed in the import summary's `unused_columns`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

CANONICAL_FIELDS: tuple[str, ...] = (
    "pro",
    "account_number",
    "account_name",
    "bol",
    "invoice_number",
    "invoice_date",
    "due_date",
    "amount",
    "open_balance",
    "ship_date",
    "delivery_date",
    "shipper",
    "consignee",
    "origin",
    "destination",
    "weight",
    "freight_class",
    "pieces",
    "terms",
    "pod_on_file",
    "paid_date",
    "disputed",
    "payment_terms",
    "currency",
)
IGNORE = "ignore"  # a mapping target: the column is deliberately not imported
REQUIRED_FIELDS: tuple[str, ...] = ("pro", "account_number", "amount")
ONE_OF_DATES: tuple[str, ...] = ("invoice_date", "due_date")  # at least one is required
DATE_FIELDS: tuple[str, ...] = (
    "invoice_date", "due_date", "ship_date", "delivery_date", "paid_date",
)  # fmt: skip
# When a guessed field fails validation in most rows, the column may be this field instead
# ("Terms" holding NET30 is the customer's payment terms, not prepaid/collect).
GUESS_ALTERNATIVES: dict[str, str] = {"terms": "payment_terms"}

FIELD_LABELS: dict[str, str] = {
    "pro": "PRO",
    "account_number": "Account number",
    "account_name": "Account name",
    "bol": "BOL",
    "invoice_number": "Invoice number",
    "invoice_date": "Invoice date",
    "due_date": "Due date",
    "amount": "Amount",
    "open_balance": "Open balance",
    "ship_date": "Ship date",
    "delivery_date": "Delivery date",
    "shipper": "Shipper",
    "consignee": "Consignee",
    "origin": "Origin",
    "destination": "Destination",
    "weight": "Weight",
    "freight_class": "Freight class",
    "pieces": "Pieces",
    "terms": "Terms",
    "pod_on_file": "POD on file",
    "paid_date": "Paid date",
    "disputed": "Disputed",
    "payment_terms": "Payment terms",
    "currency": "Currency",
}

# Words as they appear in headers -> the word used in the synonym lists below.
_ABBREVIATIONS = {
    "no": "number", "nbr": "number", "num": "number", "nr": "number", "id": "number",
    "amt": "amount", "bal": "balance", "inv": "invoice", "cust": "customer",
    "acct": "account", "acc": "account", "dt": "date", "wt": "weight", "wgt": "weight",
    "pcs": "pieces", "pc": "pieces", "qty": "quantity", "del": "delivery", "dlv": "delivery",
    "dlvy": "delivery", "delv": "delivery", "dest": "destination", "orig": "origin",
    "org": "origin", "shpr": "shipper", "cnee": "consignee", "cons": "consignee",
    "frt": "freight", "bl": "bol", "lading": "bol", "probill": "pro", "cls": "class",
    "pu": "pickup", "outstanding": "open", "remaining": "open", "due": "due",
}  # fmt: skip

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "pro": ("pro", "pro number", "freight bill", "freight bill number", "fb number",
            "pro bill", "pro bill number", "carrier pro", "shipment number"),
    "account_number": ("account", "account number", "customer number", "customer code",
                       "customer account", "bill to number", "bill to account", "payer number",
                       "account code", "customer account number"),
    "account_name": ("account name", "customer name", "customer", "bill to", "bill to name",
                     "payer", "payer name", "company", "company name"),
    "bol": ("bol", "bol number", "bill of bol", "bill of bol number", "b bol"),
    "invoice_number": ("invoice", "invoice number", "document number", "doc number",
                       "bill number"),
    "invoice_date": ("invoice date", "date", "bill date", "billing date", "billed date",
                     "document date", "doc date", "posting date"),
    "due_date": ("due date", "due", "payment due", "net due date", "date due", "payment due date"),
    "amount": ("amount", "invoice amount", "original amount", "origin amount", "total",
               "total charges", "charges", "billed amount", "freight charges", "gross amount",
               "invoice total", "total amount", "amount billed"),
    "open_balance": ("open balance", "balance", "balance due", "open amount", "amount due",
                     "open", "amount open", "open invoice amount", "current balance"),
    "ship_date": ("ship date", "pickup date", "shipped", "shipment date", "shipped date",
                  "date shipped"),
    "delivery_date": ("delivery date", "delivered", "delivered date", "date delivered"),
    "shipper": ("shipper", "shipper name", "ship from", "ship from name"),
    "consignee": ("consignee", "consignee name", "ship to", "ship to name"),
    "origin": ("origin", "origin city", "from city", "origin terminal", "from"),
    "destination": ("destination", "destination city", "to city", "destination terminal", "to"),
    "weight": ("weight", "lbs", "weight lbs", "billed weight", "gross weight", "total weight"),
    "freight_class": ("class", "freight class", "nmfc class", "nmfc", "class code"),
    "pieces": ("pieces", "piece count", "handling units", "quantity", "units", "pallets",
               "number of pieces", "hu"),
    "terms": ("terms", "freight terms", "pp cc", "prepaid collect", "payment method",
              "method of payment", "pp cc tp"),
    "payment_terms": ("payment terms", "customer payment terms", "customer terms", "pay terms",
                      "credit terms", "terms of payment", "payment terms code", "net terms"),
    "paid_date": ("paid date", "date paid", "settled date", "settlement date", "date settled",
                  "clear date", "cleared date", "clearing date", "closed date", "paid on",
                  "settled", "cleared"),
    "disputed": ("disputed", "dispute", "in dispute", "is disputed", "dispute flag",
                 "disputed y n"),
    "currency": ("currency", "invoice currency", "currency code", "curr", "ccy", "document currency"),
    "pod_on_file": ("pod", "pod on file", "pod received", "pod available", "proof of delivery",
                    "pod y n", "has pod", "pod image"),
}  # fmt: skip

# When no synonym matches exactly: (field, words that must all appear), tried in order.
_KEYWORD_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("pod_on_file", ("pod",)),
    ("payment_terms", ("payment", "terms")),
    ("payment_terms", ("customer", "terms")),
    ("currency", ("currency",)),
    ("disputed", ("disputed",)),
    ("paid_date", ("paid", "date")),
    ("paid_date", ("settled", "date")),
    ("paid_date", ("clear", "date")),
    ("paid_date", ("cleared", "date")),
    ("bol", ("bol",)),
    ("pro", ("pro",)),
    ("freight_class", ("class",)),
    ("terms", ("terms",)),
    ("due_date", ("due", "date")),
    ("invoice_date", ("invoice", "date")),
    ("ship_date", ("ship", "date")),
    ("ship_date", ("pickup", "date")),
    ("delivery_date", ("delivery", "date")),
    ("open_balance", ("balance",)),
    ("open_balance", ("open",)),
    ("invoice_number", ("invoice", "number")),
    ("account_number", ("account", "number")),
    ("account_number", ("customer", "number")),
    ("account_name", ("customer",)),
    ("account_name", ("account", "name")),
    ("consignee", ("consignee",)),
    ("shipper", ("shipper",)),
    ("weight", ("weight",)),
    ("pieces", ("pieces",)),
    ("amount", ("amount",)),
    ("origin", ("origin",)),
    ("destination", ("destination",)),
)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_FLAG_WORDS = frozenset({"is", "has"})  # "isOpen", "has_pod": yes/no flags, not amounts or dates


def header_words(header: str) -> tuple[str, ...]:
    """A header as normalized words: 'PRO #' -> ('pro', 'number'), 'Open Bal' -> ('open',
    'balance'), 'customerID' -> ('customer', 'number')."""
    text = _CAMEL.sub(" ", header)
    text = text.lower().replace("#", " number ").replace("&", " and ")
    text = re.sub(r"\bb\s*/\s*l\b", " bol ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return tuple(_ABBREVIATIONS.get(word, word) for word in text.split())


def _index(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {phrase: name for name, phrases in synonyms.items() for phrase in phrases}


def _ranks(synonyms: Mapping[str, Iterable[str]]) -> dict[str, int]:
    return {phrase: rank for phrases in synonyms.values() for rank, phrase in enumerate(phrases)}


_PHRASES = _index(_SYNONYMS)
_PHRASE_RANKS = _ranks(_SYNONYMS)


def guess_columns(
    headers: Iterable[object],
    phrases: Mapping[str, str],
    rules: Iterable[tuple[str, tuple[str, ...]]],
    ranks: Mapping[str, int] | None = None,
) -> dict[str, str]:
    """Map headers onto field names: exact phrases first, then keyword rules; each field once.

    When two headers are exact phrases of one field, the phrase listed first for the field
    wins (with `ranks`: "invoice_id" over "doc_id" for the invoice number), else the first
    header. Headers that read as yes/no flags ("isOpen") take no keyword guess."""
    names = [str(h) for h in headers]
    words = {name: header_words(name) for name in names}
    mapping: dict[str, str] = {}
    exact = [(name, phrase) for name in names if (phrase := " ".join(words[name])) in phrases]
    exact.sort(key=lambda pair: (ranks or {}).get(pair[1], 0))
    for name, phrase in exact:
        if phrases[phrase] not in mapping.values():
            mapping[name] = phrases[phrase]
    ordered_rules = list(rules)
    for name in names:
        if name in mapping or words[name][:1] and words[name][0] in _FLAG_WORDS:
            continue
        guess = _first_rule(words[name], ordered_rules, set(mapping.values()))
        if guess:
            mapping[name] = guess
    return {name: mapping[name] for name in names if name in mapping}


def _first_rule(
    words: tuple[str, ...], rules: list[tuple[str, tuple[str, ...]]], taken: set[str]
) -> str | None:
    for field, needed in rules:
        if field not in taken and all(word in words for word in needed):
            return field
    return None


def guess_mapping(headers: Iterable[object]) -> dict[str, str]:
    """Propose {source header: canonical field} for a register; unknown headers are left out."""
    return guess_columns(headers, _PHRASES, _KEYWORD_RULES, _PHRASE_RANKS)
