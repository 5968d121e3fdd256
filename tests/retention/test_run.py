"""Carrying out an approved list: what goes, what stays, what the trail and the certificate say."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook.cases.models import Case, CaseSubject
from casebook.crypto.models import DataKey
from casebook.crypto.store import UnreadableText
from casebook.db import db
from casebook.documents.models import Document, DocumentVersion
from casebook.journal.models import Note
from casebook.notifications.models import Notification
from casebook.people.models import Person, PersonSearchIndex
from casebook.retention import destroy, plan, services
from casebook.retention.certificate import certificate
from casebook.retention.models import ItemKind, ItemStatus, ListStatus
from casebook.signals.models import Signal, SignalPerson
from tests.audit.tamper import verify
from tests.documents.support import stored_keys, upload
from tests.factories import make_case, make_note, make_person, make_user
from tests.helpers import audit_events
from tests.printing.support import all_text, read_pdf
from tests.retention.support import AS_OF, approved, close, participant, privacy_officer, triaged_signal


@pytest.fixture
def world():
    """Case A (due) with a note and a document about Bakker (only in A) and Smit (also in case B)."""
    bakker, smit = make_person("Bakker", bsn="111222333"), make_person("Smit")
    case_a = make_case(subjects=[bakker, smit])
    worker = participant(case_a)
    note_a = make_note(case_a, worker, body="Huisbezoek bij Bakker: wapen gevonden")
    document = upload(case_a, worker, b"%PDF-1.4 geheim verslag over Bakker %%EOF", title="Verslag Bakker")
    db.session.add(
        Notification(recipient_id=worker.id, case_id=case_a.id, kind="closure", event="to_decide", dedupe_key="t1")
    )
    close(case_a)
    case_b = make_case(subjects=[smit])
    note_b = make_note(case_b, participant(case_b), body="Smit komt afspraken na")
    coordinator = make_user(roles=["coordinator"])
    jansen = make_person("Jansen")
    signal = triaged_signal(coordinator, persons=[jansen])
    db.session.flush()
    blobs = [v.storage_key for v in document.versions]
    return dict(
        bakker=bakker.id,
        smit=smit.id,
        jansen=jansen.id,
        a=case_a.id,
        b=case_b.id,
        note_a=note_a.id,
        note_b=note_b.id,
        document=document.id,
        blobs=blobs,
        signal=signal.id,
    )


def _fresh():
    db.session.expunge_all()
    db.session.info.pop("casebook_deks", None)


def test_a_run_destroys_the_case_its_documents_and_its_only_persons_and_keeps_the_rest(world):
    listing = approved(plan.draw_up(AS_OF))
    report = destroy.run()
    assert listing.id in report.completed_lists and not report.skipped
    _fresh()
    # the destroyed case: content unreadable, documents and their files gone, subject links gone
    note = db.session.get(Note, world["note_a"])
    assert isinstance(note.body, UnreadableText) and note.body.reason == "shredded"
    case_a = db.session.get(Case, world["a"])
    assert case_a is not None and case_a.closed_at is not None  # the tombstone the trail names
    assert db.session.get(Document, world["document"]) is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(DocumentVersion).where(DocumentVersion.storage_key.in_(world["blobs"]))
        )
        == 0
    )
    assert not set(world["blobs"]) & stored_keys()
    assert (
        db.session.scalar(select(func.count()).select_from(CaseSubject).where(CaseSubject.case_id == world["a"])) == 0
    )
    assert (
        db.session.scalar(select(func.count()).select_from(Notification).where(Notification.case_id == world["a"])) == 0
    )
    # Bakker was in case A only: unreadable and no longer findable
    bakker = db.session.get(Person, world["bakker"])
    assert isinstance(bakker.family_name, UnreadableText) and isinstance(bakker.bsn, UnreadableText)
    assert (
        db.session.scalar(
            select(func.count()).select_from(PersonSearchIndex).where(PersonSearchIndex.person_id == world["bakker"])
        )
        == 0
    )
    # Smit is also in case B, which stays: intact, findable, and case B's note is readable
    smit = db.session.get(Person, world["smit"])
    assert smit.family_name == "Smit"
    assert (
        db.session.scalar(
            select(func.count()).select_from(PersonSearchIndex).where(PersonSearchIndex.person_id == world["smit"])
        )
        > 0
    )
    assert db.session.get(Note, world["note_b"]).body == "Smit komt afspraken na"
    # the signal without a case and the person only in it
    signal = db.session.get(Signal, world["signal"])
    assert isinstance(signal.description, UnreadableText)
    assert (
        db.session.scalar(select(func.count()).select_from(SignalPerson).where(SignalPerson.signal_id == signal.id))
        == 0
    )
    assert isinstance(db.session.get(Person, world["jansen"]).family_name, UnreadableText)
    # the trail: non-personal records, and the chain still verifies
    destroyed = audit_events("retention.destroy")
    references = {e.details.get("reference") for e in destroyed}
    assert case_a.reference in references and signal.reference in references
    assert all("Bakker" not in str(e.details) for e in destroyed)
    assert verify().ok
    # the certificate names what was destroyed, without content
    listing = db.session.get(type(listing), listing.id)
    assert listing.status is ListStatus.DESTROYED
    text = all_text(read_pdf(certificate(listing, by=privacy_officer()).content))
    assert "Verklaring van vernietiging" in text
    packed = text.replace(" ", "")  # a narrow column may wrap a reference
    assert case_a.reference in packed and signal.reference in packed and f"P-{world['bakker']:06d}" in packed
    assert "Bakker" not in text and "wapen" not in text


def test_a_second_run_changes_nothing(world):
    approved(plan.draw_up(AS_OF))
    destroy.run()
    events = len(audit_events())
    again = destroy.run()
    assert again.destroyed == [] and again.completed_lists == []
    assert len(audit_events()) == events


def test_a_dry_run_changes_nothing(world):
    listing = approved(plan.draw_up(AS_OF))
    keys = db.session.scalar(select(func.count()).select_from(DataKey).where(DataKey.wrapped.is_(None)))
    report = destroy.run(dry_run=True)
    assert any(line.startswith(f"case {db.session.get(Case, world['a']).reference}") for line in report.destroyed)
    _fresh()
    assert db.session.scalar(select(func.count()).select_from(DataKey).where(DataKey.wrapped.is_(None))) == keys
    assert db.session.get(Note, world["note_a"]).body.startswith("Huisbezoek")
    assert db.session.get(Document, world["document"]) is not None
    assert set(world["blobs"]) <= stored_keys()
    assert db.session.get(type(listing), listing.id).status is ListStatus.APPROVED


def test_an_item_under_legal_hold_is_skipped_and_reported_with_its_documents_and_persons(world):
    listing = plan.draw_up(AS_OF)
    case_item = next(i for i in listing.items if i.kind is ItemKind.CASE and i.object_id == world["a"])
    services.withhold(case_item, by=privacy_officer(), reason="legal_hold")
    approved(listing)
    report = destroy.run()
    assert f"case {case_item.reference} (list {listing.id}): legal_hold" in report.skipped
    _fresh()
    assert db.session.get(Note, world["note_a"]).body.startswith("Huisbezoek")
    assert db.session.get(Person, world["bakker"]).family_name == "Bakker"
    assert db.session.get(Document, world["document"]) is not None
    assert isinstance(db.session.get(Signal, world["signal"]).description, UnreadableText)  # the rest went
    listing = db.session.get(type(listing), listing.id)
    assert listing.status is ListStatus.DESTROYED
    assert {i.status for i in listing.items if i.parent_id == case_item.id} == {ItemStatus.WITHHELD}
    assert verify().ok


def test_a_person_back_in_a_case_meanwhile_is_kept_and_reported(world):
    listing = approved(plan.draw_up(AS_OF))
    make_case(subjects=[db.session.get(Person, world["bakker"])])
    report = destroy.run()
    assert any(line.endswith(": in_use") for line in report.skipped)
    _fresh()
    assert db.session.get(Person, world["bakker"]).family_name == "Bakker"
    assert db.session.get(type(listing), listing.id).status is ListStatus.DESTROYED


def test_the_page_of_a_destroyed_case_still_opens_and_shows_nothing_of_it(client, world):
    from casebook.auth.models import User
    from tests.factories import login_as

    approved(plan.draw_up(AS_OF))
    destroy.run()
    case = db.session.get(Case, world["a"])
    reader = db.session.scalars(select(User).where(User.organisation_id == case.lead_organisation_id)).first()
    login_as(client, reader)
    for path in (f"/cases/{case.id}", f"/cases/{case.id}/journal", f"/cases/{case.id}/documents"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "Bakker" not in html and "wapen gevonden" not in html and "Verslag Bakker" not in html
