"""Security headers on every route, cookie flags, HSTS in production, error pages, no inline code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook import create_app
from casebook.security import CONTENT_SECURITY_POLICY
from tests.conftest import TEST_SETTINGS
from tests.factories import login_as, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _example_path(rule) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: "1" if "int" in m.group(0) else "x", rule.rule)


def _assert_security_headers(response, where) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
    ):
        assert directive in csp, (where, directive)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert headers.get("X-Frame-Options") == "DENY", where


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_route_and_method_answers_with_the_security_headers(app, client, logged_in):
    if logged_in:
        login_as(client, make_user(roles=["admin", "supervisor", "coordinator"]))
    checked = 0
    for rule in app.url_map.iter_rules():
        path = _example_path(rule) if rule.endpoint != "static" else "/static/casebook.css"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if logged_in and rule.endpoint in ("auth.logout", "account.end_session", "account.end_other_sessions"):
                continue  # would end the session the walk runs in
            response = client.open(path, method=method)
            _assert_security_headers(response, (method, path, response.status_code))
            if rule.endpoint == "static":
                assert response.headers.get("Cache-Control") != "no-store"
            else:
                assert response.headers["Cache-Control"] == "no-store", (method, path)
            assert "Strict-Transport-Security" not in response.headers  # development: plain HTTP
            checked += 1
    assert checked > 25


@pytest.fixture
def production_app(database_url, tmp_path):
    settings = {
        **TEST_SETTINGS,
        "ENV": "production",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
    }
    return create_app(settings)


def test_production_cookie_is_host_prefixed_secure_httponly_lax(production_app):
    client = production_app.test_client()
    response = client.get("/login", base_url="https://casebook.example")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("__Host-casebook="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes
    assert "domain" not in attributes and "expires" not in attributes and "max-age" not in attributes
    assert "SameSite=Lax" in cookie and "Path=/" in cookie


def test_production_sends_hsts_for_a_year(production_app):
    response = production_app.test_client().get("/login", base_url="https://casebook.example")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    _assert_security_headers(response, "production /login")


def test_csp_is_the_documented_one(client):
    assert client.get("/login").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_templates_carry_no_inline_script_style_or_event_handlers():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", text, re.IGNORECASE):
            offenders.append(template.name)
    assert offenders == []


def test_an_unexpected_error_is_a_page_in_the_layout_with_a_request_id_and_no_details(app, client, monkeypatch):
    login_as(client, make_user())

    def explode(*args, **kwargs):
        raise RuntimeError("SELECT bsn FROM person WHERE bsn = '999990019' -- secret key sk_live_123")

    monkeypatch.setitem(app.view_functions, "cases.index", explode)
    response = client.get("/cases")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'class="utrecht-page-header' in html and response.headers["X-Request-Id"] in html
    for leak in ("Traceback", "SELECT", "999990019", "sk_live", "RuntimeError"):
        assert leak not in html
