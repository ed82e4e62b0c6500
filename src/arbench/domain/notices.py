"""Proactive exception notices: which pre-audit findings the customer is told before the invoice.

Pure data. An accessorial billed without being requested on the BOL, and a POD missing where
the customer requires one, will reach the customer's payables team anyway (as a short pay or a
held invoice); telling them first, with the template named here, lets them answer before the
bill goes out. Other findings (weights, bill-to, duplicates, agreements) are fixed inside.
"""

from __future__ import annotations

NOTICE_TEMPLATES = {
    "accessorial_not_requested": "preaudit_notice_accessorial",
    "pod_missing_required": "preaudit_notice_pod",
}


def reaches_customer(rule: str) -> bool:
    """Whether a pre-audit finding of `rule` can be told to the customer before the invoice."""
    return rule in NOTICE_TEMPLATES
