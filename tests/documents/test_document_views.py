"""Document screens: the Documenten tab, the upload form (422/413 with input kept), the document page,
new versions, and downloads as safe attachments; out of scope is an audited 404."""

from __future__ import annotations

import io

import pytest

from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.crypto.store import shred
from casebook.db import db
from casebook.documents.models import Document
from tests.documents.support import EXE, HTML, PDF, SVG, TEXT, scanner, stored_keys, upload
from tests.factories import login_as, make_case, make_org, make_user
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


@pytest.fixture
def worker(client, west):
    user = make_user(org=west)
    login_as(client, user)
    return user


def _form(content: bytes = PDF, filename: str = "verslag.pdf", **values) -> dict:
    data = {"title": "Verslag huisbezoek", "type": "verslag", "visibility": "shared", "document_date": "2026-11-30"}
    data.update(values)
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return data


def _post(client, case, **kwargs):
    return client.post(f"/cases/{case.id}/documents/upload", data=_form(**kwargs), content_type="multipart/form-data")


def test_the_tab_lists_documents_and_audits_the_read(client, case, worker):
    document = upload(case, worker, title="Brief aan de verhuurder", type_code="brief")
    db.session.commit()
    response = client.get(f"/cases/{case.id}/documents")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Brief aan de verhuurder" in html and "Brief" in html and f"/documents/{document.id}/download" in html
    assert "niet gescand" in html
    assert last_event("document.list", actor_user_id=worker.id).details == {"count": 1, "via": "case"}


def test_the_upload_form_opens_on_demand(client, case, worker):
    html = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert f"/cases/{case.id}/documents?form=document" in html and 'type="file"' not in html
    html = client.get(f"/cases/{case.id}/documents?form=document").get_data(as_text=True)
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html


def test_an_upload_redirects_to_the_tab_with_a_confirmation(client, case, worker):
    response = _post(client, case)
    assert response.status_code == 303, response.get_data(as_text=True)
    document = db.session.query(Document).filter_by(case_id=case.id).one()
    assert response.headers["Location"] == f"/cases/{case.id}/documents#document-{document.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Document toegevoegd." in html and "Verslag huisbezoek" in html
    assert document.document_date.isoformat() == "2026-11-30"


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (EXE, "factuur.pdf", "niet geaccepteerd"),
        (HTML, "pagina.html", "niet geaccepteerd"),
        (SVG, "plaatje.svg", "niet geaccepteerd"),
        (b"", "leeg.pdf", ""),
        (None, None, "Kies een bestand"),
    ],
    ids=["exe-renamed-pdf", "html", "svg", "empty", "missing"],
)
def test_refused_files_rerender_the_form_with_422_and_the_input_kept(client, case, worker, content, filename, message):
    before = stored_keys()
    response = _post(client, case, content=content, filename=filename, title="Mijn zorgvuldige titel")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Mijn zorgvuldige titel"' in html and message in html
    assert stored_keys() == before


