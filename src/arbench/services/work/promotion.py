"""Account-level issues: create one, link and unlink pro issues, and promotion.

Promotion: when several open pro-level issues on one account share a root cause that signals an
account-level cause (rule in `domain.rules`, threshold and window from the team settings), the
collector is offered the account-level issue with those pros linked. Accepting creates it (or
links the pros to the account's open issue of that type, when one exists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ISSUE_TYPES, ROOT_CAUSES, ActivityKind, IssueStatus, Level
from arbench.domain.rules import ProIssueFact
from arbench.domain.rules import promotion_proposals as proposals_rule
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    add_activity,
    audit,
    now,
)
from arbench.services.op_changes import Changes, changes_after
from arbench.services.permissions import ANYONE, service
from arbench.services.settings import read_settings
from arbench.services.work.item_base import (
    OPEN,
    guarded_issue,
    may_act,
    record,
    require_level,
    require_open,
    snapshot,
    touch,
)
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Pro, User


@dataclass(frozen=True)
class PromotionProposal:
    """An account-level issue the pattern suggests, with the pro issues it would retire."""

    account_id: int
    account_number: str
    account_name: str
    issue_type: str
    issue_type_name: str
    root_cause: str  # the repeating pro-level cause
    root_cause_name: str
    account_root_cause: str
    issue_ids: tuple[int, ...]
    pros: tuple[str, ...]
    existing_issue_id: int | None  # the account's open issue of this type, if any

    @property
    def summary(self) -> str:
        target = f"link to issue #{self.existing_issue_id}" if self.existing_issue_id else "open"
        return (
            f"{self.account_name}: {len(self.issue_ids)} pros with '{self.root_cause_name}' — "
            f"{target} '{self.issue_type_name}'"
        )


def promotion_proposals(
    db: Database, *, login: str | None = None, account_id: int | None = None, on: date | None = None
) -> list[PromotionProposal]:
    """Proposals for the accounts of `login` (their open pro issues), or for one account."""
    on = on or date.today()
    with db.session() as s:
        settings = read_settings(s)
        where = [Issue.level == Level.PRO.value, Issue.status.in_(OPEN)]
        if login is not None:
            user_id = s.scalar(select(User.id).where(User.login == login))
            if user_id is None:
                raise NotFound(f"unknown user '{login}'")
            where.append(Issue.owner_id == user_id)
        if account_id is not None:
            where.append(Issue.account_id == account_id)
        facts = [
            ProIssueFact(r.id, r.account_id, r.root_cause, r.opened_on, r.parent_id)
            for r in s.execute(
                select(
                    Issue.id, Issue.account_id, Issue.root_cause, Issue.opened_on, Issue.parent_id
                ).where(*where)
            )
        ]
        found = proposals_rule(
            facts, on, settings.promotion_threshold, settings.promotion_window_days
        )
        return [
            _describe(
                s, p.account_id, p.issue_type, p.root_cause, p.account_root_cause, p.issue_ids
            )
            for p in found
        ]


def _describe(
    s: Session,
    account_id: int,
    issue_type: str,
    cause: str,
    account_cause: str,
    ids: tuple[int, ...],
) -> PromotionProposal:
    account = s.get(Account, account_id)
    assert account is not None
    pros = s.scalars(
        select(Pro.pro)
        .join(Issue, Issue.pro_id == Pro.id)
        .where(Issue.id.in_(ids))
        .order_by(Pro.pro)
    )
    existing = s.scalar(
        select(Issue.id).where(Issue.account_id == account_id, Issue.level == Level.ACCOUNT.value,
                               Issue.type == issue_type, Issue.status.in_(OPEN)).order_by(Issue.id)
    )  # fmt: skip
    return PromotionProposal(
        account.id, account.number, account.name, issue_type, ISSUE_TYPES[issue_type].name, cause,
        ROOT_CAUSES[cause].name, account_cause, ids, tuple(pros), existing,
    )  # fmt: skip


@service(ANYONE, "accept a promotion proposal", note="the account's collector or a supervisor")
def accept_proposal(
    db: Database, actor: Actor, proposal: PromotionProposal, on: date | None = None
) -> Changes:
    """Open the proposed account-level issue (marked promoted) with its pros linked, or link
    the pros to the account's existing open issue of that type."""
    if proposal.existing_issue_id is not None:
        return link_pro_issues(
            db, actor, proposal.existing_issue_id, None, list(proposal.issue_ids), on=on
        )
    return create_account_issue(
        db, actor, proposal.account_id, proposal.issue_type, proposal.account_root_cause,
        list(proposal.issue_ids), promoted=True, on=on,
    )  # fmt: skip


