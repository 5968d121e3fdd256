"""From the form's file to a committed object: encrypted, bounded, scanned, and nothing left on failure."""

from __future__ import annotations

import io
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
import pytest
from moto import mock_aws

from casebook.documents.content import DocumentKind
from casebook.documents.errors import (
    ContentRefused,
    DocumentInfected,
    DocumentIntegrityError,
    DocumentTooLarge,
    ScanUnavailable,
)
from casebook.documents.scan import ClamdScanner, Scanner, ScanVerdict
from casebook.documents.sink import StoredBlob, open_download, store_upload
from casebook.documents.storage import BlobStorage, DirectoryStorage, S3Storage
from casebook.documents.stream import CHUNK_SIZE, FRAME_SIZE, HEADER_SIZE
from tests.documents import samples
from tests.documents.clamd import SIGNATURE_NAME, Clamd, infected_payload

DEK = os.urandom(32)
MB = 1024 * 1024


class GeneratedText(io.RawIOBase):
    """``size`` bytes of UTF-8 text made up on the fly, so the test itself holds none of it."""

    LINE = b"Regel uit een lang gespreksverslag, met " + samples.MARKER + b" erin.\n"

    def __init__(self, size: int, fail_at: int | None = None) -> None:
        self.remaining = size
        self.offset = 0
        self.fail_at = fail_at

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.fail_at is not None and self.offset >= self.fail_at:
            raise ConnectionResetError("client went away")
        count = min(len(buffer), self.remaining)
        start = self.offset % len(self.LINE)
        piece = (self.LINE * (count // len(self.LINE) + 2))[start : start + count]
        buffer[:count] = piece
        self.remaining -= count
        self.offset += count
        return count


class RecordingScanner:
    """Stands in for clamd where a test looks at how the sink feeds a scanner."""

    def __init__(self, verdict: ScanVerdict = ScanVerdict(clean=True)) -> None:  # noqa: B008
        self.verdict = verdict
        self.fed: list[int] = []
        self.closed = False

    def start(self) -> RecordingScanner:
        return self

    def feed(self, data: bytes) -> None:
        self.fed.append(len(data))

    def finish(self) -> ScanVerdict:
        return self.verdict

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def storage(tmp_path: Path) -> DirectoryStorage:
    return DirectoryStorage(tmp_path / "documents")


def upload(
    storage: BlobStorage,
    data: bytes | io.RawIOBase,
    *,
    scanner: Scanner | None = None,
    max_bytes: int = 60 * MB,
    ref: str = "v-1",
) -> StoredBlob:
    source = io.BytesIO(data) if isinstance(data, bytes) else cast(BinaryIO, data)
    return store_upload(source, dek=DEK, blob_ref=ref, storage=storage, scanner=scanner, max_bytes=max_bytes)


def all_stored_bytes(root: Path) -> list[bytes]:
    return [path.read_bytes() for path in root.rglob("*") if path.is_file()]


ALLOWED: list[tuple[Callable[[], bytes], DocumentKind]] = [
    (samples.pdf, DocumentKind.PDF),
    (samples.png, DocumentKind.PNG),
    (samples.jpeg, DocumentKind.JPEG),
    (samples.docx, DocumentKind.DOCX),
    (samples.xlsx, DocumentKind.XLSX),
    (samples.odt, DocumentKind.ODT),
    (samples.text, DocumentKind.TEXT),
    (samples.eml, DocumentKind.EML),
    (samples.outlook_message, DocumentKind.MSG),
]


@pytest.mark.parametrize(("build", "kind"), ALLOWED, ids=[kind.value for _, kind in ALLOWED])
def test_round_trip_and_no_plaintext_in_storage(
    storage: DirectoryStorage, build: Callable[[], bytes], kind: DocumentKind
) -> None:
    data = build()
    stored = upload(storage, data)
    assert (stored.size, stored.kind, stored.scanned) == (len(data), kind, False)
    assert b"".join(open_download(storage, stored.key, stored.size, DEK, "v-1")) == data
    files = all_stored_bytes(storage.root)
    assert len(files) == 1
    assert all(samples.MARKER not in raw for raw in files)


def test_a_large_upload_leaves_no_plaintext_in_storage(storage: DirectoryStorage) -> None:
    upload(storage, GeneratedText(3 * MB))
    assert all(samples.MARKER not in raw for raw in all_stored_bytes(storage.root))


def test_50_mb_upload_peak_memory_stays_small(storage: DirectoryStorage) -> None:
    tracemalloc.start()
    try:
        stored = upload(storage, GeneratedText(50 * MB))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"peak traced memory for a 50 MB store_upload: {peak / MB:.2f} MB")
    assert stored.size == 50 * MB and stored.kind is DocumentKind.TEXT
    assert peak < 3 * MB


def test_too_large_stops_while_streaming_and_keeps_nothing(storage: DirectoryStorage) -> None:
    source = GeneratedText(50 * MB)
    with pytest.raises(DocumentTooLarge) as refused:
        upload(storage, source, max_bytes=1 * MB)
    assert refused.value.status == 413 and refused.value.max_bytes == 1 * MB
    assert source.offset <= 1 * MB + CHUNK_SIZE  # stopped at the limit, not after reading it all
    assert list(storage.keys()) == []


def test_exactly_the_limit_is_accepted(storage: DirectoryStorage) -> None:
    assert upload(storage, GeneratedText(1 * MB), max_bytes=1 * MB).size == 1 * MB


def test_an_interrupted_source_keeps_nothing(storage: DirectoryStorage) -> None:
    scanner = RecordingScanner()
    with pytest.raises(ConnectionResetError):
        upload(storage, GeneratedText(10 * MB, fail_at=5 * MB), scanner=scanner)
    assert list(storage.keys()) == []
    assert scanner.closed


@pytest.mark.parametrize(
    "data", [b"", samples.executable(), samples.html(), samples.plain_zip()], ids=["empty", "exe", "html", "zip"]
)
def test_refused_content_keeps_nothing(storage: DirectoryStorage, data: bytes) -> None:
    with pytest.raises(ContentRefused):
        upload(storage, data)
    assert list(storage.keys()) == []


def test_the_scanner_is_fed_while_streaming(storage: DirectoryStorage) -> None:
    scanner = RecordingScanner()
    stored = upload(storage, GeneratedText(1 * MB), scanner=scanner)
    assert stored.scanned
    assert sum(scanner.fed) == 1 * MB and max(scanner.fed) <= CHUNK_SIZE


def test_an_infected_verdict_keeps_nothing(storage: DirectoryStorage) -> None:
    with pytest.raises(DocumentInfected) as infected:
        upload(storage, samples.pdf(), scanner=RecordingScanner(ScanVerdict(clean=False, signature="Test.Sig")))
    assert infected.value.signature == "Test.Sig"
    assert list(storage.keys()) == []


def test_clamd_refuses_the_test_signature(storage: DirectoryStorage, clamd: Clamd) -> None:
    with pytest.raises(DocumentInfected) as infected:
        upload(storage, samples.pdf(infected_payload()), scanner=ClamdScanner(clamd.socket_path, timeout=10))
    assert infected.value.signature.startswith(SIGNATURE_NAME)
    assert list(storage.keys()) == []


def test_clamd_passes_a_clean_file(storage: DirectoryStorage, clamd: Clamd) -> None:
    stored = upload(storage, samples.docx(), scanner=ClamdScanner(clamd.socket_path, timeout=10))
    assert stored.scanned and stored.kind is DocumentKind.DOCX


def test_an_unreachable_scanner_fails_closed(storage: DirectoryStorage, tmp_path: Path) -> None:
    with pytest.raises(ScanUnavailable):
        upload(storage, samples.pdf(), scanner=ClamdScanner(str(tmp_path / "no-clamd.sock"), timeout=1))
    assert list(storage.keys()) == []


def test_a_tampered_object_fails_before_its_plaintext(storage: DirectoryStorage) -> None:
    stored = upload(storage, GeneratedText(3 * CHUNK_SIZE))
    (path,) = [path for path in storage.root.rglob("*") if path.is_file()]
    raw = bytearray(path.read_bytes())
    raw[HEADER_SIZE + FRAME_SIZE + 99] ^= 0x01
    path.write_bytes(bytes(raw))
    pieces = open_download(storage, stored.key, stored.size, DEK, "v-1")
    with pytest.raises(DocumentIntegrityError):
        b"".join(pieces)


def test_a_truncated_object_fails_before_the_first_byte(storage: DirectoryStorage) -> None:
    stored = upload(storage, GeneratedText(3 * CHUNK_SIZE + 5))
    (path,) = [path for path in storage.root.rglob("*") if path.is_file()]
    path.write_bytes(path.read_bytes()[:-FRAME_SIZE])
    with pytest.raises(DocumentIntegrityError):
        open_download(storage, stored.key, stored.size, DEK, "v-1")


def test_another_documents_object_is_refused(storage: DirectoryStorage) -> None:
    one = upload(storage, samples.pdf(), ref="v-1")
    with pytest.raises(DocumentIntegrityError):
        b"".join(open_download(storage, one.key, one.size, DEK, "v-2"))


def test_a_missing_object_is_an_integrity_error(storage: DirectoryStorage) -> None:
    with pytest.raises(DocumentIntegrityError):
        open_download(storage, "0" * 32, 10, DEK, "v-1")


def test_s3_upload_download_and_refusal() -> None:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        client.create_bucket(Bucket="docs")
        storage = S3Storage("docs", "documents", client)
        stored = upload(storage, GeneratedText(6 * MB))
        assert stored.kind is DocumentKind.TEXT
        assert b"".join(open_download(storage, stored.key, stored.size, DEK, "v-1")) == GeneratedText(6 * MB).read()
        with pytest.raises(ContentRefused):
            upload(storage, samples.executable() * 200_000)  # ~20 MB: a multipart upload, then refused
        with pytest.raises(DocumentTooLarge):
            upload(storage, GeneratedText(20 * MB), max_bytes=12 * MB)
        assert list(storage.keys()) == [stored.key]
        assert not client.list_multipart_uploads(Bucket="docs").get("Uploads")
