"""Every GET route of the requests writes its audit event (``tests/audit/test_route_audit.py`` lists
them as tested here: they need a privacy officer and a request)."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.audit import Outcome
from casebook.db import db
from casebook.subject_requests import services
from casebook.subject_requests.models import RequestKind
from tests.factories import bearer, login_as, make_api_token
from tests.helpers import audit_events
from tests.subject_requests.conftest import BSN

ROUTES = {
    "subject_requests.index": ("/subject-requests/", "subject_request.list"),
    "subject_requests.detail": ("/subject-requests/{id}", "subject_request.view"),
    "subject_requests.export_json": ("/subject-requests/{id}/export.json", "subject_request.export"),
    "subject_requests.export_pdf": ("/subject-requests/{id}/export.pdf", "subject_request.export"),
    "api.list_subject_requests": ("/api/v1/subject-requests", "subject_request.list"),
    "api.get_subject_request": ("/api/v1/subject-requests/{id}", "subject_request.view"),
    "api.export_subject_request": ("/api/v1/subject-requests/{id}/export", "subject_request.export"),
    "api.list_rectifications": ("/api/v1/subject-requests/{id}/rectifications", "subject_request.rectification.list"),
    "api.list_restrictions": ("/api/v1/subject-requests/{id}/restrictions", "subject_request.view"),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_the_route_writes_its_event(client, world, endpoint):
    path, action = ROUTES[endpoint]
    request = services.register(
        world.officer, services.NewRequest(kind=RequestKind.ACCESS, received_on=date.today(), bsn=BSN)
    )
    db.session.commit()
    officer_id, request_id = world.officer.id, request.id
    headers = {}
    if path.startswith("/api/"):
        headers = bearer(make_api_token(world.officer))
    else:
        login_as(client, world.officer)
    before = len(audit_events(action, actor_user_id=officer_id))
    assert client.get(path.format(id=request_id), headers=headers).status_code == 200
    events = audit_events(action, actor_user_id=officer_id)
    assert len(events) > before and events[-1].outcome is Outcome.ALLOWED
