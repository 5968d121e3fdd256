"""Opening a case needs an authorisation for its type, whoever calls the service (leak 10)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook.access import Refused
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases import services as cases
from casebook.cases.models import Case
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.api.support import assert_problem
from tests.factories import bearer, make_api_token, make_case_type, make_org, make_user
from tests.helpers import audit_events


def _case_count() -> int:
    return db.session.scalar(select(func.count(Case.id)))


@pytest.fixture
def coordinator():
    make_case_type("youth")
    make_case_type("radicalisation", restricted=True)  # nobody is authorised for it by default
    return make_user("zvh.coordinator", make_org("zvh", kind=OrganisationKind.ZVH), [Role.COORDINATOR])


def test_api_refuses_a_type_the_coordinator_is_not_authorised_for_and_writes_nothing(client, coordinator):
    before, coordinator_id = _case_count(), coordinator.id
    response = client.post(
        "/api/v1/cases", headers=bearer(make_api_token(coordinator)), json={"type": "radicalisation"}
    )
    assert_problem(response, 403, "forbidden")
    assert _case_count() == before
    [denied] = audit_events("case.create", actor_user_id=coordinator_id, outcome=Outcome.DENIED)
    assert denied.case_id is None


def test_api_opens_a_type_the_coordinator_is_authorised_for(client, coordinator):
    response = client.post("/api/v1/cases", headers=bearer(make_api_token(coordinator)), json={"type": "youth"})
    assert response.status_code == 201, response.json
    assert response.json["type"] == "youth"


def test_the_service_itself_refuses_and_audits(coordinator):
    radicalisation = make_case_type("radicalisation", restricted=True)
    before = _case_count()
    with pytest.raises(Refused):
        cases.open_case(cases.NewCase(radicalisation, coordinator.organisation), by=coordinator)
    assert _case_count() == before
    assert len(audit_events("case.create", actor_user_id=coordinator.id, outcome=Outcome.DENIED)) == 1
    assert not audit_events("case.create", actor_user_id=coordinator.id, outcome=Outcome.ALLOWED)


def test_api_refuses_a_confidentiality_above_the_coordinator_s_authorisation(client, coordinator):
    before, coordinator_id = _case_count(), coordinator.id  # youth: authorised up to vertrouwelijk
    response = client.post(
        "/api/v1/cases",
        headers=bearer(make_api_token(coordinator)),
        json={"type": "youth", "confidentiality": "geheim"},
    )
    assert_problem(response, 403, "forbidden")
    assert _case_count() == before
    assert len(audit_events("case.create", actor_user_id=coordinator_id, outcome=Outcome.DENIED)) == 1
