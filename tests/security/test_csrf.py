"""CSRF: every state-changing form route outside /api/ refuses a POST without a token (400, in the layout);
no GET changes state."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from casebook.audit.models import AuditEvent
from casebook.auth.models import UserSession
from casebook.db import db
from tests.factories import login_as, make_user


def _example_path(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: "1" if "int" in m.group(0) else "x", rule.rule)


def _state_changing_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"} and not rule.rule.startswith("/api/")
    ]


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_form_route_refuses_a_post_without_a_token(app, client, monkeypatch, logged_in):
    if logged_in:
        login_as(client, make_user(roles=["admin", "supervisor", "coordinator"]))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    rules = _state_changing_rules(app)
    assert len(rules) >= 15
    for rule in rules:
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(_example_path(rule), method=method, data={"username": "x", "password": "y"})
            assert response.status_code == 400, (method, rule.rule, response.status_code)
            html = response.get_data(as_text=True)
            assert 'class="utrecht-page-header' in html and response.headers["X-Request-Id"] in html


def test_a_post_with_the_token_is_accepted(app, client, csrf_on):
    user = make_user()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    from tests.factories import TEST_PASSWORD

    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_no_get_changes_state(app, client):
    """Every GET route, walked as a logged-in user, writes no session end and nothing but read audits."""
    user = make_user(roles=["admin", "supervisor", "coordinator"])
    login_as(client, user)
    sessions_before = db.session.scalar(select(func.count(UserSession.id)))
    events_before = db.session.scalar(select(func.max(AuditEvent.seq)))
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            client.get(_example_path(rule))
    assert db.session.scalar(select(func.count(UserSession.id))) == sessions_before
    writes = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.seq > events_before, AuditEvent.outcome == "allowed")
    ).all()
    assert [a for a in writes if not a.endswith((".view", ".list", ".search", ".export"))] == []
    assert client.get("/cases").status_code == 200
