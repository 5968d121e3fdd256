"""The API obeys the same rules as the screens: a user sees exactly the cases ``list_for`` gives them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.access import Action, can
from casebook.auth.models import Role, User
from casebook.cases import services as cases
from casebook.cases.models import Case, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.pagination import PageRequest
from tests.factories import bearer, make_api_token, make_case, make_org, make_user


@pytest.fixture
def world():
    """Two partners, cases led by each, shared ones, an ended participation and a named-user participation."""
    zvh, west, police = make_org("zvh"), make_org("wijkteam-west"), make_org("politie")
    users = {
        "zvh.coordinator": make_user("zvh.coordinator", zvh, [Role.COORDINATOR]),
        "zvh.supervisor": make_user("zvh.supervisor", zvh, [Role.SUPERVISOR]),
        "west.caseworker": make_user("west.caseworker", west, [Role.CASEWORKER]),
        "police.caseworker": make_user("police.caseworker", police, [Role.CASEWORKER]),
        "admin": make_user("admin", zvh, [Role.ADMIN]),
    }
    make_case(lead=zvh)
    make_case(lead=zvh, participants=[(west, Involvement.CONTRIBUTOR)])
    make_case(lead=west, type="domestic_violence", confidentiality=Confidentiality.GEHEIM)
    ended = make_case(lead=zvh, participants=[(police, Involvement.OBSERVER)])
    ended.participants[-1].ended_at = utcnow()
    named = make_case(lead=west)
    named.participants[0].user = users["police.caseworker"]  # a named user of another organisation
    db.session.flush()
    return users


@pytest.mark.parametrize(
    "username", ["zvh.coordinator", "zvh.supervisor", "west.caseworker", "police.caseworker", "admin"]
)
def test_api_list_equals_the_screens_list(client, world, username):
    user = world[username]
    expected = [c.id for c in cases.list_for(user, cases.CaseFilters(), PageRequest(per_page=100)).items]
    response = client.get("/api/v1/cases?per_page=100", headers=bearer(make_api_token(user)))
    assert response.status_code == 200
    assert [item["id"] for item in response.json["items"]] == expected
    assert response.json["total"] == len(expected)


@pytest.mark.parametrize(
    "username", ["zvh.coordinator", "zvh.supervisor", "west.caseworker", "police.caseworker", "admin"]
)
def test_api_detail_follows_the_policy_for_every_case(client, world, username):
    user_id = world[username].id
    headers = bearer(make_api_token(world[username]))
    case_ids = list(db.session.scalars(select(Case.id)))
    for case_id in case_ids:
        user = db.session.get(User, user_id)
        allowed = can(user, Action.VIEW_CASE, db.session.get(Case, case_id))
        status = client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code
        assert status == (200 if allowed else 404), (username, case_id)
