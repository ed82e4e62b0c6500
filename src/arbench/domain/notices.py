"""Proactive exception notices: which pre-audit findings the customer is told before the invoice.

Pure data. An accessorial billed without being requested on the BOL, and a POD missing where
the customer requires one, will reach the customer's payables team anyway (as a short pay or a
held invoice); telling them first, with the template named here, lets them answer before the
bill goes out. Other findings (weights, bill-to, duplicates, agreements) are fixed inside.

A notice sent by mail carries the token "[AR-PRO#1234567]" in its subject (`notice_token`), so
the customer's reply comes back to the notice of that pro (`find_notice_token`); what they wrote
above the quoted notice is their answer (`reply_text`).
"""

from __future__ import annotations

import re

NOTICE_TEMPLATES = {
    "accessorial_not_requested": "preaudit_notice_accessorial",
    "pod_missing_required": "preaudit_notice_pod",
}


def reaches_customer(rule: str) -> bool:
    """Whether a pre-audit finding of `rule` can be told to the customer before the invoice."""
    return rule in NOTICE_TEMPLATES


_NOTICE_TOKEN = re.compile(r"\[AR-PRO#([A-Za-z0-9][A-Za-z0-9-]{0,39})\]", re.IGNORECASE)
# where a reply's quoted part starts: "> ...", "On ... wrote:", Outlook's header block
_QUOTE_START = re.compile(
    r"^\s*(>|On .{0,200}wrote:\s*$|-{2,}\s*Original Message\s*-{2,}|From:\s)", re.IGNORECASE
)
MAX_ANSWER = 4000


def notice_token(pro: str) -> str:
    """The reference a notice puts in its subject: '[AR-PRO#1234567]'."""
    return f"[AR-PRO#{pro}]"


def find_notice_token(subject: str) -> str | None:
    """The PRO of the first '[AR-PRO#...]' in a subject, or None."""
    match = _NOTICE_TOKEN.search(subject)
    return match.group(1) if match else None


def reply_text(body: str) -> str:
    """What a reply says above the text it quotes (the whole body when nothing is quoted)."""
    lines = []
    for line in body.splitlines():
        if _QUOTE_START.match(line):
            break
        lines.append(line.rstrip())
    said = "\n".join(lines).strip() or body.strip()
    return said[:MAX_ANSWER]
