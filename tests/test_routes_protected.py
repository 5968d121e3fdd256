"""Closed by default: every route needs a login unless it is on the short public allow-list."""

from __future__ import annotations

import re

from casebook.web import is_public_endpoint

# The second login step and activation links are public to Flask-Login (no full session yet); each
# checks its own pending session or one-time token (tests/auth/test_mfa.py, tests/admin/test_admin_views.py).
PUBLIC_ALLOW_LIST = {
    "static",
    "auth.login",
    "ops.healthz",
    "ops.readyz",
    "ops.metrics_view",
    "site.favicon",
    "site.set_language",
    "auth.mfa_verify",
    "auth.mfa_setup",
    "auth.mfa_setup_start",
    "auth.mfa_setup_confirm",
    "auth.activate_account",
}


def _example_path(rule) -> str:
    numeric = ("<int", "<id:")  # <id:…> is the API's BIGINT-bounded integer converter
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: "1" if m.group(0).startswith(numeric) else "x", rule.rule)


def test_public_endpoints_are_exactly_the_allow_list(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(app, rule.endpoint)}
    assert public == PUBLIC_ALLOW_LIST


def test_every_other_route_sends_an_anonymous_visitor_to_login(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ALLOW_LIST:
            continue
        path = _example_path(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path)
            else:
                assert response.status_code == 302, (method, path, response.status_code)
                assert response.headers["Location"].startswith("/login"), (method, path)
            checked += 1
    assert checked >= 4
