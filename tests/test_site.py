"""Error pages and the layout (health checks: tests/ops)."""

from __future__ import annotations

import re

from tests.factories import login_as, make_user


def test_unknown_page_is_404_in_the_layout(client):
    user = make_user()
    login_as(client, user)
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Niet gevonden" in html
    assert 'class="utrecht-page-header' in html
    assert response.headers["X-Request-Id"] in html


def test_layout_shows_user_organisation_and_role(client):
    user = make_user(roles=["coordinator"])
    login_as(client, user)
    html = client.get("/cases").get_data(as_text=True)
    assert user.display_name in html
    assert user.organisation.name in html
    assert "procesregisseur" in html
    assert "/static/vendor/utrecht/component-library.css" in html
    # every stylesheet and script is served from here (vendored), never from another host
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_language_choice_switches_the_interface_to_english(client):
    login_as(client, make_user())
    client.post("/language", data={"locale": "en", "next": "/cases"})
    html = client.get("/cases").get_data(as_text=True)
    assert '<html lang="en"' in html


def test_an_id_too_large_for_the_database_is_a_plain_404(client):
    login_as(client, make_user())
    for path in ("/cases/123926824100582866944123", "/cases/2147483648", "/cases/0"):
        assert client.get(path).status_code == 404, path
