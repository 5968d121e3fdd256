"""Journal rules: visibility, append-only, corrections, supervisors never read bodies; every rule audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.journal import services as journal
from casebook.journal.models import AppendOnlyError, Note, NoteVisibility
from tests.factories import make_case, make_note, make_org, make_user
from tests.helpers import last_event


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def police():
    return make_org("politie")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


def test_note_body_is_stored_encrypted_and_the_addition_audited(case, west):
    author = make_user(org=west)
    note = make_note(case, author, body="Moeder gesproken over schulden.")
    raw = db.session.execute(select(Note.__table__.c.body).where(Note.id == note.id)).scalar_one()
    assert b"schulden" not in raw
    db.session.expire_all()
    assert db.session.get(Note, note.id).body == "Moeder gesproken over schulden."
    event = last_event("note.add")
    assert (event.actor_user_id, event.object_type, event.object_id, event.case_id) == (
        author.id,
        "note",
        str(note.id),
        case.id,
    )
    assert event.details == {"visibility": "shared"}


def test_shared_notes_reach_all_participants_internal_only_the_authors_organisation(case, west, police):
    author = make_user(org=west)
    shared = make_note(case, author, body="gedeeld", visibility="shared")
    internal = make_note(case, author, body="intern", visibility="internal")
    colleague, partner = make_user(org=west), make_user(org=police)
    assert {n.id for n in journal.notes_for(colleague, case)} == {shared.id, internal.id}
    assert [n.id for n in journal.notes_for(partner, case)] == [shared.id]
    event = last_event("note.list", actor_user_id=partner.id)
    assert event.case_id == case.id and event.details == {"count": 1, "via": "journal"}


def test_supervisors_never_read_note_bodies_and_the_attempt_is_audited(case, west):
    make_note(case, make_user(org=west))
    supervisor = make_user(org=west, roles=[Role.SUPERVISOR])
    with pytest.raises(AccessDenied):
        journal.notes_for(supervisor, case)
    assert last_event("note.list", actor_user_id=supervisor.id).outcome is Outcome.DENIED


def test_observers_cannot_write_notes(west):
    observer_org = make_org("woningcorporatie")
    case = make_case(lead=west, participants=[(observer_org, Involvement.OBSERVER)])
    observer = make_user(org=observer_org)
    with pytest.raises(AccessDenied):
        journal.add_note(case, by=observer, body="tekst", visibility=NoteVisibility.SHARED)
    assert last_event("note.add", actor_user_id=observer.id).outcome is Outcome.DENIED
    assert db.session.scalar(select(Note.id).where(Note.case_id == case.id)) is None


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * (journal.MAX_BODY_LENGTH + 1)])
def test_empty_or_oversized_notes_are_refused(case, west, body):
    with pytest.raises(journal.NoteRefused):
        journal.add_note(case, by=make_user(org=west), body=body, visibility="shared")


def test_line_breaks_are_kept_and_normalised(case, west):
    note = make_note(case, make_user(org=west), body="regel 1\r\nregel 2\r\n")
    assert note.body == "regel 1\nregel 2"


def test_correction_is_a_new_linked_note_with_the_same_visibility(case, west):
    author = make_user(org=west)
    original = make_note(case, author, body="Verkeerde datum", visibility="internal")
    correction = journal.correct_note(original, by=make_user(org=west), body="Juiste datum: 3 maart")
    assert correction.corrects is original and original.is_corrected
    assert correction.visibility is NoteVisibility.INTERNAL
    db.session.expire_all()
    assert db.session.get(Note, original.id).body == "Verkeerde datum"  # the original is kept as it was
    event = last_event("note.correct")
    assert event.object_id == str(correction.id)
    assert event.details == {"corrects": original.id, "visibility": "internal"}


def test_only_the_authors_organisation_corrects_and_only_once(case, west, police):
    original = make_note(case, make_user(org=west))
    with pytest.raises(journal.NoteRefused):
        journal.correct_note(original, by=make_user(org=police), body="niet van ons")
    journal.correct_note(original, by=make_user(org=west), body="correctie")
    with pytest.raises(journal.NoteRefused):
        journal.correct_note(original, by=make_user(org=west), body="nog een")


def test_notes_are_append_only(case, west):
    note = make_note(case, make_user(org=west), body="origineel")
    note.body = "gewijzigd"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_load_note_refuses_other_cases_and_other_organisations_internal_notes(case, west, police):
    author = make_user(org=west)
    internal = make_note(case, author, visibility="internal")
    other_case = make_case(lead=west)
    partner = make_user(org=police)
    with pytest.raises(AccessDenied):
        journal.load_note(partner, case, internal.id)
    assert last_event("note.view", actor_user_id=partner.id).outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        journal.load_note(author, other_case, internal.id)
    assert journal.load_note(author, case, internal.id) is internal
    assert last_event("note.view", actor_user_id=author.id).outcome is Outcome.ALLOWED
