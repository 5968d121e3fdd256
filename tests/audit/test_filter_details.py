"""List and search filters reach the audit chain only as reference data: a typed value that is not a
code that exists (a district, organisation, case type, status), an existing user or a known outcome is
recorded as ``(unknown)`` — code-shaped personal data passes ``record``'s free-text check, so the
filter's value itself must be resolved first."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from casebook import audit
from casebook.audit.models import AuditEvent
from casebook.cases.services import CaseFilters
from casebook.db import db
from casebook.organisations.models import District, Organisation, OrganisationKind
from tests.factories import bearer, login_as, make_api_token, make_case, make_district, make_org, make_user
from tests.helpers import last_event

BSN = "999996873"
NAME_AND_BIRTH = "jansen.fatima.2008-03-04"


def _chain_text() -> str:
    events = db.session.scalars(select(AuditEvent)).all()
    return json.dumps([e.details for e in events])


@pytest.fixture
def world():
    zvh = make_org("zvh-f", kind=OrganisationKind.ZVH)
    district = make_district("wielwijk-f")
    worker = make_user("zvh.worker.f", zvh, ["caseworker"])
    make_case(lead=zvh, district=district)
    return {
        "zvh": zvh,
        "district": district,
        "worker": worker,
        "supervisor": make_user("zvh.sup.f", zvh, ["supervisor"]),
    }


def test_filter_details_records_only_what_resolved(world):
    recorded = audit.filter_details(
        {
            "district": (BSN, audit.known(District.code)),
            "organisation": (" zvh-f ", audit.known(Organisation.slug)),
            "status": (None, audit.known(District.code)),
            "outcome": ("allowed", audit.one_of(audit.Outcome)),
            "kind": (NAME_AND_BIRTH, audit.one_of(audit.Outcome)),
        }
    )
    assert recorded == {"district": "(unknown)", "organisation": "zvh-f", "outcome": "allowed", "kind": "(unknown)"}
    assert CaseFilters(district=BSN, organisation=NAME_AND_BIRTH, case_type="youth").as_details() == {
        "district": "(unknown)",
        "organisation": "(unknown)",
        "case_type": "youth",
    }


def test_the_case_list_over_the_api_records_no_typed_filter_value(client, world):
    headers = bearer(make_api_token(world["worker"]))
    response = client.get(f"/api/v1/cases?district={BSN}&organisation={NAME_AND_BIRTH}", headers=headers)
    assert response.status_code == 200
    event = last_event("case.list", actor_user_id=world["worker"].id)
    assert event.details["filters"] == {"district": "(unknown)", "organisation": "(unknown)"}
    client.get("/api/v1/cases?district=wielwijk-f&organisation=zvh-f", headers=headers)
    event = last_event("case.list", actor_user_id=world["worker"].id)
    assert event.details["filters"] == {"district": "wielwijk-f", "organisation": "zvh-f"}
    assert BSN not in _chain_text() and NAME_AND_BIRTH not in _chain_text()


def test_the_case_list_screen_records_no_typed_filter_value(client, world):
    login_as(client, world["worker"])
    assert client.get(f"/cases?district={BSN}&organisation={NAME_AND_BIRTH}").status_code in (200, 422)
    assert BSN not in _chain_text() and NAME_AND_BIRTH not in _chain_text()


def test_the_audit_search_over_the_api_records_no_typed_filter_value(client, world):
    headers = bearer(make_api_token(world["supervisor"]))
    query = f"actor={NAME_AND_BIRTH}&action={NAME_AND_BIRTH}&case={BSN}&organisation={BSN}"
    assert client.get(f"/api/v1/audit?{query}", headers=headers).status_code == 200
    event = last_event("audit.list", actor_user_id=world["supervisor"].id)
    assert event.details["filters"] == {
        "username": "(unknown)",
        "action": "(unknown)",
        "case_reference": "(unknown)",
        "organisation": "(unknown)",
    }
    assert BSN not in _chain_text() and NAME_AND_BIRTH not in _chain_text()
    client.get("/api/v1/audit?actor=ZVH.WORKER.F&action=audit.list&outcome=allowed", headers=headers)
    event = last_event("audit.list", actor_user_id=world["supervisor"].id)
    assert event.details["filters"] == {"username": "zvh.worker.f", "action": "audit.list", "outcome": "allowed"}


def test_the_audit_screens_record_no_typed_filter_value(client, world):
    login_as(client, world["supervisor"])
    assert client.get(f"/audit/?user={NAME_AND_BIRTH}&action={NAME_AND_BIRTH}").status_code in (200, 422)
    assert client.get(f"/audit/export.csv?user={NAME_AND_BIRTH}").status_code in (200, 302, 401, 403, 422)
    assert NAME_AND_BIRTH not in _chain_text()