@service(ANYONE, "open an account-level issue", note="the account's collector or a supervisor")
def create_account_issue(
    db: Database,
    actor: Actor,
    account_id: int,
    issue_type: str,
    root_cause: str | None = None,
    pro_issue_ids: Sequence[int] = (),
    *,
    promoted: bool = False,
    on: date | None = None,
) -> Changes:
    """Open an account-level issue on the account and link the given pro issues to it."""
    on = on or date.today()
    itype = ISSUE_TYPES.get(issue_type)
    if itype is None or itype.level != Level.ACCOUNT:
        raise InvalidInput(f"'{issue_type}' is not an account-level issue type in the catalogue")
    cause = root_cause or itype.default_root_cause
    if cause not in ROOT_CAUSES or ROOT_CAUSES[cause].level != Level.ACCOUNT:
        raise InvalidInput(f"'{cause}' is not an account-level root cause in the catalogue")
    with db.session() as s:
        account = s.get(Account, account_id)
        if account is None:
            raise NotFound(f"no account with id {account_id}")
        if not (actor.is_supervisor or account.collector_id == actor.id):
            raise PermissionDenied(
                f"{actor.login} cannot open an issue on account {account.number}: "
                "only its collector or a supervisor can"
            )
        stamp = now()
        issue = Issue(level=Level.ACCOUNT.value, type=issue_type, root_cause=cause, status=IssueStatus.OPEN.value,
                      account_id=account.id, owner_id=account.collector_id or actor.id or None, follow_up=on,
                      opened_on=on, promoted=promoted, source="promotion" if promoted else "manual",
                      created_at=stamp, updated_at=datetime.now())  # fmt: skip
        s.add(issue)
        s.flush()
        how = "Promoted from repeated pro-level causes" if promoted else "Opened"
        add_activity(
            s, actor, account.id, ActivityKind.LINK, f"{how}: {itype.name}", issue_id=issue.id
        )
        audit(s, actor, "issue.create", "issue", issue.id, None,
              {"version": issue.version, "level": "account", "type": issue_type, "root_cause": cause,
               "promoted": promoted})  # fmt: skip
        _link(s, actor, issue, pro_issue_ids)
        return changes_after(s, [issue.id, *pro_issue_ids], on, created=[issue.id])


@service(
    ANYONE, "link pros to an account-level issue", note="the account's collector or a supervisor"
)
def link_pro_issues(
    db: Database, actor: Actor, account_issue_id: int, version: int | None,
    pro_issue_ids: Sequence[int], *, on: date | None = None,
) -> Changes:  # fmt: skip
    """Link open pro-level issues of the same account to an account-level issue."""
    on = on or date.today()
    with db.session() as s:
        parent = guarded_issue(s, actor, account_issue_id, version, "link pros to")
        require_level(s, parent, Level.ACCOUNT, "link pros to")
        require_open(s, parent, "link pros to")
        before = snapshot(parent)
        _link(s, actor, parent, pro_issue_ids)
        touch(s, parent)
        record(s, actor, "issue.link", parent, before, {"linked": sorted(pro_issue_ids)})
        return changes_after(s, [parent.id, *pro_issue_ids], on)


@service(
    ANYONE,
    "unlink pros from an account-level issue",
    note="the account's collector or a supervisor",
)
def unlink_pro_issues(
    db: Database, actor: Actor, account_issue_id: int, version: int | None,
    pro_issue_ids: Sequence[int], *, on: date | None = None,
) -> Changes:  # fmt: skip
    """Take pro issues off an account-level issue (they stay open on their own)."""
    on = on or date.today()
    with db.session() as s:
        parent = guarded_issue(s, actor, account_issue_id, version, "unlink pros from")
        before = snapshot(parent)
        for pro_issue in _pro_issues(s, pro_issue_ids, parent):
            if pro_issue.parent_id != parent.id:
                raise InvalidInput(
                    f"issue #{pro_issue.id} is not linked to account issue #{parent.id}"
                )
            pro_before = snapshot(pro_issue, "parent_id")
            pro_issue.parent_id = None
            touch(s, pro_issue, collector_action=False)
            add_activity(s, actor, pro_issue.account_id, ActivityKind.LINK,
                         f"Unlinked from account-level issue #{parent.id}", issue_id=pro_issue.id)  # fmt: skip
            record(s, actor, "issue.unlink", pro_issue, pro_before, {"parent_id": None})
        touch(s, parent)
        record(s, actor, "issue.unlink", parent, before, {"unlinked": sorted(pro_issue_ids)})
        return changes_after(s, [parent.id, *pro_issue_ids], on)


def _pro_issues(s: Session, ids: Sequence[int], parent: Issue) -> list[Issue]:
    found = {i.id: i for i in s.scalars(select(Issue).where(Issue.id.in_(list(ids))))}
    missing = sorted(set(ids) - set(found))
    if missing:
        raise NotFound(f"no issue with id {', '.join(map(str, missing))}")
    for issue in found.values():
        if issue.level != Level.PRO or issue.account_id != parent.account_id:
            raise InvalidInput(f"issue #{issue.id} is not a pro-level issue of the same account")
    return [found[i] for i in sorted(found)]


def _link(s: Session, actor: Actor, parent: Issue, ids: Sequence[int]) -> None:
    for pro_issue in _pro_issues(s, ids, parent):
        if pro_issue.status not in OPEN:
            raise InvalidInput(
                f"issue #{pro_issue.id} is {pro_issue.status}: only open pro issues can be linked"
            )
        if pro_issue.parent_id not in (None, parent.id):
            raise InvalidInput(
                f"issue #{pro_issue.id} is already linked to account issue #{pro_issue.parent_id}"
            )
        if not may_act(actor, pro_issue) and not actor.is_supervisor:
            raise PermissionDenied(
                f"{actor.login} cannot link issue #{pro_issue.id}: it is another collector's"
            )
        before = snapshot(pro_issue, "parent_id")
        pro_issue.parent_id = parent.id
        touch(s, pro_issue, collector_action=False)
        add_activity(s, actor, pro_issue.account_id, ActivityKind.LINK,
                     f"Linked to account-level issue #{parent.id} ({ISSUE_TYPES[parent.type].name})",
                     issue_id=pro_issue.id)  # fmt: skip
        record(s, actor, "issue.link", pro_issue, before, {"parent_id": parent.id})
