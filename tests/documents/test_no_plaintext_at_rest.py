"""What someone uploads appears nowhere at rest: not in the document storage, not in any row of any
table (audit trail included) — searched as raw bytes, after an upload and a new version through
the screens, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from casebook.db import Base, db
from casebook.documents.storage import storage_for
from tests.factories import login_as, make_case, make_org, make_user

MARKER = "Kluivert-7f3a9c"  # in the content, the title and the file name
CONTENT = f"Verslag van het gesprek met {MARKER} over de woning.\n".encode() * 2000  # 100 kB: several chunks
SECOND = f"Tweede versie: {MARKER} is verhuisd.\n".encode()


def _all_stored_values() -> list[object]:
    values: list[object] = []
    for table in Base.metadata.sorted_tables:
        values += [value for row in db.session.execute(select(table)) for value in row]
    return values


def _contains_marker(value: object) -> bool:
    needle = MARKER.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return needle in bytes(value)
    return MARKER in str(value)


def test_an_uploaded_document_is_nowhere_in_plain_text(app, client):
    storage = storage_for(current_app._get_current_object())
    before = set(storage.keys())
    organisation = make_org()
    user = make_user(org=organisation)
    case = make_case(lead=organisation)
    db.session.commit()
    login_as(client, user)
    data = {
        "title": f"Gespreksverslag {MARKER}",
        "type": "verslag",
        "visibility": "shared",
        "file": (io.BytesIO(CONTENT), f"verslag {MARKER}.txt"),
    }
    response = client.post(f"/cases/{case.id}/documents/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    document_page = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert MARKER in document_page  # the screens show the title (decrypted for the reader)
    document_id = int(document_page.split('href="/documents/')[1].split('"')[0])
    version = {"file": (io.BytesIO(SECOND), f"{MARKER}-2.txt")}
    response = client.post(f"/documents/{document_id}/versions", data=version, content_type="multipart/form-data")
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]
    assert client.get(f"/documents/{document_id}/download?version=1").data == CONTENT

    db.session.expire_all()
    leaking = [value for value in _all_stored_values() if _contains_marker(value)]
    assert leaking == []

    assert len(set(storage.keys()) - before) == 2  # the two versions, nothing pending
    for path in (path for path in Path(storage.root).rglob("*") if path.is_file()):
        raw = path.read_bytes()
        assert MARKER.encode() not in raw and b"Verslag van het gesprek" not in raw
        assert MARKER not in path.name
