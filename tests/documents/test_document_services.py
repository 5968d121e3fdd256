"""Document rules: upload, versions (append-only), visibility, audit, shredding and key rotation."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select, text

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.crypto import load_keyring
from casebook.crypto.store import shred
from casebook.db import db
from casebook.documents import errors
from casebook.documents import services as documents
from casebook.documents.models import AppendOnlyError, Document, DocumentType, DocumentVersion
from tests.access.helpers import give_break_glass
from tests.conftest import TEST_KEYRING_JSON
from tests.documents.support import EXE, HTML, PDF, SVG, TEXT, new_version, read_all, scanner, stored_keys, upload
from tests.factories import make_case, make_org, make_user
from tests.helpers import audit_events, last_event


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def police():
    return make_org("politie")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


@pytest.fixture
def author(west):
    return make_user(org=west)


def test_the_migration_seeds_the_document_types_in_dutch_and_english():
    codes = [t.code for t in db.session.scalars(select(DocumentType).order_by(DocumentType.position))]
    assert codes == ["proces_verbaal", "rapportage", "brief", "toestemmingsverklaring", "plan", "verslag", "overig"]
    brief = db.session.scalar(select(DocumentType).where(DocumentType.code == "brief"))
    assert (brief.label("nl"), brief.label("en")) == ("Brief", "Letter")


def test_upload_encrypts_title_filename_and_content_and_is_audited_without_them(case, author):
    before = stored_keys()
    document = upload(case, author, PDF, filename="Rapport Jansen.pdf", title="Rapport over Jansen")
    version = document.latest
    assert (version.number, version.kind, version.media_type, version.size) == (1, "pdf", "application/pdf", len(PDF))
    assert version.scanned is False  # no scanner configured in the tests
    raw = db.session.execute(
        text(
            "SELECT d.title, v.filename FROM document d"
            " JOIN document_version v ON v.document_id = d.id WHERE d.id = :id"
        ),
        {"id": document.id},
    ).one()
    assert b"Jansen" not in bytes(raw[0]) and b"Jansen" not in bytes(raw[1])
    (new_key,) = stored_keys() - before
    assert new_key == version.storage_key and "Jansen" not in new_key
    db.session.expire_all()
    reread = db.session.get(Document, document.id)
    assert (reread.title, reread.latest.filename) == ("Rapport over Jansen", "Rapport Jansen.pdf")
    event = last_event("document.upload")
    assert (event.actor_user_id, event.object_type, event.object_id, event.case_id) == (
        author.id,
        "document",
        str(document.id),
        case.id,
    )
    assert event.details == {
        "visibility": "shared",
        "type": "verslag",
        "kind": "pdf",
        "size": len(PDF),
        "scanned": False,
        "belongs_to": "case",
    }
    assert "Jansen" not in repr(event.details)


def test_the_content_round_trips_and_the_download_is_audited(case, author, police):
    document = upload(case, author, TEXT, filename="notitie.txt")
    reader = make_user(org=police)
    result = documents.download(reader, document)
    assert read_all(result) == TEXT
    assert result.filename == "notitie.txt" and result.media_type.startswith("text/plain")
    event = last_event("document.download", actor_user_id=reader.id)
    assert event.details == {"version": 1, "via": "web"} and event.outcome is Outcome.ALLOWED


def test_a_new_version_keeps_the_old_one_and_the_visibility(case, author, west):
    document = upload(case, author, PDF, visibility="internal")
    colleague = make_user(org=west)
    second = new_version(document, colleague, TEXT)
    assert [v.number for v in document.versions] == [1, 2] and document.latest is second
    assert document.visibility == "internal"
    assert read_all(documents.download(colleague, document, 1)) == PDF
    assert read_all(documents.download(colleague, document)) == TEXT
    assert last_event("document.version").details == {"version": 2, "kind": "text", "size": len(TEXT), "scanned": False}


def test_versions_are_append_only(case, author):
    version = upload(case, author).latest
    version.size = 1
    with pytest.raises(AppendOnlyError):
        db.session.flush()


def test_only_the_authors_organisation_adds_versions(case, author, police):
    document = upload(case, author)
    with pytest.raises(AccessDenied):
        new_version(document, make_user(org=police))
    assert last_event("document.version").outcome is Outcome.DENIED


def test_internal_documents_only_for_the_authors_organisation(case, author, west, police):
    shared = upload(case, author, visibility="shared")
    internal = upload(case, author, visibility="internal", title="Intern")
    assert {d.id for d in documents.documents_for(make_user(org=west), case)} == {shared.id, internal.id}
    partner = make_user(org=police)
    assert [d.id for d in documents.documents_for(partner, case, via="api")] == [shared.id]
    assert last_event("document.list", actor_user_id=partner.id).details == {"count": 1, "via": "api"}
    with pytest.raises(AccessDenied):
        documents.load_document(partner, internal.id)
    denied = last_event("document.view", actor_user_id=partner.id)
    assert denied.outcome is Outcome.DENIED and denied.details["requested_id"] == str(internal.id)


@pytest.mark.parametrize("role", ["supervisor", "break_glass", "other_org", "observer_caseworker"])
def test_who_never_reads_documents(case, author, role):
    document = upload(case, author)
    if role == "supervisor":
        user = make_user(org=author.organisation, roles=["supervisor"])
    elif role == "break_glass":
        user = make_user(org=make_org(), roles=["caseworker"])
        give_break_glass(user, case)
    else:
        user = make_user(org=make_org())
    if role == "observer_caseworker":
        from tests.access.helpers import add_participant

        add_participant(case, user.organisation, Involvement.OBSERVER)
        assert [d.id for d in documents.documents_for(user, case)] == [document.id]  # observers read
        with pytest.raises(AccessDenied):
            upload(case, user)  # but never write
        return
    with pytest.raises(AccessDenied):
        documents.documents_for(user, case)
    with pytest.raises(AccessDenied):
        documents.load_document(user, document.id)


@pytest.mark.parametrize(
    ("content", "filename"),
    [(EXE, "factuur.pdf"), (HTML, "pagina.html"), (SVG, "plaatje.svg"), (b"", "leeg.pdf")],
    ids=["exe-renamed-pdf", "html", "svg-with-script", "empty"],
)
def test_refused_content_stores_nothing(case, author, content, filename):
    before = stored_keys()
    with pytest.raises(errors.ContentRefused):
        upload(case, author, content, filename=filename)
    assert stored_keys() == before
    assert db.session.scalar(select(DocumentVersion.id).where(DocumentVersion.document.has(case_id=case.id))) is None


def test_an_oversized_upload_stores_nothing(case, author, app, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_MB", 1)
    before = stored_keys()
    with pytest.raises(errors.DocumentTooLarge) as raised:
        upload(case, author, b"a" * (1024 * 1024 + 1), filename="groot.txt")
    assert raised.value.status == 413
    assert stored_keys() == before


def test_an_infected_upload_is_refused_and_the_refusal_recorded_with_the_signature(case, author, monkeypatch):
    before = stored_keys()
    with scanner(monkeypatch, "Win.Test.EICAR_HDB-1"), pytest.raises(errors.DocumentInfected):
        upload(case, author, TEXT, title="Geheime titel", filename="geheim.txt")
    assert stored_keys() == before
    event = last_event("document.refused")
    assert event.outcome is Outcome.DENIED and event.case_id == case.id
    assert event.details == {"signature": "Win.Test.EICAR_HDB-1", "reason": "infected"}


def test_a_clean_scan_is_recorded_on_the_version(case, author, monkeypatch):
    with scanner(monkeypatch, None):
        assert upload(case, author).latest.scanned is True


def test_the_file_name_is_stored_sanitised(case, author):
    name = "../../etc/\x00pass\x1fwd" + "x" * 300 + ".pdf"
    version = upload(case, author, filename=name).latest
    assert "/" not in version.filename and "\x00" not in version.filename and "\x1f" not in version.filename
    assert len(version.filename) <= 120 and version.filename.endswith(".pdf")


def test_links_to_a_goal_or_agenda_item_must_be_of_the_same_case(case, author, west):
    from tests.factories import make_goal

    goal = make_goal(case, author)
    other_goal = make_goal(make_case(lead=west), author)
    assert upload(case, author, plan_goal_id=goal.id).plan_goal_id == goal.id
    with pytest.raises(documents.DocumentRefused):
        upload(case, author, plan_goal_id=other_goal.id)


def test_a_closed_case_takes_no_documents(case, author):
    from casebook.cases.errors import CaseClosed

    case.closed_at = case.opened_at
    with pytest.raises(CaseClosed):
        upload(case, author)


def test_after_shredding_the_case_key_a_download_is_unavailable_never_a_crash(case, author):
    document = upload(case, author, TEXT)
    shred(db.session, case)
    db.session.expire_all()
    document = db.session.get(Document, document.id)
    with pytest.raises(documents.DocumentUnavailable) as raised:
        documents.download(author, document)
    assert raised.value.shredded is True
    assert last_event("document.download").outcome is Outcome.ERROR


def test_key_rotation_keeps_documents_readable(app, case, author, tmp_path, monkeypatch):
    path = tmp_path / "keyring.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(TEST_KEYRING_JSON)
    monkeypatch.setitem(app.config, "MASTER_KEYS", None)
    monkeypatch.setitem(app.config, "KEYRING", str(path))
    monkeypatch.setitem(app.extensions, "casebook.keyring", load_keyring(path))
    document_id = upload(case, author, PDF).id
    db.session.commit()
    from casebook.cli import cli

    result = app.test_cli_runner().invoke(cli, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    db.session.expunge_all()
    db.session.info.pop("casebook_deks", None)
    document = db.session.get(Document, document_id)
    assert read_all(documents.download(author, document)) == PDF
    assert document.title == "Verslag huisbezoek"


def test_documents_for_is_the_list_the_dossier_pdf_reads(case, author, police):
    upload(case, author)
    upload(case, author, visibility="internal")
    assert len(documents.documents_for(make_user(org=police), case, via="dossier_pdf")) == 1
    assert audit_events("document.list")[-1].details["via"] == "dossier_pdf"
