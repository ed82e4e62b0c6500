"""Account aliases: the identifiers trading partners use for an account, and payer resolution.

    add_alias(db, supervisor, "C100350", "duns", "123456789")
    list_aliases(db, "C100350")                 # [AliasInfo ...]
    remove_alias(db, supervisor, "C100350", "duns", "123456789")

A remittance names its payer (820 N1*PR: a name, an N103 qualifier and an N104 id) and a 210
its bill-to (N1*BT, else N1*PR). `resolve_party` finds the account: the id as an account
number, else the id among the aliases (D-U-N-S first for N103 1 or 9, payer ids, bill-to
codes, others), else the name among the name aliases. A party no alias resolves is reported
with the identifiers it carried; once the user names its account (`--account`, or a confirmed
match in the import dialog), `learn_party` records those identifiers as aliases of it (audited),
so the next file resolves on its own.

Supervisors edit aliases by hand; learning from a file needs only the right to import it.
Values are matched by `domain.names.alias_key` (case, spaces, dashes and leading zeros ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from arbench.domain.names import alias_key
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    audit,
    now,
    require_supervisor,
)
from arbench.services.permissions import SUPERVISORS, service
from arbench.store.db import Database
from arbench.store.models import Account, AccountAlias, User

ALIAS_KINDS = ("duns", "payer_id", "bill_to", "name", "other")
ID_KINDS = ("duns", "payer_id", "bill_to", "other")
DUNS_QUALIFIERS = frozenset({"1", "9"})  # N103: D-U-N-S number, D-U-N-S + 4
QUALIFIER_NAMES = {"1": "D-U-N-S", "9": "D-U-N-S+4", "91": "seller-assigned id",
                   "92": "buyer-assigned id", "ZZ": "mutually defined id", "25": "carrier-assigned id",
                   "93": "code assigned by the sender"}  # fmt: skip
MAX_VALUE = 120

__all__ = [
    "ALIAS_KINDS",
    "AliasInfo",
    "PartyRef",
    "add_alias",
    "learn_party",
    "list_aliases",
    "remove_alias",
    "resolve_party",
]


@dataclass(frozen=True)
class AliasInfo:
    """One alias of an account, as the alias list shows it."""

    account_number: str
    account_name: str
    kind: str
    value: str
    source: str
    created_at: datetime
    created_by: str | None

    def to_json(self) -> dict[str, Any]:
        return {"account_number": self.account_number, "account_name": self.account_name,
                "kind": self.kind, "value": self.value, "source": self.source,
                "created_at": self.created_at.isoformat(), "created_by": self.created_by}  # fmt: skip


@dataclass(frozen=True)
class PartyRef:
    """Who a file says pays: the identifiers it carried and where (segment or row)."""

    role: str  # "N1*PR" (820 payer), "N1*BT" / "N1*PR" (210 bill-to), "account column"
    name: str | None
    qualifier: str = ""  # N103
    id: str | None = None  # N104, or the account number a CSV row names
    where: int = 0
    unit: str = "segment"

    @property
    def id_kind(self) -> str:
        if self.qualifier in DUNS_QUALIFIERS:
            return "duns"
        return "bill_to" if self.role.endswith("BT") else "payer_id"

    def identifiers(self) -> list[tuple[str, str]]:
        """The (kind, value) pairs this party would leave as aliases."""
        found = [(self.id_kind, self.id)] if self.id else []
        return found + ([("name", self.name)] if self.name else [])

    def describe(self) -> str:
        parts = [f"{self.role} {self.name!r}" if self.name else self.role]
        if self.id:
            label = QUALIFIER_NAMES.get(self.qualifier, "id")
            qualifier = f" (N103 {self.qualifier})" if self.qualifier else ""
            parts.append(f"{label}{qualifier} {self.id}")
        return ", ".join(parts) + (f" at {self.unit} {self.where}" if self.where else "")

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "qualifier": self.qualifier,
                "id": self.id, self.unit: self.where}  # fmt: skip


# ----- editing -------------------------------------------------------------------------------


def list_aliases(db: Database, account_number: str | None = None) -> list[AliasInfo]:
    """The aliases of one account (or of every account), by account, kind and value."""
    with db.session() as session:
        query = (
            select(AccountAlias, Account.number, Account.name, User.login)
            .join(Account, Account.id == AccountAlias.account_id)
            .outerjoin(User, User.id == AccountAlias.created_by_id)
            .order_by(Account.number, AccountAlias.kind, AccountAlias.value_key)
        )
        if account_number is not None:
            query = query.where(Account.id == _account(session, account_number).id)
        return [
            AliasInfo(number, name, a.kind, a.value, a.source, a.created_at, login)
            for a, number, name, login in session.execute(query)
        ]


@service(SUPERVISORS, "add account aliases")
def add_alias(db: Database, actor: Actor, account_number: str, kind: str, value: str) -> AliasInfo:
    """Give an account another identifier (supervisors); audited."""
    require_supervisor(actor, "edit account aliases")
    with db.session() as session:
        account = _account(session, account_number)
        added = _add(session, actor, account, kind, value, "manual")
        if added is None:
            raise InvalidInput(f"{kind} {value!r} is already an alias of account {account.number}")
        return AliasInfo(account.number, account.name, added.kind, added.value, added.source,
                         added.created_at, actor.login)  # fmt: skip


@service(SUPERVISORS, "remove account aliases")
def remove_alias(db: Database, actor: Actor, account_number: str, kind: str, value: str) -> None:
    """Take an identifier off an account (supervisors); audited."""
    require_supervisor(actor, "edit account aliases")
    kind = _kind(kind)
    with db.session() as session:
        account = _account(session, account_number)
        alias = session.scalar(
            select(AccountAlias).where(
                AccountAlias.account_id == account.id, AccountAlias.kind == kind,
                AccountAlias.value_key == alias_key(kind, value),
            )
        )  # fmt: skip
        if alias is None:
            raise NotFound(f"account {account.number} has no {kind} alias {value!r}")
        audit(session, actor, "alias.remove", "account_alias", alias.id,
              {"account": account.number, "kind": kind, "value": alias.value}, None)  # fmt: skip
        session.delete(alias)


# ----- resolving and learning (inside an import's transaction) -----------------------------


def resolve_party(session: Session, party: PartyRef) -> Account | None:
    """The account a party's identifiers name, or None (see the module docstring)."""
    if party.id:
        account = session.scalar(select(Account).where(Account.number == party.id.strip()))
        if account is not None:
            return account
        for kind in (party.id_kind, *(k for k in ID_KINDS if k != party.id_kind)):
            account = _by_alias(session, kind, party.id)
            if account is not None:
                return account
    if party.name:
        return _by_alias(session, "name", party.name)
    return None


