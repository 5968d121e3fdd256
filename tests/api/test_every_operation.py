"""What every registered operation shares: 401 without a token, 429 over the limit, 403 for a
read-only token on a write, and a place in the OpenAPI document."""

from __future__ import annotations

import re

import pytest

from casebook.auth.models import Role
from tests.api.support import assert_problem
from tests.api.test_schemathesis import OPERATIONS
from tests.factories import bearer, make_api_token, make_org, make_user


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_without_a_token_every_operation_is_401(client, method, path):
    response = client.open(_concrete(path), method=method, json={})
    assert_problem(response, 401, "invalid-token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_is_rate_limited_per_token(client, app, monkeypatch, method, path):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "1 per minute")
    headers = bearer(make_api_token(make_user(org=make_org(), roles=[Role.COORDINATOR])))
    client.get("/api/v1/me", headers=headers)
    response = client.open(_concrete(path), method=method, headers=headers, json={})
    assert_problem(response, 429, "rate-limited")
    assert int(response.headers["Retry-After"]) >= 1


WRITES = [(m, p) for m, p in OPERATIONS if m not in ("GET", "HEAD")]


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_a_read_only_token_gets_403_on_every_write(client, method, path):
    headers = bearer(make_api_token(make_user(org=make_org(), roles=[Role.COORDINATOR]), read_only=True))
    assert_problem(client.open(_concrete(path), method=method, headers=headers, json={}), 403, "read-only-token")


def test_every_operation_is_in_the_openapi_document(client):
    headers = bearer(make_api_token(make_user(org=make_org(), roles=[Role.COORDINATOR])))
    document = client.get("/api/v1/openapi.json", headers=headers).json
    listed = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert listed == set(OPERATIONS)
    assert len(listed) == 91


@pytest.mark.parametrize(("method", "path"), [(m, p) for m, p in OPERATIONS if "{" in p])
@pytest.mark.parametrize("value", ["2147483648", "9223372036854775807", "0"])
def test_ids_beyond_the_integer_columns_are_404_never_a_database_overflow(client, method, path, value):
    """Found by Schemathesis on PostgreSQL: ids are int4 there, so 2**31 overflowed into a 500."""
    headers = bearer(make_api_token(make_user(org=make_org(), roles=[Role.COORDINATOR, Role.SUPERVISOR])))
    response = client.open(re.sub(r"\{[^}]+\}", value, path), method=method, headers=headers, json={})
    assert_problem(response, 404)
