"""Documents through the API: multipart upload, list, metadata, content, versions; 413/415/422 problems."""

from __future__ import annotations

import io

import pytest

from casebook.audit import Outcome
from tests.api.support import assert_problem, make_world
from tests.documents.support import EXE, PDF, TEXT, stored_keys
from tests.helpers import last_event


@pytest.fixture
def world():
    return make_world()


def _upload(client, world, user="worker", content=PDF, filename="rapport.pdf", **fields):
    data = {"title": "Rapportage", "type": "rapportage", "visibility": "shared", **fields}
    if content is not None:
        data["file"] = (io.BytesIO(content), filename)
    return client.post(
        f"/api/v1/cases/{world.case_id}/documents",
        headers=world.headers(user),
        data=data,
        content_type="multipart/form-data",
    )


def test_upload_list_get_and_content(client, world):
    response = _upload(client, world, date="2026-11-30")
    assert response.status_code == 201, response.json
    document = response.json
    assert (document["title"], document["type"], document["date"], document["visibility"]) == (
        "Rapportage",
        "rapportage",
        "2026-11-30",
        "shared",
    )
    assert document["organisation"] == "zvh" and document["versions"][0]["media_type"] == "application/pdf"
    assert document["versions"][0]["scanned"] is False
    assert response.headers["Location"].endswith(f"/api/v1/documents/{document['id']}")
    assert last_event("document.upload").details["kind"] == "pdf"

    listed = client.get(f"/api/v1/cases/{world.case_id}/documents", headers=world.headers("west_worker"))
    assert [d["id"] for d in listed.json["items"]] == [document["id"]]
    assert last_event("document.list").details == {"count": 1, "via": "api"}

    shown = client.get(f"/api/v1/documents/{document['id']}", headers=world.headers("west_worker"))
    assert shown.status_code == 200 and shown.json["versions"][0]["filename"] == "rapport.pdf"

    content = client.get(f"/api/v1/documents/{document['id']}/content", headers=world.headers("west_worker"))
    assert content.status_code == 200 and content.get_data() == PDF and content.mimetype == "application/pdf"
    assert content.headers["Content-Disposition"].startswith("attachment;")
    assert content.headers["X-Content-Type-Options"] == "nosniff"
    assert last_event("document.download").details == {"version": 1, "via": "api"}


def test_a_new_version_and_the_content_of_each(client, world):
    document_id = _upload(client, world).json["id"]
    response = client.post(
        f"/api/v1/documents/{document_id}/versions",
        headers=world.headers("coordinator"),
        data={"file": (io.BytesIO(TEXT), "v2.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    assert [v["number"] for v in response.json["versions"]] == [1, 2]
    headers = world.headers("worker")
    assert client.get(f"/api/v1/documents/{document_id}/content", headers=headers).get_data() == TEXT
    assert client.get(f"/api/v1/documents/{document_id}/content?version=1", headers=headers).get_data() == PDF
    assert client.get(f"/api/v1/documents/{document_id}/content?version=9", headers=headers).status_code == 404
    other = client.post(
        f"/api/v1/documents/{document_id}/versions",
        headers=world.headers("west_worker"),
        data={"file": (io.BytesIO(TEXT), "v3.txt")},
        content_type="multipart/form-data",
    )
    assert_problem(other, 404)  # only the author's organisation


def test_refusals_are_problem_documents(client, world, app, monkeypatch):
    before = stored_keys()
    assert_problem(_upload(client, world, content=EXE, filename="x.pdf"), 422, "rule-violation")
    assert_problem(_upload(client, world, content=b"", filename="leeg.txt"), 422, "rule-violation")
    assert_problem(_upload(client, world, content=None), 422, "validation-error")
    assert_problem(_upload(client, world, type="onbekend"), 422, "rule-violation")
    json_body = client.post(
        f"/api/v1/cases/{world.case_id}/documents", headers=world.headers("worker"), json={"title": "x"}
    )
    assert_problem(json_body, 415, "unsupported-media-type")
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_MB", 1)
    too_large = _upload(client, world, content=b"a" * (1024 * 1024 + 1), filename="groot.txt")
    assert_problem(too_large, 413, "too-large")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 5000)
    assert_problem(_upload(client, world, content=b"a" * 10_000, filename="groot.txt"), 413)
    assert stored_keys() == before


def test_internal_documents_and_hidden_cases_are_audited_404s(client, world):
    document_id = _upload(client, world, visibility="internal").json["id"]
    for path in (f"/api/v1/documents/{document_id}", f"/api/v1/documents/{document_id}/content"):
        assert_problem(client.get(path, headers=world.headers("west_worker")), 404)
        assert_problem(client.get(path, headers=world.headers("outsider")), 404)
    assert last_event("document.download").outcome is Outcome.DENIED
    assert_problem(client.get(f"/api/v1/cases/{world.case_id}/documents", headers=world.headers("supervisor")), 404)
    assert_problem(_upload(client, world, user="outsider"), 404)


def test_the_openapi_document_describes_the_multipart_upload_and_the_binary_content(client, world):
    document = client.get("/api/v1/openapi.json", headers=world.headers("worker")).json
    upload = document["paths"]["/api/v1/cases/{case_id}/documents"]["post"]
    schema = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary", "description": "The file's bytes."}
    assert set(schema["required"]) == {"title", "type", "file"}
    assert {"413", "415", "422"} <= set(upload["responses"])
    content = document["paths"]["/api/v1/documents/{document_id}/content"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in content and "text/html" not in content
