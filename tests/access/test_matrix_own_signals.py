"""The authorisation matrix for Mijn meldingen (``VIEW_OWN_SIGNALS``), as a table.

role × relation to the signal (registered it; a colleague of the same organisation did; someone
elsewhere did) → may follow it, sees it on ``/signals/mine``, and opens ``/signals/<id>`` (200/404).
Coordinators also weigh signals, so they open every signal of an open type at the weegtafel; the
list stays their own.
"""

from __future__ import annotations

import itertools

import pytest

from casebook.access import Action, can
from casebook.pagination import PageRequest
from casebook.signals import mine
from tests.factories import login_as, make_org, make_signal, make_user

ROLES = ("caseworker", "coordinator", "supervisor", "admin")
RELATIONS = ("registrant", "colleague", "elsewhere")
CELLS = list(itertools.product(ROLES, RELATIONS))
WORK = {"caseworker", "coordinator"}


def follows(role: str, relation: str) -> bool:
    return role in WORK and relation == "registrant"


def opens(role: str, relation: str) -> bool:
    return follows(role, relation) or role == "coordinator"  # the weegtafel sees open types


@pytest.mark.parametrize(("role", "relation"), CELLS)
def test_own_signal_cell(client, role, relation):
    home = make_org()
    user = make_user(org=home, roles=[role])
    registrant = {
        "registrant": user,
        "colleague": make_user(org=home, roles=["caseworker"]),
        "elsewhere": make_user(org=make_org(), roles=["caseworker"]),
    }[relation]
    signal = make_signal(registrant)
    assert can(user, Action.VIEW_OWN_SIGNALS) is (role in WORK)
    assert can(user, Action.VIEW_OWN_SIGNALS, signal) is follows(role, relation)
    if role in WORK:
        listed = [row.signal for row in mine.my_signals(user, PageRequest(per_page=10)).items]
        assert (signal in listed) is follows(role, relation)
    signal_id, reference = signal.id, signal.reference
    login_as(client, user)
    page = client.get("/signals/mine")
    assert page.status_code == (200 if role in WORK else 404)
    assert (reference in page.get_data(as_text=True)) is follows(role, relation)
    assert client.get(f"/signals/{signal_id}").status_code == (200 if opens(role, relation) else 404)
