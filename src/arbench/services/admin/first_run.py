"""Starting a team's own book: the first supervisor and the company's details, in one go.

    user = start_book(db, "kwright", "Kim Wright", Company("Blue Ridge Freight", ...))

Used by `arbench init` and by the GUI's "Start your own book" on an empty database. The first
supervisor is created without anyone's say-so (there is nobody yet) and only in a book without
users; the company's name, address and remit-to go into the team settings (company_name,
company_address, remit_to_name, remit_to_address) where statements and letters read them.
The shipped resolution scripts and training notes are loaded, so the new team starts with them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from arbench.domain.catalogue import Role
from arbench.services.base import Actor, audit
from arbench.services.knowledge.content import load_shipped
from arbench.services.organization.users import UserInfo, first_supervisor
from arbench.services.permissions import setup
from arbench.store.db import Database
from arbench.store.models import Setting


@dataclass(frozen=True)
class Company:
    """The team's own company, as statements name it and customers pay it."""

    name: str = ""
    address: str = ""
    remit_to_name: str = ""
    remit_to_address: str = ""

    def settings(self) -> dict[str, str]:
        """The team settings these details fill (only those given)."""
        keys = {"name": "company_name", "address": "company_address",
                "remit_to_name": "remit_to_name", "remit_to_address": "remit_to_address"}  # fmt: skip
        return {keys[k]: v.strip() for k, v in asdict(self).items() if v.strip()}


@setup("start a book")
def start_book(
    db: Database, login: str, display_name: str, company: Company | None = None,
    email: str | None = None,
) -> UserInfo:  # fmt: skip
    """Create the first supervisor and store the company's details (one transaction), then
    load the shipped content. Refused, with nothing written, when the book has any user."""
    with db.session() as session:
        user = first_supervisor(session, login, display_name, email)
        actor = Actor(id=user.id, login=user.login, display_name=user.display_name,
                      role=Role.SUPERVISOR)  # fmt: skip
        for key, value in (company or Company()).settings().items():
            session.merge(Setting(key=key, value=value))
            audit(session, actor, "setting.set", "setting", None, {"key": key},
                  {"key": key, "value": value})  # fmt: skip
    load_shipped(db)
    return user
