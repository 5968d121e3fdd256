"""The bell, the notifications page, marking read, and the preferences form."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.db import db
from casebook.handoffs import services as handoffs
from casebook.notifications import reminders
from casebook.notifications import services as notices
from casebook.notifications.models import Channel, Notification
from tests.factories import login_as, make_action, make_case, make_org, make_user
from tests.helpers import audit_events, last_event


def _overdue(case, by, owner, today):
    make_action(case, by, due_on=today - timedelta(days=1), owner_user=owner)
    reminders.create_due(today)
    return db.session.scalars(select(Notification).where(Notification.recipient_id == owner.id)).all()


def test_the_bell_counts_unread_and_the_page_lists_them_with_a_link(client, case, zvh_coord, zvh_worker, today):
    _overdue(case, zvh_coord, zvh_worker, today)
    login_as(client, zvh_worker)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/notifications">Notificaties <span class="cb-badge">1<', html)
    response = client.get("/notifications")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Een actie is over de datum" in page and case.reference in page
    assert f'href="/cases/{case.id}/plan#action-' in page
    event = last_event("notification.list", actor_user_id=zvh_worker.id)
    assert event.details["shown"] == 1 and event.outcome is Outcome.ALLOWED


def test_a_notification_about_a_case_out_of_scope_shows_nothing_of_it(client, zvh_coord, zvh_worker, today):
    hidden = make_case(lead=make_org("elders-view"))
    notices.create([notices.Notice(zvh_worker.id, "evaluation", "overdue", "x:1", hidden.id, "case", hidden.id)])
    login_as(client, zvh_worker)
    page = client.get("/notifications").get_data(as_text=True)
    assert hidden.reference not in page and f"/cases/{hidden.id}" not in page
    assert "Een notificatie over iets dat u niet (meer) kunt inzien" in page
    assert "Een evaluatie is verstreken" not in page


def test_mark_one_and_all_read(client, case, zvh_coord, zvh_worker, today):
    [note] = _overdue(case, zvh_coord, zvh_worker, today)
    case.next_evaluation_on = today
    reminders.create_due(today)
    login_as(client, zvh_worker)
    assert client.post(f"/notifications/{note.id}/read").status_code == 302
    assert notices.unread_count(zvh_worker) == 1
    assert client.post("/notifications/read").status_code == 302
    assert notices.unread_count(zvh_worker) == 0


def test_someone_elses_notification_is_a_404_and_audited(client, case, zvh_coord, zvh_worker, today):
    [note] = _overdue(case, zvh_coord, zvh_worker, today)
    login_as(client, zvh_coord)
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    denied = audit_events("notification.read", actor_user_id=zvh_coord.id)
    assert [e.outcome for e in denied] == [Outcome.DENIED, Outcome.DENIED]
    assert notices.unread_count(zvh_worker) == 1


def test_handoff_notices_are_in_the_same_table_and_page(client, case, west, zvh_coord, west_coord, make_input):
    transfer = handoffs.send(case, make_input(west), by=zvh_coord)
    handoffs.reject(transfer, by=west_coord, reason="Geen capaciteit.")
    assert notices.unread_count(zvh_coord) == 1
    login_as(client, zvh_coord)
    assert "Uw overdracht is afgewezen" in client.get("/notifications").get_data(as_text=True)
    assert "Uw overdracht is afgewezen" in client.get("/handoffs").get_data(as_text=True)


def test_preferences_keep_the_input_on_a_bad_address(client, zvh_worker):
    login_as(client, zvh_worker)
    assert client.get("/account/notifications").status_code == 200
    response = client.post(
        "/account/notifications", data={"email": "jan@@gemeente", "kind_action": "email", "kind_agenda": "off"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="jan@@gemeente"' in page and "Vul een geldig e-mailadres in" in page
    assert re.search(r'<option selected value="off">|<option value="off" selected>', page)
    assert zvh_worker.email is None


def test_mail_without_an_address_is_refused(client, zvh_worker):
    login_as(client, zvh_worker)
    response = client.post("/account/notifications", data={"email": "", "kind_action": "email"})
    assert response.status_code == 422
    assert "Vul een e-mailadres in om notificaties per e-mail te ontvangen" in response.get_data(as_text=True)


def test_preferences_are_saved_and_audited_without_the_address(client, zvh_worker):
    login_as(client, zvh_worker)
    data = {"email": " j.jansen@gemeente.example ", "kind_action": "email", "kind_handoff": "off"}
    response = client.post("/account/notifications", data=data)
    assert response.status_code == 302, response.headers
    saved = db.session.get(User, zvh_worker.id, populate_existing=True)
    assert saved.email == "j.jansen@gemeente.example"
    prefs = notices.preferences_of(saved)
    assert prefs["action"] is Channel.EMAIL and prefs["handoff"] is Channel.OFF and prefs["agenda"] is Channel.APP
    event = last_event("notification.preferences.update")
    assert "gemeente" not in str(event.details) and event.details["email_kinds"] == ["action"]
    page = client.get("/account/notifications").get_data(as_text=True)
    assert 'value="j.jansen@gemeente.example"' in page


def test_a_post_without_the_csrf_token_changes_nothing(app, client, case, zvh_coord, zvh_worker, today, monkeypatch):
    _overdue(case, zvh_coord, zvh_worker, today)
    login_as(client, zvh_worker)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/notifications/read").status_code == 400
    assert client.post("/account/notifications", data={"email": "a@b.example"}).status_code == 400
    assert notices.unread_count(zvh_worker) == 1 and zvh_worker.email is None


def test_the_account_entry_links_the_preferences(client):
    login_as(client, make_user())
    assert 'href="/account/notifications"' in client.get("/").get_data(as_text=True)
