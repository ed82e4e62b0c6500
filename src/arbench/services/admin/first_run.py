"""Starting a team's own book: the first supervisor and the company's details, in one go.

    user = start_book(db, "kwright", "Kim Wright", ProfileChange("Blue Ridge Freight", ...))

Used by `arbench init` and by the GUI's "Start your own book" on an empty database. The first
supervisor is created without anyone's say-so (there is nobody yet) and only in a book without
users; the company's name, address and remit-to become the company profile
(services/admin/company.py), which statements, invoice copies and emails read.
The shipped resolution scripts and training notes are loaded, so the new team starts with them.
"""

from __future__ import annotations

from arbench.domain.catalogue import Role
from arbench.services.admin.company import ProfileChange, write_profile
from arbench.services.base import Actor
from arbench.services.knowledge.content import load_shipped
from arbench.services.organization.users import UserInfo, first_supervisor
from arbench.services.permissions import setup
from arbench.store.db import Database


@setup("start a book")
def start_book(
    db: Database, login: str, display_name: str, company: ProfileChange | None = None,
    email: str | None = None,
) -> UserInfo:  # fmt: skip
    """Create the first supervisor and store the company's details (one transaction), then
    load the shipped content. Refused, with nothing written, when the book has any user."""
    with db.session() as session:
        user = first_supervisor(session, login, display_name, email)
        actor = Actor(id=user.id, login=user.login, display_name=user.display_name,
                      role=Role.SUPERVISOR)  # fmt: skip
        if company is not None:
            write_profile(session, actor, _given(company))
    load_shipped(db)
    return user


def _given(change: ProfileChange) -> ProfileChange:
    """The details filled in (a blank field of the form leaves the profile's default)."""
    blank = {k: None for k, v in vars(change).items() if isinstance(v, str) and not v.strip()}
    return ProfileChange(**{**vars(change), **blank})
