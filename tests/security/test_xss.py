"""XSS: whatever shape a text field takes, it comes back escaped (property-based, many payload shapes)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from casebook.admin.services import LINK, create_account
from casebook.db import db
from tests.factories import login_as, make_org, make_user

_counter = itertools.count()

CLASSIC = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }}{% raw %}",
    "<a href='//evil'>x</a>",
    "&lt;script&gt;",
    "\u202e<b>rtl</b>",
]
PAYLOADS = st.one_of(
    st.sampled_from(CLASSIC),
    st.text(alphabet=st.sampled_from(list("<>\"'&/=`() ;:abcXYZ{}%!\\")), min_size=1, max_size=40),
    st.builds(
        lambda tag, attr, body: f'<{tag} {attr}="{body}">{body}</{tag}>',
        st.sampled_from(["script", "img", "svg", "iframe", "a", "div"]),
        st.sampled_from(["onerror", "onload", "href", "src", "style"]),
        # any text but NUL, which PostgreSQL refuses in a text column (it is no markup either), and
        # lone surrogates, which are no text: UTF-8 cannot encode them, so no request carries one
        st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=0, max_size=15),
    ),
)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _marked(payload: str) -> str:
    """The payload between markers, so it can be found in a page full of markup."""
    return f"QZX{payload}XZQ"


def _assert_escaped(html: str, marked: str) -> None:
    assert str(escape(marked)) in html
    if any(ch in marked for ch in "<>\"'&"):
        assert marked not in html


@settings(SETTINGS, max_examples=25)
@given(payload=PAYLOADS.filter(lambda p: len(p) <= 110))
def test_display_name_is_escaped_on_every_page_that_shows_it(app, client, payload):
    client, payload = app.test_client(), _marked(payload)
    org = make_org()
    admin = make_user(roles=["admin"], org=org)
    supervisor = make_user(roles=["supervisor"], org=org)
    account = create_account(
        admin,
        username=f"xss{next(_counter)}",
        display_name=payload,
        organisation=org,
        roles=["caseworker"],
        method=LINK,
    )
    db.session.commit()
    login_as(client, admin)
    _assert_escaped(client.get("/admin/users").get_data(as_text=True), payload)
    _assert_escaped(client.get(f"/admin/users/{account.user.id}").get_data(as_text=True), payload)
    client.post("/logout")
    login_as(client, supervisor)
    _assert_escaped(client.get("/admin/access-review").get_data(as_text=True), payload)
    client.post("/logout")


@SETTINGS
@given(payload=PAYLOADS.filter(lambda p: len(p) <= 110))
def test_own_display_name_in_the_header_is_escaped(app, client, payload):
    client, payload = app.test_client(), _marked(payload)
    user = make_user()
    user.display_name = payload
    db.session.commit()
    login_as(client, user)
    _assert_escaped(client.get("/account/sessions").get_data(as_text=True), payload)
    client.post("/logout")


@SETTINGS
@given(payload=PAYLOADS.filter(lambda p: p.isprintable() and p.isascii() and len(p) <= 120))
def test_a_hostile_user_agent_on_my_sessions_is_escaped(app, client, payload):
    client, payload = app.test_client(), _marked(payload)
    user = make_user()
    client.post(
        "/login",
        data={"username": user.username, "password": "correct horse battery staple"},
        headers={"User-Agent": payload},
    )
    _assert_escaped(client.get("/account/sessions").get_data(as_text=True), payload)
    client.post("/logout")


@SETTINGS
@given(payload=PAYLOADS.filter(lambda p: len(p) <= 70))
def test_rejected_usernames_and_names_are_escaped_when_the_form_comes_back(app, client, payload):
    client, payload = app.test_client(), _marked(payload)
    admin = make_user(roles=["admin"])
    login_as(client, admin)
    response = client.post(
        "/admin/users/new",
        data={"username": payload, "display_name": payload, "organisation": "0", "roles": [], "method": "link"},
    )
    assert response.status_code == 422
    _assert_escaped(response.get_data(as_text=True), payload)
    client.post("/logout")


@SETTINGS
@given(payload=PAYLOADS.filter(lambda p: len(p) <= 70))
def test_the_login_form_escapes_the_username_it_gives_back(app, client, payload):
    client, payload = app.test_client(), _marked(payload)
    response = client.post("/login", data={"username": payload, "password": ""})
    assert response.status_code == 422
    _assert_escaped(response.get_data(as_text=True), payload)
