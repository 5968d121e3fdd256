"""Journal routes over HTTP: add, correct, 422 with input kept, escaping, IDOR 404s."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.journal.models import Note
from tests.factories import login_as, make_case, make_note, make_org, make_user
from tests.helpers import last_event


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def case(west):
    return make_case(lead=west, participants=[(make_org("politie"), Involvement.CONTRIBUTOR)])


@pytest.fixture
def worker(client, west):
    user = make_user(org=west)
    login_as(client, user)
    return user


def test_journal_tab_lists_notes_and_audits_the_read(client, case, worker):
    make_note(case, worker, body="Eerste gesprek")
    response = client.get(f"/cases/{case.id}/journal")
    assert response.status_code == 200 and "Eerste gesprek" in response.get_data(as_text=True)
    assert last_event("note.list", actor_user_id=worker.id).outcome is Outcome.ALLOWED
    old = client.get(f"/cases/{case.id}/notes")  # the journal's old address
    assert old.status_code == 301 and old.headers["Location"] == f"/cases/{case.id}/journal"


def test_the_note_form_opens_on_demand(client, case, worker):
    html = client.get(f"/cases/{case.id}/journal").get_data(as_text=True)
    assert f"/cases/{case.id}/journal?form=note" in html and 'name="body"' not in html
    html = client.get(f"/cases/{case.id}/journal?form=note").get_data(as_text=True)
    assert 'name="body"' in html and f'action="/cases/{case.id}/notes"' in html


def test_adding_a_note_redirects_to_the_journal_at_the_note_with_a_confirmation(client, case, worker):
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Huisbezoek", "visibility": "internal"})
    assert response.status_code == 303
    note = db.session.query(Note).filter_by(case_id=case.id).one()
    assert response.headers["Location"] == f"/cases/{case.id}/journal#note-{note.id}"
    assert note.visibility.value == "internal"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Notitie toegevoegd." in html and 'role="status"' in html and "Huisbezoek" in html


def test_invalid_note_rerenders_with_422_and_the_input_kept(client, case, worker):
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Mijn zorgvuldige tekst", "visibility": "iedereen"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mijn zorgvuldige tekst" in html and "Controleer de invoer" in html
    assert db.session.query(Note).filter_by(case_id=case.id).count() == 0


def test_note_text_comes_back_escaped_with_line_breaks(client, case, worker):
    body = "<script>alert('x')</script>\nregel 2"
    client.post(f"/cases/{case.id}/notes", data={"body": body, "visibility": "shared"})
    html = client.get(f"/cases/{case.id}/journal").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\nregel 2" in html
    assert 'class="cb-note__body"' in html


def test_correction_flow(client, case, worker):
    original = make_note(case, worker, body="Verkeerd")
    form = client.get(f"/cases/{case.id}/notes/{original.id}/correction")
    assert form.status_code == 200 and "Verkeerd" in form.get_data(as_text=True)
    empty = client.post(f"/cases/{case.id}/notes/{original.id}/correction", data={"body": ""})
    assert empty.status_code == 422
    done = client.post(f"/cases/{case.id}/notes/{original.id}/correction", data={"body": "Goed"})
    assert done.status_code == 303
    html = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Correctie toegevoegd." in html and "gecorrigeerd" in html and "Correctie op" in html
    again = client.post(f"/cases/{case.id}/notes/{original.id}/correction", data={"body": "Nog eens"})
    assert again.status_code == 422 and "Nog eens" in again.get_data(as_text=True)


def test_out_of_scope_case_and_foreign_note_ids_are_404_and_audited(client, west, case, worker):
    other = make_case(lead=make_org("elders"))
    foreign_note = make_note(other, make_user(org=other.lead_organisation))
    assert client.get(f"/cases/{other.id}/journal").status_code == 404
    assert client.post(f"/cases/{other.id}/notes", data={"body": "x", "visibility": "shared"}).status_code == 404
    assert last_event("note.add", actor_user_id=worker.id).outcome is Outcome.DENIED
    response = client.get(f"/cases/{case.id}/notes/{foreign_note.id}/correction")
    assert response.status_code == 404
    assert last_event("note.view", actor_user_id=worker.id).outcome is Outcome.DENIED


def test_supervisors_cannot_open_the_journal(client, case, west):
    supervisor = make_user(org=west, roles=[Role.SUPERVISOR])
    login_as(client, supervisor)
    assert client.get(f"/cases/{case.id}/journal").status_code == 404
    assert last_event("note.list", actor_user_id=supervisor.id).outcome is Outcome.DENIED
    assert f"/cases/{case.id}/journal" not in client.get(f"/cases/{case.id}").get_data(as_text=True)  # no tab
