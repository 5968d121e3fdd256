"""The header: the main menu holds the work of the day; the user's own account sits under their name."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from casebook.access import can
from casebook.modules import Navigation, navigation
from tests.factories import login_as, make_user

ACCOUNT_LINKS = ("/account/sessions", "/account/api-tokens", "/account/mfa", "/account/password")


def _main_menu(html: str) -> str:
    return re.search(r'<nav class="cb-nav".*?</nav>', html, re.DOTALL).group(0)


def _account_menu(html: str) -> str:
    return re.search(r'<details class="cb-account".*?</details>', html, re.DOTALL).group(0)


def test_account_items_are_under_the_name_not_in_the_main_menu(client):
    user = make_user()
    user.display_name = "Sanne de Wit"
    login_as(client, user)
    html = client.get("/cases").get_data(as_text=True)
    main, account = _main_menu(html), _account_menu(html)
    for href in ACCOUNT_LINKS:
        assert f'href="{href}"' not in main
        assert f'href="{href}"' in account
    assert 'href="/cases"' in main and 'href="/cases"' not in account
    assert "Sanne de Wit" in re.search(r"<summary.*?</summary>", account, re.DOTALL).group(0)
    assert 'aria-label="Accountmenu"' in account
    assert '<details class="cb-account">' in account  # closed on a page of the work


def test_the_account_menu_is_open_and_marks_the_current_account_page(client):
    login_as(client, make_user())
    account = _account_menu(client.get("/account/sessions").get_data(as_text=True))
    assert account.startswith('<details class="cb-account" open>')
    assert 'href="/account/sessions" aria-current="page"' in account
    assert 'href="/account/api-tokens" aria-current' not in account


def test_an_account_entry_shows_its_badge_in_the_menu_and_on_the_summary(app: Flask, client):
    entry_key = "test.bell"
    nav = navigation(app)
    nav.add(
        "account.sessions_list", "Meldingen voor mij", key=entry_key, area="account", order=1,
        badge=lambda user: 3, badge_hint="ongelezen", active="test.nowhere",
    )  # fmt: skip
    try:
        login_as(client, make_user())
        account = _account_menu(client.get("/cases").get_data(as_text=True))
    finally:
        del nav._entries[entry_key]
    summary = re.search(r"<summary.*?</summary>", account, re.DOTALL).group(0)
    assert '<span class="cb-badge">3<span class="cb-visually-hidden"> ongelezen</span></span>' in summary
    assert re.search(r'Meldingen voor mij <span class="cb-badge">3<span class="cb-visually-hidden"> ongelezen', account)


def test_links_for_keeps_the_areas_apart(app: Flask):
    user = make_user()
    with app.test_request_context("/cases"):
        main = {link.url for link in navigation(app).links_for(user, can, "cases.index")}
        account = {link.url for link in navigation(app).links_for(user, can, "cases.index", area="account")}
    assert set(ACCOUNT_LINKS) <= account and not set(ACCOUNT_LINKS) & main
    assert "/cases" in main


def test_an_unknown_area_is_refused():
    with pytest.raises(ValueError, match="area"):
        Navigation().add("site.index", "Start", area="sidebar")