def test_a_file_over_the_limit_is_a_413_with_the_form_kept(client, app, case, worker, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_MB", 1)
    before = stored_keys()
    response = _post(client, case, content=b"a" * (1024 * 1024 + 10), filename="groot.txt")
    assert response.status_code == 413 and "te groot" in response.get_data(as_text=True)
    assert stored_keys() == before


def test_a_body_over_the_request_limit_is_a_clear_413_page(client, app, case, worker, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    before = stored_keys()
    response = _post(client, case, content=b"a" * 20_000, filename="groot.txt")
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "te groot" in html and "niets opgeslagen" in html
    assert f"/cases/{case.id}/documents?form=document" in html
    assert stored_keys() == before


def test_an_infected_file_is_refused_and_the_refusal_survives_the_rollback(client, case, worker, monkeypatch):
    with scanner(monkeypatch, "Eicar-Signature"):
        response = _post(client, case, content=TEXT, filename="eicar.txt")
    assert response.status_code == 422 and "virusscanner" in response.get_data(as_text=True)
    db.session.expire_all()
    event = last_event("document.refused")
    assert event.details == {"signature": "Eicar-Signature", "reason": "infected"} and event.case_id == case.id
    assert db.session.query(Document).filter_by(case_id=case.id).count() == 0


def test_an_unreachable_scanner_refuses_with_a_clear_message(client, case, worker, monkeypatch):
    from casebook.documents import errors

    class Down:
        def start(self):
            raise errors.ScanUnavailable()

    from casebook.documents import services

    monkeypatch.setattr(services, "_scanner", lambda: Down())
    response = _post(client, case, content=TEXT, filename="brief.txt", title="Bewaard")
    assert response.status_code == 503 and "virusscanner" in response.get_data(as_text=True)
    assert 'value="Bewaard"' in response.get_data(as_text=True)


def test_a_download_is_a_streamed_attachment_that_is_never_sniffed_or_cached(client, case, worker):
    document = upload(case, worker, TEXT, filename='../rap"port\x07.txt')
    db.session.commit()
    response = client.get(f"/documents/{document.id}/download", buffered=False)
    assert not isinstance(response.response, list | tuple | bytes)  # a generator: streamed, never whole
    assert response.status_code == 200 and response.get_data() == TEXT
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "/" not in response.headers["Content-Disposition"].split("filename", 1)[1].split(";")[0]
    assert response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert last_event("document.download", actor_user_id=worker.id).outcome is Outcome.ALLOWED


def test_the_document_page_shows_the_versions_and_takes_a_new_one(client, case, worker):
    document = upload(case, worker, PDF, filename="v1.pdf")
    db.session.commit()
    html = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "v1.pdf" in html and "Nieuwe versie" in html and 'type="file"' not in html
    assert last_event("document.view", actor_user_id=worker.id).outcome is Outcome.ALLOWED
    assert 'type="file"' in client.get(f"/documents/{document.id}?form=version").get_data(as_text=True)
    response = client.post(
        f"/documents/{document.id}/versions",
        data={"file": (io.BytesIO(TEXT), "v2.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nieuwe versie 2 toegevoegd." in html and "v2.txt" in html and "v1.pdf" in html
    assert client.get(f"/documents/{document.id}/download?version=1").get_data() == PDF
    assert client.get(f"/documents/{document.id}/download").get_data() == TEXT


def test_a_bad_new_version_rerenders_with_422(client, case, worker):
    document = upload(case, worker)
    db.session.commit()
    response = client.post(
        f"/documents/{document.id}/versions",
        data={"file": (io.BytesIO(HTML), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "niet geaccepteerd" in response.get_data(as_text=True)


def test_another_organisations_internal_document_is_an_audited_404(client, case, police):
    author = make_user(org=police)
    document = upload(case, author, visibility="internal")
    db.session.commit()
    outsider = make_user(org=case.lead_organisation)
    login_as(client, outsider)
    for path in (f"/documents/{document.id}", f"/documents/{document.id}/download"):
        assert client.get(path).status_code == 404
    event = last_event("document.download", actor_user_id=outsider.id)
    assert event.outcome is Outcome.DENIED and event.details["requested_id"] == str(document.id)


def test_a_hidden_cases_document_is_an_audited_404(client, case, west):
    document = upload(case, make_user(org=west))
    db.session.commit()
    stranger = make_user(org=make_org())
    login_as(client, stranger)
    assert client.get(f"/documents/{document.id}/download").status_code == 404
    assert client.get(f"/cases/{case.id}/documents").status_code == 404
    assert last_event("document.download", actor_user_id=stranger.id).outcome is Outcome.DENIED


def test_a_shredded_document_shows_an_error_page_not_a_500(client, case, worker):
    document = upload(case, worker, TEXT)
    db.session.commit()
    shred(db.session, case)
    db.session.commit()
    response = client.get(f"/documents/{document.id}/download")
    assert response.status_code == 410 and "vernietigd" in response.get_data(as_text=True)


def test_a_tampered_object_shows_an_integrity_error_page(client, app, case, worker):
    from casebook.documents.storage import storage_for

    document = upload(case, worker, TEXT)
    db.session.commit()
    storage = storage_for(app)
    key = document.latest.storage_key
    blob = bytearray(storage.read(key))
    blob[-5] ^= 0x01
    storage.delete(key)
    writer = storage.writer()
    writer.write(bytes(blob))
    new_key = writer.commit()
    db.session.execute(
        Document.__table__.metadata.tables["document_version"]
        .update()
        .where(Document.__table__.metadata.tables["document_version"].c.id == document.latest.id)
        .values(storage_key=new_key)
    )
    db.session.commit()
    response = client.get(f"/documents/{document.id}/download")
    assert response.status_code == 422 and "beschadigd" in response.get_data(as_text=True)
