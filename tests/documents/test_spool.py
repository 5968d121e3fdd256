"""Uploads are spooled encrypted: forms, CSRFProtect and request.files work; no plaintext on disk."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from pathlib import Path
from typing import IO, cast

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField

from casebook.documents import spool
from casebook.documents.spool import EncryptedSpoolFile, EncryptedSpoolRequest, install
from tests.documents import samples

MB = 1024 * 1024


class UploadForm(FlaskForm):
    title = StringField()
    file = FileField(validators=[FileRequired()])


@pytest.fixture
def spool_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Spool files get a name in ``tmp_path`` (instead of an unnamed file) so the test can read them."""
    directory = tmp_path / "spool"
    directory.mkdir()

    def named_temporary_file(dir: str | None = None) -> IO[bytes]:
        return tempfile.NamedTemporaryFile(dir=directory, delete=False)

    monkeypatch.setattr(spool.tempfile, "TemporaryFile", named_temporary_file)
    return directory


@pytest.fixture
def upload_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="spool-test", DOCUMENT_MAX_MB=2)
    install(app)
    CSRFProtect(app)
    seen: dict[str, object] = {}
    app.extensions["seen"] = seen

    @app.get("/form")
    def form() -> str:
        return str(UploadForm().csrf_token)

    @app.post("/upload")
    def upload() -> tuple[str, int]:
        form = UploadForm()
        if not form.validate_on_submit():
            return repr(form.errors), 422
        stored = form.file.data
        seen["stream_type"] = type(stored.stream)
        seen["same_as_request_files"] = request.files["file"] is stored
        digest = hashlib.sha256()
        while piece := stored.read(100_000):
            digest.update(piece)
        return f"{form.title.data}:{stored.filename}:{digest.hexdigest()}", 200

    return app


def csrf_token(client: FlaskClient) -> str:
    found = re.search(r'value="([^"]+)"', client.get("/form").get_data(as_text=True))
    assert found is not None
    return found.group(1)


def test_a_form_upload_is_spooled_encrypted_and_reads_back(upload_app: Flask, spool_dir: Path) -> None:
    data = (b"Vertrouwelijk verslag " + samples.MARKER + b"\n") * 20_000  # ~1.1 MB
    client = upload_app.test_client()
    response = client.post(
        "/upload",
        data={"csrf_token": csrf_token(client), "title": "Verslag", "file": (io.BytesIO(data), "verslag.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_data(as_text=True) == f"Verslag:verslag.txt:{hashlib.sha256(data).hexdigest()}"
    seen = upload_app.extensions["seen"]
    assert seen["stream_type"] is EncryptedSpoolFile and seen["same_as_request_files"]
    written = [path.read_bytes() for path in spool_dir.iterdir()]
    assert written and sum(map(len, written)) >= len(data)
    assert all(samples.MARKER not in raw for raw in written)


def test_csrf_is_still_enforced(upload_app: Flask, spool_dir: Path) -> None:
    response = upload_app.test_client().post(
        "/upload", data={"file": (io.BytesIO(b"x"), "x.txt")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400


def test_an_oversize_body_is_refused_with_413(upload_app: Flask, spool_dir: Path) -> None:
    client = upload_app.test_client()
    response = client.post(
        "/upload",
        data={"csrf_token": csrf_token(client), "file": (io.BytesIO(os.urandom(4 * MB)), "groot.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_install_sets_the_request_class_and_limit() -> None:
    app = Flask(__name__)
    install(app)
    assert app.request_class is EncryptedSpoolRequest
    assert app.config["MAX_CONTENT_LENGTH"] == 25 * MB + spool.FORM_MARGIN


def test_the_spool_file_behaves_like_a_file() -> None:
    spooled = EncryptedSpoolFile(os.urandom(32))
    data = os.urandom(200_000)
    for start in range(0, len(data), 7_000):
        spooled.write(data[start : start + 7_000])
    assert spooled.tell() == len(data)
    assert spooled.seek(0) == 0
    assert spooled.read(10) == data[:10]
    spooled.seek(150_000)
    assert spooled.read() == data[150_000:]
    spooled.seek(0)
    assert spooled.read() == data
    with pytest.raises(io.UnsupportedOperation):
        spooled.write(b"more")
    spooled.close()
    assert spooled.closed


def test_the_spool_file_reads_lines() -> None:
    spooled = EncryptedSpoolFile(os.urandom(32))
    spooled.write(b"eerste regel\ntweede regel\n")
    spooled.seek(0)
    assert spooled.readline() == b"eerste regel\n"


def spool_key() -> bytes:
    return cast(EncryptedSpoolRequest, request)._spool_key()


def test_each_request_has_its_own_key(upload_app: Flask) -> None:
    with upload_app.test_request_context("/"):
        first = spool_key()
        assert spool_key() == first
    with upload_app.test_request_context("/"):
        assert spool_key() != first
