"""The favicon: linked from every page, and answering at /favicon.ico without login."""

from __future__ import annotations

from tests.factories import login_as, make_user


def test_favicon_ico_answers_without_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_links_the_icons_and_the_svg_is_served(client):
    login_page = client.get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in login_page
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in login_page
    login_as(client, make_user())
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/cases").get_data(as_text=True)
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
