"""Language choice (remembered for the user) and Dutch date formats in Amsterdam time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template_string
from flask_babel import force_locale

from casebook.auth.models import User
from casebook.db import db
from tests.factories import login_as, make_user
from tests.helpers import audit_events, last_event


def test_datetime_is_shown_in_amsterdam_time_in_dutch(app):
    with app.test_request_context():
        winter = render_template_string("{{ value|datetime }}", value=datetime(2026, 11, 28, 13, 5, tzinfo=UTC))
        summer = render_template_string("{{ value|datetime }}", value=datetime(2026, 7, 1, 12, 5, tzinfo=UTC))
        day = render_template_string("{{ value|date }}", value=date(2026, 3, 2))
    assert winter == "28 november 2026 14:05"  # CET, UTC+1
    assert summer == "1 juli 2026 14:05"  # CEST, UTC+2
    assert day == "2 maart 2026"


def test_a_late_evening_utc_moment_is_shown_on_its_amsterdam_day(app):
    with app.test_request_context():
        shown = render_template_string("{{ value|date }}", value=datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert shown == "1 januari 2027"


def test_dates_in_english_use_english_month_names(app):
    with app.test_request_context(), force_locale("en"):
        shown = render_template_string("{{ value|datetime }}", value=datetime(2026, 11, 28, 13, 5, tzinfo=UTC))
        day = render_template_string("{{ value|date }}", value=date(2026, 12, 3))
    assert shown == "November 28, 2026 14:05"
    assert day == "December 3, 2026"


def test_interface_is_dutch_by_default(client):
    login_as(client, make_user())
    html = client.get("/cases").get_data(as_text=True)
    assert '<html lang="nl"' in html
    assert '<h1 class="utrecht-heading-1">Casussen</h1>' in html


def test_language_choice_is_stored_on_the_user_and_audited(client):
    user = make_user()
    login_as(client, user)

    response = client.post("/language", data={"locale": "en", "next": "/cases"})

    assert response.status_code == 302
    assert db.session.get(User, user.id).locale == "en"
    event = last_event("account.locale")
    assert event.details == {"locale": "en"}
    html = client.get("/cases").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert '<h1 class="utrecht-heading-1">Cases</h1>' in html
    assert "Log out" in html


def test_stored_language_applies_in_a_new_session(app):
    user = make_user()
    user.locale = "en"
    db.session.flush()
    fresh_client = app.test_client()
    login_as(fresh_client, user)
    html = fresh_client.get("/cases").get_data(as_text=True)
    assert '<html lang="en"' in html


def test_unknown_language_changes_nothing(client):
    user = make_user()
    login_as(client, user)
    client.post("/language", data={"locale": "fr", "next": "/cases"})
    assert db.session.get(User, user.id).locale is None
    assert audit_events("account.locale") == []
    assert '<html lang="nl"' in client.get("/cases").get_data(as_text=True)


def test_choosing_the_same_language_again_is_not_audited_twice(client):
    user = make_user()
    login_as(client, user)
    client.post("/language", data={"locale": "en", "next": "/cases"})
    client.post("/language", data={"locale": "en", "next": "/cases"})
    assert len(audit_events("account.locale")) == 1


def test_language_form_offers_each_language_in_its_own_language(client):
    login_as(client, make_user())
    html = client.get("/cases").get_data(as_text=True)
    assert '<option value="nl" lang="nl" selected>Nederlands</option>' in html
    assert '<option value="en" lang="en">English</option>' in html
