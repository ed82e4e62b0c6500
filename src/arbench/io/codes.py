"""Short names for the X12 codes a freight collector meets, in arbench's own words.

The full ASC X12 code lists may not be shipped with the product, so only the codes that matter
in freight AR are named here, each in a few words of our own. A unit test checks every entry
against the code lists kept in shared/data/codelists so a code never carries the wrong meaning.
A code not listed keeps its code and gets a generic name.
"""

from __future__ import annotations

# X12 element 150 (L1-08 on the 210): special charges and allowances.
SPECIAL_CHARGES: dict[str, str] = {
    "400": "Freight (linehaul)",
    "405": "Fuel surcharge",
    "FUE": "Fuel",
    "ENS": "Energy surcharge (fuel adjustment)",
    "GST": "Goods and services tax",
    "LFT": "Liftgate or forklift service",
    "RES": "Residential delivery",
    "REP": "Residential pickup",
    "DET": "Trailer detention",
    "DTV": "Vehicle detention",
    "IDL": "Inside delivery",
    "IPU": "Inside pickup",
    "APT": "Delivery appointment or notification",
    "NFY": "Carrier notification",
    "HAZ": "Hazardous cargo",
    "HZC": "Hazardous materials surcharge",
    "RCL": "Redelivery",
    "RCC": "Reconsignment",
    "STR": "Storage in transit",
    "SRG": "Storage",
    "SOC": "Stop-off",
    "LAC": "Lading adjustment",
    "INS": "Insurance",
    "WTV": "Weight verification (reweigh)",
    "IAC": "Inspection fee",
    "SSF": "Single shipment fee",
    "POD": "Proof of delivery copy",
    "SEG": "Segregating or sorting",
    "MIC": "Minimum charge",
}

LINEHAUL = "Linehaul"  # an L1 without a special charge code is the transportation charge


def special_charge_name(code: str | None) -> str:
    """The name of an L1-08 code; an empty code is the linehaul charge."""
    if not code:
        return LINEHAUL
    return SPECIAL_CHARGES.get(code, f"Special charge {code}")


# X12 element 426 (ADX02, RMR07 on the 820): why a payer paid a different amount.
ADJUSTMENT_REASONS: dict[str, str] = {
    "01": "Pricing error",
    "19": "Duplicate billing",
    "21": "Wrong method of payment (prepaid/collect)",
    "22": "Weight error",
    "23": "Special charge not authorized",
    "30": "Delivery charge wrong",
    "37": "Dimensions wrong",
    "44": "Required documents missing",
    "45": "Stale bill, over 180 days old",
    "46": "Transportation charge wrong",
    "54": "Freight deducted",
    "73": "Bill of lading not received",
    "09": "Terms of sale wrong",
    "24": "Incorrect discount taken",
    "50": "Late charge",
    "53": "Remittance for an earlier underpayment",
    "72": "Authorized return",
    "86": "Duplicate payment",
    "CM": "Covered by a credit memo",
    "D3": "Unauthorized deduction",
    "ZZ": "Mutually defined",
}


def adjustment_reason_name(code: str | None) -> str:
    """The name of an X12 426 adjustment reason code."""
    if not code:
        return ""
    return ADJUSTMENT_REASONS.get(code, f"Adjustment reason {code}")


# X12 element 591 (BPR04): how the money was sent.
PAYMENT_METHODS: dict[str, str] = {
    "ACH": "ACH transfer",
    "BOP": "Financial institution option",
    "CHK": "Check",
    "FWT": "Federal Reserve wire",
    "NON": "No payment (remittance only)",
}

# X12 element 146 (B3-04): who pays the freight, as arbench terms values.
SHIPMENT_PAYMENT_TERMS: dict[str, str] = {
    "PP": "prepaid",
    "CC": "collect",
    "TP": "third_party",
}