def learn_party(
    session: Session, actor: Actor, account: Account, party: PartyRef, source: str
) -> list[tuple[str, str]]:
    """Record the party's identifiers as aliases of `account` (audited); the pairs added.

    An identifier that already names another account is refused (`InvalidInput`): the user
    must remove that alias first rather than have two accounts claim one payer.
    """
    added = []
    for kind, value in party.identifiers():
        if kind != "name" and value.strip() != account.number:
            owner = session.scalar(select(Account.number).where(Account.number == value.strip()))
            if owner is not None:
                raise InvalidInput(
                    f"{party.describe()}: {value!r} is the number of account {owner}, "
                    f"so the payer cannot be account {account.number}"
                )
        if kind != "name" and value.strip() == account.number:
            continue
        alias = _add(session, actor, account, kind, value, source)
        if alias is not None:
            added.append((kind, value))
    return added


def _add(
    session: Session, actor: Actor, account: Account, kind: str, value: str, source: str
) -> AccountAlias | None:
    """Insert one alias; None when the account already has it; another account's is refused."""
    kind, value = _kind(kind), " ".join(str(value).split())
    key = alias_key(kind, value)
    if not value or not key or len(value) > MAX_VALUE:
        raise InvalidInput(
            f"an alias value must be 1-{MAX_VALUE} characters with letters or digits"
        )
    existing = session.scalar(
        select(AccountAlias).where(AccountAlias.kind == kind, AccountAlias.value_key == key)
    )
    if existing is not None:
        if existing.account_id == account.id:
            return None
        other = session.scalar(select(Account.number).where(Account.id == existing.account_id))
        raise InvalidInput(
            f"{kind} {value!r} is already an alias of account {other}: remove it there first "
            f"(arbench --as SUPERVISOR alias remove {other} --kind {kind} --value {value!r})"
        )
    alias = AccountAlias(account_id=account.id, kind=kind, value=value, value_key=key,
                         source=source[:16], created_at=now(), created_by_id=actor.id or None)  # fmt: skip
    if not _insert(session, alias):  # another transaction added it a moment ago
        return _add(session, actor, account, kind, value, source)
    audit(session, actor, "alias.add", "account_alias", alias.id, None,
          {"account": account.number, "kind": kind, "value": value, "source": source})  # fmt: skip
    return alias


def _insert(session: Session, alias: AccountAlias) -> bool:
    """Insert under the unique (kind, value_key); False when a concurrent transaction just took
    it (PostgreSQL: the insert waited for it; a savepoint keeps this transaction usable). SQLite
    serializes writers, so its transaction already sees the other one's alias."""
    if session.get_bind().dialect.name != "postgresql":
        session.add(alias)
        session.flush()
        return True
    try:
        with session.begin_nested():
            session.add(alias)
    except IntegrityError:
        return False
    return True


def _by_alias(session: Session, kind: str, value: str) -> Account | None:
    key = alias_key(kind, value)
    if not key:
        return None
    return session.scalar(
        select(Account)
        .join(AccountAlias, AccountAlias.account_id == Account.id)
        .where(AccountAlias.kind == kind, AccountAlias.value_key == key)
    )


def _account(session: Session, number: str) -> Account:
    account = session.scalar(select(Account).where(Account.number == number.strip()))
    if account is None:
        raise NotFound(f"no account numbered {number!r}")
    return account


def _kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in ALIAS_KINDS:
        raise InvalidInput(f"unknown alias kind {kind!r}; use one of {', '.join(ALIAS_KINDS)}")
    return value
