"""Tests that notice faults planted in the trust core, which the rest of the suite let through.

Each test here was written against a deliberately broken copy of the code and failed on it:

- the audit chain must cover an event's ``details`` (a changed ``details`` column breaks ``verify``);
- a field ciphertext is bound to its own row, not only to its owner: two notes of one case share a
  data key, so only the row reference in the associated data stops a swapped ciphertext;
- a change that names no case version is refused (optimistic locking has no "don't care" value).

The audit test goes through the ``casebook audit verify`` command only (record, tamper with SQL,
verify), so it holds whatever the chain's hash or MAC becomes.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import select, text, update

from casebook import audit
from casebook.audit import Outcome
from casebook.audit.models import AuditEvent
from casebook.cases import editing, lifecycle
from casebook.cases.errors import StaleCase
from casebook.cases.models import Case, CaseClosureStep, CaseStatusChange
from casebook.cli import cli
from casebook.crypto.store import UnreadableText
from casebook.db import db
from casebook.journal.models import Note
from casebook.people.models import Person
from tests.factories import login_as, make_case, make_note, make_org, make_person, make_results, make_user, status_of
from tests.helpers import audit_events

# -- (a) the chain covers details ----------------------------------------------------------------


@contextmanager
def _append_only_triggers_off():
    """PostgreSQL refuses UPDATE on audit_event; a superuser (the attacker here) can switch that off."""
    postgres = db.dialect == "postgresql"
    if postgres:
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    try:
        yield
    finally:
        if postgres:
            db.session.execute(text("SET LOCAL session_replication_role = origin"))
        db.session.expire_all()


def _set_details(event_id: int, details: dict) -> None:
    with _append_only_triggers_off():
        table = AuditEvent.__table__
        db.session.execute(update(table).where(table.c.id == event_id).values(details=details))


def _verify(app):
    return app.test_cli_runner().invoke(cli, ["audit", "verify"])


@pytest.fixture
def recorded(app):
    user = make_user()
    events = [audit.record(user, "case.list", details={"page": i}) for i in range(3)]
    db.session.commit()  # chains them
    ids = [(e.id, e.seq) for e in events]
    ok = _verify(app)
    assert ok.exit_code == 0, ok.output
    return ids


@pytest.mark.parametrize(
    "forged",
    [{"page": 99}, {"page": 1, "filter": "geheim"}, {}],
    ids=["value changed", "key added", "emptied"],
)
def test_changed_details_break_the_audit_chain(app, recorded, forged):
    event_id, seq = recorded[1]
    _set_details(event_id, forged)
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.id == event_id)) == forged
    result = _verify(app)
    assert result.exit_code == 1, result.output
    assert str(seq) in result.output


# -- (b) a ciphertext is bound to its row ---------------------------------------------------------


def _raw(table: str, column: str, row_id: int) -> bytes:
    return bytes(db.session.execute(text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}).scalar())


def _swap(table: str, column: str, a: int, b: int) -> None:
    blob_a, blob_b = _raw(table, column, a), _raw(table, column, b)
    for row_id, blob in ((a, blob_b), (b, blob_a)):
        db.session.execute(text(f"UPDATE {table} SET {column} = :blob WHERE id = :id"), {"blob": blob, "id": row_id})
    db.session.commit()
    db.session.expunge_all()


def _assert_unreadable(value: object) -> None:
    assert isinstance(value, UnreadableText) and value.reason == "integrity", value


def test_note_bodies_swapped_between_two_notes_of_one_case_fail_integrity():
    west = make_org("wijkteam-west")
    case = make_case(lead=west)
    author = make_user(org=west)
    first = make_note(case, author, body="Eerste gesprek met moeder.")
    second = make_note(case, author, body="Tweede gesprek, over schulden.")
    first_id, second_id = first.id, second.id
    _swap("note", "body", first_id, second_id)

    for note_id in (first_id, second_id):
        _assert_unreadable(db.session.get(Note, note_id).body)
    failures = audit_events("crypto.integrity_failure")
    assert {(e.object_type, e.object_id, e.outcome) for e in failures} >= {
        ("note", str(first_id), Outcome.ERROR),
        ("note", str(second_id), Outcome.ERROR),
    }
    assert all(e.details == {"field": "body"} for e in failures)


def test_a_note_body_copied_onto_another_note_of_the_case_fails_integrity():
    west = make_org("wijkteam-west")
    case = make_case(lead=west)
    author = make_user(org=west)
    source, target = make_note(case, author, body="Vertrouwelijk."), make_note(case, author, body="Gewoon.")
    source_id, target_id = source.id, target.id
    db.session.execute(
        text("UPDATE note SET body = :blob WHERE id = :id"), {"blob": _raw("note", "body", source_id), "id": target_id}
    )
    db.session.commit()
    db.session.expunge_all()
    assert db.session.get(Note, source_id).body == "Vertrouwelijk."
    _assert_unreadable(db.session.get(Note, target_id).body)


def test_person_fields_swapped_between_two_persons_fail_integrity():
    a = make_person("Jansen", bsn="123456782")
    b = make_person("de Vries", bsn="111222333")
    a_id, b_id = a.id, b.id
    _swap("person", "bsn", a_id, b_id)
    for person_id in (a_id, b_id):
        _assert_unreadable(db.session.get(Person, person_id).bsn)


def test_person_fields_swapped_between_two_columns_of_one_person_fail_integrity():
    person = make_person("Jansen", given_names="Noor")
    person_id = person.id
    plain = (
        _raw("person", "family_name", person_id),
        _raw("person", "given_names", person_id),
    )
    db.session.execute(
        text("UPDATE person SET family_name = :g, given_names = :f WHERE id = :id"),
        {"g": plain[1], "f": plain[0], "id": person_id},
    )
    db.session.commit()
    db.session.expunge_all()
    again = db.session.get(Person, person_id)
    _assert_unreadable(again.family_name)
    _assert_unreadable(again.given_names)


# -- (c) a change must name the version it changes --------------------------------------------------


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def case(zvh):
    case = make_case(lead=zvh)
    make_results(case.case_type)
    return case


def _writes(case: Case) -> tuple[int, int, int, int]:
    """What a refused change must leave as it was: version, history, closure steps, audit events."""
    db.session.expire_all()
    return (
        db.session.get(Case, case.id).version,
        len(db.session.scalars(select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)).all()),
        len(db.session.scalars(select(CaseClosureStep).where(CaseClosureStep.case_id == case.id)).all()),
        len(db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)).all()),
    )


def test_check_version_refuses_a_change_that_names_no_version(case):
    with pytest.raises(StaleCase) as caught:
        lifecycle.check_version(case, None)
    assert caught.value.current_version == case.version
    lifecycle.check_version(case, case.version)  # the one accepted value
    for wrong in (case.version - 1, case.version + 1, 0):
        with pytest.raises(StaleCase):
            lifecycle.check_version(case, wrong)


def test_transition_without_a_version_writes_nothing(case, coordinator):
    before = _writes(case)
    with pytest.raises(StaleCase):
        lifecycle.transition(
            case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=None
        )
    assert _writes(case) == before


def test_closure_proposal_without_a_version_writes_nothing(case, coordinator):
    before = _writes(case)
    result = lifecycle.results_for(case)[0]
    with pytest.raises(StaleCase):
        lifecycle.propose_closure(case, result.id, "Afgerond.", by=coordinator, expected_version=None)
    assert _writes(case) == before


def test_case_edit_without_a_version_writes_nothing(case, coordinator):
    before = _writes(case)
    edit = editing.CaseEdit(
        district_id=case.district_id,
        confidentiality=case.confidentiality,
        next_evaluation_on=None if case.next_evaluation_on else case.opened_at.date().replace(year=2099),
        process_coordinator_id=case.process_coordinator_id,
    )
    with pytest.raises(StaleCase):
        editing.update_case(case, edit, by=coordinator, expected_version=None)
    assert _writes(case) == before


def test_case_form_without_a_version_is_refused_and_writes_nothing(client, case, coordinator):
    login_as(client, coordinator)
    before = _writes(case)
    target = status_of(case, "plan_van_aanpak").id
    response = client.post(f"/cases/{case.id}/status", data={"to_status": target, "reason": ""})
    assert response.status_code in (409, 422)
    assert _writes(case)[:3] == before[:3]
