"""Statements sent to customers: from an item (its pros) or in bulk for selected accounts.

Each statement is the company-headed PDF of the account's open items (or the PROs chosen),
attached to the statement email filled from the account, sent over the team's SMTP server from
the collector's own address, and recorded on the account's timeline (and the item's, when sent
from one) with its attachment. The account's collector or a supervisor may send it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from arbench.domain.documents import with_item_token
from arbench.io import mail as wire
from arbench.services.base import Actor, InvalidInput, NotFound, ServiceError
from arbench.services.correspondence import email as email_service
from arbench.services.correspondence import mail_out, mail_settings
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.reporting.reports import statement
from arbench.store.db import Database
from arbench.store.models import Account, Issue


@dataclass(frozen=True)
class StatementSent:
    account_number: str
    to: tuple[str, ...]
    pros: int
    total: str
    file_name: str
    mail_id: int
    changes: Changes = Changes()  # the item it was sent from (its timeline), or the account


@dataclass
class BulkReport:
    sent: list[StatementSent] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (account, why)


STATEMENT_NOTE = "the item's owner or the account's collector (a supervisor: any)"


@service(ANYONE, "send statements", note=STATEMENT_NOTE)
def send_statement(db: Database, actor: Actor, account_number: str, on: date, *,
                   pros: Sequence[str] | None = None, to: str | None = None,
                   issue_id: int | None = None) -> StatementSent:  # fmt: skip
    """Send one account's statement (all open items, or `pros`) to its contact (or `to`)."""
    data = statement(db, account_number, on, pros)
    if not data.lines:
        raise InvalidInput(f"account {account_number} has no open items to put on a statement")
    draft = email_service.compose_statement(db, actor, account_number,
                                            [(x.pro, x.open_balance) for x in data.lines], on)  # fmt: skip
    recipients = mail_out.addresses(to or draft.to)
    if not recipients:
        raise InvalidInput(
            f"account {account_number} has no contact with an email address: give --to"
        )
    with db.session() as s:
        account = s.scalar(select(Account).where(Account.number == account_number))
        assert account is not None
        issue = s.get(Issue, issue_id) if issue_id is not None else None
        if issue_id is not None and (issue is None or issue.account_id != account.id):
            raise NotFound(f"no item #{issue_id} on account {account_number}")
        mail_out.check_may_email(s, actor, account, issue)
        sender = mail_settings.sender_of(s, actor)
    with tempfile.TemporaryDirectory(prefix="arbench-statement-") as tmp:
        attachment = mail_out.statement_attachment(db, account_number, on, pros, Path(tmp))
    subject = with_item_token(draft.subject, issue_id) if issue_id is not None else draft.subject
    message = wire.build(
        wire.Outgoing(sender.header(), recipients, subject, draft.body, [attachment])
    )
    mail_out.deliver(db, message)
    with db.session() as s:
        issue = s.get(Issue, issue_id) if issue_id is not None else None
        sent = mail_out.record_sent(s, actor, message, [attachment], account.id, issue,
                                    "statement_of_account", "sent")  # fmt: skip
        changes = (changes_after(s, [issue.id], on) if issue is not None
                   else Changes(accounts=frozenset({account.id})))  # fmt: skip
    return StatementSent(account_number, recipients, len(data.lines), f"{data.total:.2f}",
                         attachment.file_name, sent.mail_id, changes)  # fmt: skip


@service(ANYONE, "send statements", note=STATEMENT_NOTE)
def send_statements(db: Database, actor: Actor, accounts: Sequence[str], on: date) -> BulkReport:
    """Send the statements of several accounts; one that fails is reported, the rest go out."""
    report = BulkReport()
    for number in accounts:
        try:
            report.sent.append(send_statement(db, actor, number, on))
        except ServiceError as exc:
            report.failed.append((number, str(exc)))
    return report
