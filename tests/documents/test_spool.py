"""Uploads are spooled encrypted: forms, CSRFProtect and request.files work; no plaintext on disk."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import tracemalloc
from pathlib import Path
from typing import IO, Any, cast

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from flask_wtf import CSRFProtect, FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.test import create_environ
from wtforms import StringField

from casebook.documents import spool
from casebook.documents.spool import EncryptedSpoolFile, EncryptedSpoolRequest, install
from casebook.settings import load_settings
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
    app.config.update(load_settings(environ={}))  # the declared defaults
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


class StreamedMultipart(io.RawIOBase):
    """A multipart body with one ``size``-byte file, produced on the fly (the test holds none of it)."""

    BOUNDARY = "casebook-boundary"
    LINE = b"Regel van een groot verslag " + samples.MARKER + b"\n"

    def __init__(self, size: int) -> None:
        self.head = (
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="groot.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.remaining = size
        self.block = self.LINE * (64 * 1024 // len(self.LINE))
        self.length = len(self.head) + size + len(self.tail)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.head:
            piece, self.head = self.head[: len(buffer)], self.head[len(buffer) :]
        elif self.remaining:
            piece = self.block[: min(len(buffer), self.remaining, len(self.block))]
            self.remaining -= len(piece)
        else:
            piece, self.tail = self.tail[: len(buffer)], self.tail[len(buffer) :]
        buffer[: len(piece)] = piece
        return len(piece)


def test_a_50_mb_upload_is_never_whole_in_memory(spool_dir: Path) -> None:
    app = Flask(__name__)
    app.config["DOCUMENT_MAX_MB"] = 60
    install(app)

    @app.post("/upload")
    def upload() -> str:
        stored, total = request.files["file"], 0
        while piece := stored.read(64 * 1024):
            total += len(piece)
        return str(total)

    body = StreamedMultipart(50 * MB)
    environ = create_environ("/upload", method="POST")
    environ.update(
        {
            "wsgi.input": io.BufferedReader(body),
            "CONTENT_LENGTH": str(body.length),
            "CONTENT_TYPE": f"multipart/form-data; boundary={StreamedMultipart.BOUNDARY}",
        }
    )
    answer: list[bytes] = []
    tracemalloc.start()
    try:
        answer = list(app(environ, lambda status, headers: None))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"peak traced memory for a 50 MB upload through the spool: {peak / MB:.2f} MB")
    assert b"".join(answer) == str(50 * MB).encode()
    assert peak < 4 * MB
    (spooled,) = spool_dir.iterdir()
    assert spooled.stat().st_size > 50 * MB and samples.MARKER not in spooled.read_bytes()
