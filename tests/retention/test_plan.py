"""Drawing up a destruction list: what is due on a date, with its documents and the persons it leaves behind."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casebook.audit.models import AuditEvent
from casebook.db import db
from casebook.retention import plan
from casebook.retention.models import ItemKind, ItemStatus, ListStatus
from casebook.signals.models import TriageDecision
from tests.documents.support import upload
from tests.factories import make_case, make_person, make_user
from tests.retention.support import AS_OF, close, closed_case, participant, triaged_signal


def _items(listing):
    return {(item.kind, item.object_id): item for item in listing.items}


def test_a_closed_case_past_its_archive_date_is_listed_with_its_documents_and_its_only_person():
    person = make_person("Bakker")
    case = make_case(subjects=[person])
    document = upload(case, participant(case), title="Rapportage Bakker")
    close(case, AS_OF - timedelta(days=1))
    listing = plan.draw_up(AS_OF)
    items = _items(listing)
    assert listing.status is ListStatus.AWAITING_APPROVAL
    case_item = items[(ItemKind.CASE, case.id)]
    assert (case_item.reference, case_item.type_code, case_item.due_on) == (
        case.reference,
        "youth",
        AS_OF - timedelta(1),
    )
    assert case_item.closed_on == case.closed_at.date()
    assert case_item.rule == "case_type:youth P5Y"
    assert items[(ItemKind.DOCUMENT, document.id)].parent_item is case_item
    assert items[(ItemKind.PERSON, person.id)].parent_item is case_item
    # no content on the list: references, codes and dates only
    listed = " ".join(f"{i.reference} {i.type_code} {i.rule}" for i in listing.items)
    assert "Bakker" not in listed and "Rapportage" not in listed


def test_what_is_not_due_is_not_listed():
    open_case = make_case()
    future = closed_case(archive_on=AS_OF + timedelta(days=1))
    due = closed_case(archive_on=AS_OF)
    listing = plan.draw_up(AS_OF)
    ids = {item.object_id for item in listing.items if item.kind is ItemKind.CASE}
    assert due.id in ids and future.id not in ids and open_case.id not in ids


def test_a_person_in_another_case_that_stays_is_not_listed():
    shared, alone = make_person("Smit"), make_person("Visser")
    closed_case(subjects=[shared, alone])
    make_case(subjects=[shared])
    listing = plan.draw_up(AS_OF)
    persons = {item.object_id for item in listing.items if item.kind is ItemKind.PERSON}
    assert alone.id in persons and shared.id not in persons


def test_signals_without_a_case_are_listed_six_months_after_the_decision_untriaged_never():
    by = make_user(roles=["coordinator"])
    old = triaged_signal(by, days_ago=200)
    recent = triaged_signal(by, days_ago=150)
    opened = triaged_signal(by, days_ago=400, decision=TriageDecision.OPEN_CASE)
    untriaged = triaged_signal(by, days_ago=400)
    untriaged.triaged_at = None
    untriaged.decision = None
    db.session.flush()
    listing = plan.draw_up(AS_OF)
    ids = {item.object_id for item in listing.items if item.kind is ItemKind.SIGNAL}
    assert old.id in ids
    assert not ids & {recent.id, opened.id, untriaged.id}
    item = next(i for i in listing.items if i.object_id == old.id and i.kind is ItemKind.SIGNAL)
    assert item.rule == "setting:SIGNAL_RETENTION_PERIOD P6M" and item.reference == old.reference


def test_the_signal_retention_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNAL_RETENTION_PERIOD", "P1Y")
    by = make_user(roles=["coordinator"])
    signal = triaged_signal(by, days_ago=200)
    listing = plan.draw_up(AS_OF)
    assert listing is None or signal.id not in {i.object_id for i in listing.items if i.kind is ItemKind.SIGNAL}


def test_a_person_in_nothing_is_listed_after_the_person_retention(app):
    person = make_person("Mulder")
    person.created_at = person.created_at.replace(year=2024)
    recent = make_person("de Vries")
    db.session.flush()
    listing = plan.draw_up(AS_OF)
    persons = {i.object_id: i for i in listing.items if i.kind is ItemKind.PERSON}
    assert person.id in persons and recent.id not in persons
    assert persons[person.id].rule == "setting:PERSON_RETENTION_PERIOD P1Y"


def test_an_object_already_on_a_list_is_not_listed_again_and_nothing_due_gives_no_list():
    case = closed_case()
    first = plan.draw_up(AS_OF)
    assert case.id in {i.object_id for i in first.items if i.kind is ItemKind.CASE}
    second = plan.draw_up(AS_OF)
    assert second is None or case.id not in {i.object_id for i in second.items if i.kind is ItemKind.CASE}
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "destruction_list.draw_up").order_by(AuditEvent.id.desc())
    ).first()
    assert event is None or event.details.get("as_of") == AS_OF.isoformat()
    assert all(i.status is ItemStatus.LISTED for i in first.items)


def test_a_person_only_in_the_signal_a_listed_case_came_from_goes_with_the_case():
    from casebook.signals.models import Signal

    by = make_user(roles=["coordinator"])
    reporter = make_person("Kaya")
    case = closed_case()
    signal = triaged_signal(by, persons=[reporter], decision=TriageDecision.OPEN_CASE)
    db.session.get(Signal, signal.id).case_id = case.id
    db.session.flush()
    listing = plan.draw_up(AS_OF)
    item = next(i for i in listing.items if i.kind is ItemKind.PERSON and i.object_id == reporter.id)
    assert item.parent_item.kind is ItemKind.CASE and item.parent_item.object_id == case.id
