"""Word lists for the demo book: team members, customer names, lanes and accessorials."""

from __future__ import annotations

from decimal import Decimal

TEAM = (  # login, display name, role
    ("agarcia", "Ana Garcia", "collector"),
    ("bchen", "Brian Chen", "collector"),
    ("cpatel", "Chitra Patel", "collector"),
    ("dokafor", "David Okafor", "collector"),
    ("ekowalski", "Ewa Kowalski", "collector"),
    ("fnguyen", "Frank Nguyen", "collector"),
    ("gsilva", "Gabriela Silva", "collector"),
    ("hmuller", "Hans Muller", "collector"),
    ("ijohnson", "Irene Johnson", "collector"),
    ("jrossi", "James Rossi", "collector"),
    ("kwright", "Karen Wright", "supervisor"),
    ("lmartin", "Luis Martin", "supervisor"),
    ("mlee", "Maya Lee", "trainee"),
    ("nbrown", "Noah Brown", "trainee"),
    ("oruiz", "Olivia Ruiz", "department"),
    ("pshah", "Priya Shah", "department"),
    ("qwilson", "Quinn Wilson", "department"),
    ("rtanaka", "Rina Tanaka", "department"),
)
# The department staff's departments, and who leads each department (gets overdue requests).
DEPARTMENT_STAFF = {
    "oruiz": ("operations",),
    "pshah": ("pricing",),
    "qwilson": ("billing", "pricing"),
    "rtanaka": ("sales", "claims"),
}
DEPARTMENT_LEADS = {
    "operations": "oruiz", "pricing": "pshah", "billing": "qwilson", "sales": "rtanaka",
    "claims": "rtanaka",
}  # fmt: skip

NAME_FIRST = (
    "Great Lakes", "Prairie", "Summit", "Harbor", "Keystone", "Blue Ridge", "Cascade", "Red River",
    "Granite", "Pioneer", "Liberty", "Heartland", "Coastal", "Evergreen", "Ironwood", "Lone Star",
    "Northern", "Silver Creek", "Tri-State", "Valley", "Atlas", "Beacon", "Capitol", "Delta",
    "Frontier", "Gateway", "Horizon", "Midwest", "Pacific", "Riverside", "Sterling", "Union",
)  # fmt: skip
NAME_SECOND = (
    "Paper", "Steel", "Foods", "Plastics", "Building Supply", "Packaging", "Chemical", "Furniture",
    "Auto Parts", "Beverage", "Hardware", "Textiles", "Electric", "Tile", "Pet Supply", "Lumber",
    "Appliance", "Medical Supply", "Glass", "Fasteners", "Bakery", "Tire", "Pharma", "Outdoor",
)  # fmt: skip
NAME_SUFFIX = ("Co.", "Inc.", "LLC", "Corp.", "Distributors", "Mfg.", "Wholesale", "Group")

CITIES = (
    ("Chicago", "IL", "central"), ("Indianapolis", "IN", "central"), ("Columbus", "OH", "central"),
    ("Detroit", "MI", "central"), ("Milwaukee", "WI", "central"), ("St. Louis", "MO", "central"),
    ("Atlanta", "GA", "southeast"), ("Charlotte", "NC", "southeast"), ("Memphis", "TN", "southeast"),
    ("Jacksonville", "FL", "southeast"), ("Nashville", "TN", "southeast"), ("Birmingham", "AL", "southeast"),
    ("Dallas", "TX", "southwest"), ("Houston", "TX", "southwest"), ("Phoenix", "AZ", "southwest"),
    ("Oklahoma City", "OK", "southwest"), ("Albuquerque", "NM", "southwest"), ("San Antonio", "TX", "southwest"),
    ("Newark", "NJ", "northeast"), ("Allentown", "PA", "northeast"), ("Hartford", "CT", "northeast"),
    ("Albany", "NY", "northeast"), ("Baltimore", "MD", "northeast"), ("Worcester", "MA", "northeast"),
    ("Ontario", "CA", "west"), ("Reno", "NV", "west"), ("Portland", "OR", "west"),
    ("Salt Lake City", "UT", "west"), ("Sacramento", "CA", "west"), ("Kent", "WA", "west"),
)  # fmt: skip
STREETS = (
    "Industrial Pkwy",
    "Commerce Dr",
    "Distribution Way",
    "Logistics Blvd",
    "Warehouse Rd",
    "Main St",
)

