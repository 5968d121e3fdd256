"""The authorisation matrix of the access policy, through the API, compared with the screens.

Every cell (role × relation × confidentiality) for listing and viewing a case: the API answers
exactly what the screens answer for the same user, and what the matrix declares.
"""

from __future__ import annotations

import pytest

from casebook.access import Action
from casebook.audit import Outcome
from tests.access.test_matrix import CELLS, build_cell, expected
from tests.factories import bearer, login_as, make_api_token
from tests.helpers import audit_events

API_CELLS = [cell for cell in CELLS if cell[3] in (Action.LIST_CASES, Action.VIEW_CASE)]


@pytest.mark.parametrize(("role", "relation", "level", "action"), API_CELLS)
def test_api_cell_equals_the_screens(client, role, relation, level, action):
    user, case = build_cell(role, relation, level)
    case_id, reference = case.id, case.reference
    allowed = expected(role, relation, level, action)
    headers = bearer(make_api_token(user))
    login_as(client, user)
    if action is Action.LIST_CASES:
        api = client.get("/api/v1/cases?per_page=100", headers=headers)
        screen = client.get("/cases")
        assert api.status_code == screen.status_code == 200
        listed = [item["id"] for item in api.json["items"]]
        assert (case_id in listed) is allowed is (reference in screen.get_data(as_text=True))
        return
    api = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    screen = client.get(f"/cases/{case_id}")
    assert api.status_code == screen.status_code == (200 if allowed else 404)
    assert (reference in api.get_data(as_text=True)) is allowed
    [event] = [e for e in audit_events(request_id=api.headers["X-Request-Id"]) if e.action == str(action)]
    assert (event.case_id, event.outcome) == (case_id, Outcome.ALLOWED if allowed else Outcome.DENIED)
