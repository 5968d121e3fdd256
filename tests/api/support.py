"""Shared by the API contract tests: a ZVH-led case with a wijkteam, users of each, their tokens."""

from __future__ import annotations

from casebook.auth.models import Role, User
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.factories import bearer, make_api_token, make_case, make_org, make_user

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, slug: str | None = "*") -> dict:
    """A problem document with ``status``; ``slug`` its type (None: ``about:blank``; "*": any)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"] and body["request_id"]
    if slug != "*":
        assert body["type"] == (f"urn:casebook:problem:{slug}" if slug else "about:blank")
    return body


class World:
    """Ids only (objects are detached after each request); ``user(name)`` and ``case`` re-read them.

    Users: ``coordinator`` (ZVH, leads the case), ``worker`` and ``supervisor`` (ZVH),
    ``west_coordinator`` and ``west_worker`` (contributing wijkteam), ``outsider`` (police, not on it).
    """

    def __init__(self, users: dict[str, User], case: Case) -> None:
        self.user_ids = {name: user.id for name, user in users.items()}
        self.case_id = case.id

    def user(self, name: str) -> User:
        return db.session.get(User, self.user_ids[name])

    @property
    def case(self) -> Case:
        return db.session.get(Case, self.case_id)

    def headers(self, name: str, *, read_only: bool = False) -> dict[str, str]:
        return bearer(make_api_token(self.user(name), read_only=read_only))


def make_world() -> World:
    zvh = make_org("zvh", kind=OrganisationKind.ZVH)
    west = make_org("wijkteam-west", kind=OrganisationKind.WIJKTEAM)
    police = make_org("politie", kind=OrganisationKind.POLICE)
    users = {
        "coordinator": make_user("zvh.coordinator", zvh, [Role.COORDINATOR]),
        "worker": make_user("zvh.worker", zvh, [Role.CASEWORKER]),
        "supervisor": make_user("zvh.supervisor", zvh, [Role.SUPERVISOR]),
        "west_coordinator": make_user("west.coordinator", west, [Role.COORDINATOR]),
        "west_worker": make_user("west.worker", west, [Role.CASEWORKER]),
        "outsider": make_user("police.worker", police, [Role.CASEWORKER]),
    }
    return World(users, make_case(lead=zvh, participants=[(west, Involvement.CONTRIBUTOR)]))