CONTACT_FIRST = (
    "Pat",
    "Chris",
    "Jordan",
    "Sam",
    "Taylor",
    "Morgan",
    "Alex",
    "Jamie",
    "Robin",
    "Casey",
    "Dana",
    "Lee",
)
CONTACT_LAST = (
    "Smith",
    "Johnson",
    "Williams",
    "Jones",
    "Miller",
    "Davis",
    "Lopez",
    "Wilson",
    "Clark",
    "Young",
    "Hall",
    "Allen",
)
CONTACT_ROLES = ("AP clerk", "AP manager", "Controller", "Logistics manager")
PORTALS = ("Coupa", "Ariba", "Tungsten", "Basware", "Cass freight audit", "nVision Global")

# NMFC class: weight, base rate per hundredweight before discount
CLASS_RATES = (
    ("50", 6, Decimal("28.40")), ("55", 5, Decimal("30.10")), ("60", 6, Decimal("32.00")),
    ("65", 8, Decimal("34.50")), ("70", 10, Decimal("37.20")), ("77.5", 8, Decimal("39.90")),
    ("85", 10, Decimal("42.80")), ("92.5", 8, Decimal("45.90")), ("100", 10, Decimal("49.60")),
    ("110", 6, Decimal("53.40")), ("125", 8, Decimal("58.70")), ("150", 6, Decimal("66.30")),
    ("175", 3, Decimal("73.80")), ("200", 2, Decimal("82.10")), ("250", 1, Decimal("96.40")),
    ("300", 1, Decimal("109.50")), ("400", 1, Decimal("132.00")), ("500", 1, Decimal("158.00")),
)  # fmt: skip

# X12 L1-08 special charge code, description, flat amount
ACCESSORIALS = (
    ("LFT", "Liftgate service", Decimal("95.00")),
    ("RES", "Residential delivery", Decimal("125.00")),
    ("IDL", "Inside delivery", Decimal("110.00")),
    ("APT", "Appointment / notification", Decimal("35.00")),
    ("DET", "Detention", Decimal("150.00")),
    ("HAZ", "Hazardous materials", Decimal("45.00")),
    ("RCL", "Redelivery", Decimal("160.00")),
    ("STR", "Storage", Decimal("85.00")),
)

# Open pro-level issue types and their share of open pros (percent)
PRO_ISSUE_MIX = (
    ("past_due", 55), ("pod_requested", 9), ("short_pay", 7), ("accessorial_dispute", 6),
    ("reweigh_reclass", 5), ("duplicate_billing", 3), ("wrong_bill_to", 3), ("claim_deducted", 3),
    ("unearned_discount", 3), ("rebill_requested", 4), ("duplicate_payment", 2),
)  # fmt: skip

# Account-level issues that stand on their own (not promotions), with their share
ACCOUNT_ISSUE_MIX = (
    ("unapplied_cash", 30), ("credit_hold", 15), ("payment_terms", 12), ("remittance_mismatch", 15),
    ("fuel_table", 8), ("relationship", 8), ("unidentified_deduction", 12),
)  # fmt: skip

# A recurring account-level cause and the pro-level symptoms it keeps producing
PATTERNS = (
    ("pricing_agreement", "agreement_not_loaded", (("short_pay", "rate_keyed_wrong"), ("accessorial_dispute", "accessorial_not_requested"))),
    ("invoicing_requirements", "requirements_not_set_up", (("pod_requested", "pod_missing"),)),
    ("invoicing_requirements", "requirements_not_set_up", (("wrong_bill_to", "wrong_bill_to"),)),
)  # fmt: skip

CALL_OUTCOMES = (
    "Left voicemail", "Spoke to AP: invoice in approval", "AP asked for POD copy",
    "AP says paid, asked for remittance", "No answer", "AP disputes accessorial",
    "Promised payment on next check run", "Sent to freight payment provider",
)  # fmt: skip
