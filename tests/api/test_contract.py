"""The contract of every API endpoint: success, 401, 403, 404, 415/400/422, 429, problem documents."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from casebook.access import Action
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.db import db, utcnow
from tests.factories import (
    bearer,
    login_as,
    make_api_token,
    make_case,
    make_case_type,
    make_district,
    make_org,
    make_person,
    make_user,
)
from tests.helpers import audit_events, last_event

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"] and body["request_id"]
    assert body["type"] == (f"urn:casebook:problem:{slug}" if slug else "about:blank")
    return body


@pytest.fixture
def coordinator():
    return make_user(org=make_org("zvh"), roles=[Role.COORDINATOR])


@pytest.fixture
def token(coordinator):
    return make_api_token(coordinator)


# -- authentication ------------------------------------------------------------------------

ENDPOINTS = [("GET", "/api/v1/me"), ("GET", "/api/v1/cases"), ("GET", "/api/v1/cases/1"), ("POST", "/api/v1/cases")]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_no_token_is_401_with_a_bearer_challenge(client, method, path):
    response = client.open(path, method=method)
    assert_problem(response, 401, "invalid-token")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="casebook"'


@pytest.mark.parametrize("kind", ["garbage", "basic", "expired", "revoked", "inactive-user"])
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_bad_tokens_are_401_invalid_token(client, method, path, kind):
    user = make_user()
    issued = make_api_token(user, now=utcnow() - timedelta(days=40) if kind == "expired" else None)
    headers = bearer(issued)
    if kind == "garbage":
        headers = {"Authorization": "Bearer cbt_nonsense"}
    elif kind == "basic":
        headers = {"Authorization": "Basic " + issued.plaintext}
    elif kind == "revoked":
        from casebook.api.tokens import revoke

        revoke(issued.token, by=user)
    elif kind == "inactive-user":
        user.active = False
        db.session.flush()
    response = client.open(path, method=method, headers=headers, json={})
    assert_problem(response, 401, "invalid-token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer realm=")


def test_a_session_cookie_never_authenticates_the_api(client, coordinator):
    login_as(client, coordinator)
    assert client.get("/cases").status_code == 200
    assert_problem(client.get("/api/v1/me"), 401, "invalid-token")


def test_each_use_is_audited_durably_even_when_the_request_fails(client, token):
    token_id = token.token.id
    assert client.get("/api/v1/cases/424242", headers=bearer(token)).status_code == 404
    use = last_event("api.token.use", object_id=str(token_id))
    assert use.outcome is Outcome.ALLOWED and use.details == {"method": "GET", "endpoint": "api.get_case"}
    denied = last_event(str(Action.VIEW_CASE), outcome=Outcome.DENIED)
    assert denied.details["requested_id"] == "424242"  # a missing case: the id asked for, no case_id
    from casebook.api.models import ApiToken

    assert db.session.get(ApiToken, token_id).last_used_at is None  # the failed request rolled back
    client.get("/api/v1/me", headers=bearer(token))
    assert db.session.get(ApiToken, token_id).last_used_at is not None


def test_a_read_only_token_reads_but_cannot_write(client, coordinator):
    issued = make_api_token(coordinator, read_only=True)
    make_case_type("youth")
    assert client.get("/api/v1/cases", headers=bearer(issued)).status_code == 200
    before = db.session.query(Case).count()
    response = client.post("/api/v1/cases", headers=bearer(issued), json={"type": "youth"})
    assert_problem(response, 403, "read-only-token")
    assert db.session.query(Case).count() == before
    assert last_event("api.token.use", outcome=Outcome.DENIED).details["reason"] == "read_only"


def test_rate_limit_is_429_with_retry_after_per_token(client, app, monkeypatch, token, coordinator):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    other = make_api_token(coordinator)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    response = client.get("/api/v1/me", headers=bearer(token))
    assert_problem(response, 429, "rate-limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200  # counted per token


def test_api_posts_need_no_csrf_token_while_forms_still_do(client, app, monkeypatch, token):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    make_case_type("youth")
    assert client.post("/api/v1/cases", headers=bearer(token), json={"type": "youth"}).status_code == 201
    assert client.post("/login", data={"username": "x", "password": "y"}).status_code == 400


def test_unknown_api_paths_and_methods_are_problems(client, token):
    assert_problem(client.get("/api/v1/nothing-here", headers=bearer(token)), 404)
    response = client.delete("/api/v1/cases", headers=bearer(token))
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_responses_are_never_cached(client, token):
    assert client.get("/api/v1/me", headers=bearer(token)).headers["Cache-Control"] == "no-store"


# -- /me and /openapi.json -----------------------------------------------------------------


def test_me_describes_the_tokens_user(client, coordinator, token):
    body = client.get("/api/v1/me", headers=bearer(token)).json
    assert body["username"] == coordinator.username and body["organisation"] == "zvh"
    assert body["roles"] == ["coordinator"]
    [global_actions] = body["authorisations"]
    assert global_actions["case_type"] is None and "case.create" in global_actions["actions"]
    assert "audit.view" not in global_actions["actions"]


def test_openapi_document_is_generated_from_the_models(client, token):
    document = client.get("/api/v1/openapi.json", headers=bearer(token)).json
    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/me", "/api/v1/cases", "/api/v1/cases/{case_id}"} <= set(document["paths"])
    schemas = document["components"]["schemas"]
    assert set(schemas["CaseOut"]["required"]) >= {"id", "reference", "participants", "subjects", "version"}
    create = document["paths"]["/api/v1/cases"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CaseCreate"}
    assert {"201", "400", "401", "403", "415", "422", "429"} <= set(create["responses"])
    per_page = next(p for p in document["paths"]["/api/v1/cases"]["get"]["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == 100


# -- GET /cases ----------------------------------------------------------------------------


def test_list_is_paginated_with_total_and_next(client, coordinator, token):
    zvh = coordinator.organisation
    made = [make_case(lead=zvh) for _ in range(3)]
    make_case(lead=make_org())  # out of scope
    body = client.get("/api/v1/cases?per_page=2", headers=bearer(token)).json
    assert (body["total"], body["total_is_exact"], body["per_page"], len(body["items"])) == (3, True, 2, 2)
    assert body["prev"] is None and "page" not in body
    assert body["next"].startswith("http://localhost/api/v1/cases?")
    assert set(parse_qs(urlsplit(body["next"]).query)) == {"after", "per_page"}
    second = client.get(body["next"], headers=bearer(token)).json
    assert second["next"] is None and len(second["items"]) == 1 and second["total"] == 3
    assert {i["id"] for i in body["items"] + second["items"]} == {c.id for c in made}
    event = last_event(str(Action.LIST_CASES), actor_user_id=coordinator.id)
    assert event.details == {"filters": {}, "page": "next", "per_page": 2}


def test_list_filters_like_the_screens_plus_organisation(client, coordinator, token):
    zvh, west = coordinator.organisation, make_org("wijkteam-west")
    noord = make_district("noordflank")
    youth = make_case(lead=zvh, type="youth", district=noord, participants=[(west, Involvement.CONTRIBUTOR)])
    nuisance = make_case(lead=zvh, type="housing_nuisance")

    def ids(query: str) -> set[int]:
        return {item["id"] for item in client.get(f"/api/v1/cases?{query}", headers=bearer(token)).json["items"]}

    assert ids("type=youth") == {youth.id}
    assert ids("district=noordflank") == {youth.id}
    assert ids("status=casusoverleg") == {youth.id, nuisance.id}
    assert ids("organisation=wijkteam-west") == {youth.id}
    assert ids("organisation=zvh&type=housing_nuisance") == {nuisance.id}
    assert ids("type=&district=") == {youth.id, nuisance.id}  # empty means no filter, as on the screens
    assert ids("type=unknown") == set()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=2", "page"),  # replaced by the cursor parameters after and before
        ("page=99999999999999999999999999", "page"),
        ("total=all", "total"),
        ("type=DROP%20TABLE", "type"),
        ("colour=red", "colour"),
    ],
)
def test_list_rejects_bad_query_parameters_with_per_field_errors(client, token, query, field):
    body = assert_problem(client.get(f"/api/v1/cases?{query}", headers=bearer(token)), 422, "validation-error")
    assert [(e["location"], e["field"]) for e in body["errors"]] == [("query", field)]
    assert all(e["message"] and e["code"] for e in body["errors"])


# -- GET /cases/{id} -----------------------------------------------------------------------


def test_get_case_has_the_documented_shape_and_an_etag(client, coordinator, token):
    west = make_org("wijkteam-west")
    person = make_person()
    case = make_case(
        lead=coordinator.organisation,
        district=make_district("wielwijk"),
        participants=[(west, Involvement.OBSERVER)],
        subjects=[person],
    )
    response = client.get(f"/api/v1/cases/{case.id}", headers=bearer(token))
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["reference"] == case.reference and body["type"] == "youth" and body["status"] == "casusoverleg"
    assert body["confidentiality"] == "zaakvertrouwelijk" and body["district"] == "wielwijk"
    assert body["lead_organisation"] == "zvh" and body["closed_at"] is None and body["opened_at"].endswith("Z")
    assert [(p["organisation"], p["involvement"], p["user"]) for p in body["participants"]] == [
        ("zvh", "lead", None),
        ("wijkteam-west", "observer", None),
    ]
    assert body["subjects"] == [{"person": person.id, "role": "subject"}]
    assert "Jansen" not in response.get_data(as_text=True)  # subjects by id only
    assert last_event(str(Action.VIEW_CASE), case_id=case.id).actor_user_id == coordinator.id


@pytest.mark.parametrize("path", ["/api/v1/cases/{other}", "/api/v1/cases/987654321", "/api/v1/cases/" + "9" * 40])
def test_out_of_scope_and_unknown_cases_are_the_same_404(client, token, path):
    other = make_case(lead=make_org())
    response = client.get(path.format(other=other.id), headers=bearer(token))
    body = assert_problem(response, 404)
    assert "Jansen" not in str(body)


def test_out_of_scope_denial_is_audited(client, coordinator, token):
    other_id, user_id = make_case(lead=make_org()).id, coordinator.id
    client.get(f"/api/v1/cases/{other_id}", headers=bearer(token))
    event = last_event(str(Action.VIEW_CASE), case_id=other_id)
    assert event.outcome is Outcome.DENIED and event.actor_user_id == user_id


# -- POST /cases ---------------------------------------------------------------------------


def test_a_coordinator_opens_a_case_led_by_their_organisation(client, coordinator, token):
    make_case_type("youth")
    make_district("crabbehof")
    police = make_org("politie")
    response = client.post(
        "/api/v1/cases",
        headers=bearer(token),
        json={
            "type": "youth",
            "district": "crabbehof",
            "confidentiality": "vertrouwelijk",
            "referring_organisation": "politie",
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith(f"/api/v1/cases/{body['id']}")
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["lead_organisation"] == "zvh" and body["confidentiality"] == "vertrouwelijk"
    case = db.session.get(Case, body["id"])
    assert case.referring_organisation_id == police.id and case.process_coordinator_id == coordinator.id
    event = last_event("case.create", case_id=case.id)
    assert event.actor_user_id == coordinator.id and event.details == {"type": "youth"}
    assert client.get(response.headers["Location"], headers=bearer(token)).status_code == 200


def test_a_caseworker_may_not_open_cases_and_the_denial_is_audited(client):
    make_case_type("youth")
    worker = make_user(roles=[Role.CASEWORKER])
    worker_id = worker.id
    before = db.session.query(Case).count()
    response = client.post("/api/v1/cases", headers=bearer(make_api_token(worker)), json={"type": "youth"})
    assert_problem(response, 403, "forbidden")
    assert db.session.query(Case).count() == before
    assert last_event("case.create", actor_user_id=worker_id).outcome is Outcome.DENIED


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, ["type"]),
        ({"type": "unknown"}, ["type"]),
        ({"type": "youth", "district": "atlantis"}, ["district"]),
        ({"type": "youth", "confidentiality": "topsecret"}, ["confidentiality"]),
        ({"type": 7}, ["type"]),
        ({"type": "youth", "extra": 1}, ["extra"]),
        ({"type": "youth", "district": 10**40}, ["district"]),
        ({"type": "youth", "referring_organisation": "\u0000"}, ["referring_organisation"]),
        ([], ["(body)"]),
        ("youth", ["(body)"]),
    ],
)
def test_invalid_bodies_are_422_with_per_field_errors(client, token, payload, fields):
    make_case_type("youth")
    before = db.session.query(Case).count()
    body = assert_problem(client.post("/api/v1/cases", headers=bearer(token), json=payload), 422, "validation-error")
    assert [e["field"] for e in body["errors"]] == fields
    assert all(e["location"] == "body" for e in body["errors"])
    assert "topsecret" not in str(body) and "atlantis" not in str(body)  # input is never echoed
    assert db.session.query(Case).count() == before


@pytest.mark.parametrize(
    ("data", "content_type", "status", "slug"),
    [
        (b'{"type": "youth"', "application/json", 400, "malformed-json"),
        (b"\xff\xfe not utf-8", "application/json", 400, "malformed-json"),
        (b"", "application/json", 400, "malformed-json"),
        (b"type=youth", "application/x-www-form-urlencoded", 415, "unsupported-media-type"),
        (b'{"type": "youth"}', "text/plain", 415, "unsupported-media-type"),
        (b'{"type": "youth"}', None, 415, "unsupported-media-type"),
        (b"[" * 100_000, "application/json", 400, "malformed-json"),
        (b'{"type": "' + b"y" * 2_000_000 + b'"}', "application/json", 413, None),
    ],
)
def test_unreadable_bodies_are_problems_never_500(client, token, data, content_type, status, slug):
    headers = {**bearer(token), **({"Content-Type": content_type} if content_type else {})}
    assert_problem(client.post("/api/v1/cases", headers=headers, data=data), status, slug)


def test_failed_writes_still_record_the_token_use(client, token):
    token_id = token.token.id
    client.post("/api/v1/cases", headers=bearer(token), json={"type": "unknown"})
    assert audit_events("api.token.use", object_id=str(token_id))[-1].details["endpoint"] == "api.create_case"


def test_last_used_is_written_at_most_once_a_minute(token):
    """Parallel calls with one token must not queue on its row: "last used" is refreshed only when stale."""
    from datetime import timedelta

    from casebook.api import tokens

    row = token.token
    tokens.record_use(row, method="GET", endpoint="api.me")
    used = row.last_used_at
    assert used is not None
    tokens.record_use(row, method="GET", endpoint="api.me", now=used + timedelta(seconds=30))
    assert row.last_used_at == used
    tokens.record_use(row, method="GET", endpoint="api.me", now=used + timedelta(seconds=61))
    assert row.last_used_at == used + timedelta(seconds=61)
