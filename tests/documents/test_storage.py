"""Both storage backends keep the same contract: commit or abort, ranges, delete, no leftovers."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import boto3
import pytest
from flask import Flask
from moto import mock_aws

from casebook.documents.storage import (
    S3_PART_SIZE,
    BlobNotFound,
    BlobStorage,
    DirectoryStorage,
    DirectoryWriter,
    S3Storage,
    storage_for,
)
from casebook.settings import load_settings

BUCKET = "casebook-documents"


@pytest.fixture
def s3_client() -> Iterator[object]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


@pytest.fixture(params=["directory", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path) -> BlobStorage:
    if request.param == "directory":
        return DirectoryStorage(tmp_path / "documents")
    return S3Storage(BUCKET, "documents/", request.getfixturevalue("s3_client"))


def write(storage: BlobStorage, data: bytes) -> str:
    writer = storage.writer()
    for start in range(0, len(data), 100_000):
        writer.write(data[start : start + 100_000])
    return writer.commit()


def test_commit_read_size_delete(storage: BlobStorage) -> None:
    data = os.urandom(300_000)
    key = write(storage, data)
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    assert storage.exists(key)
    assert storage.size(key) == len(data)
    assert storage.read(key) == data
    assert list(storage.keys()) == [key]
    storage.delete(key)
    assert not storage.exists(key)
    assert list(storage.keys()) == []


def test_reads_with_ranges(storage: BlobStorage) -> None:
    data = os.urandom(10_000)
    key = write(storage, data)
    assert storage.read(key, 100, 50) == data[100:150]
    assert storage.read(key, 9_990) == data[9_990:]
    assert storage.read(key, 9_990, 100) == data[9_990:]
    assert storage.read(key, 5, 0) == b""
    assert b"".join(storage.iter_chunks(key, 3_000)) == data


def test_keys_are_random(storage: BlobStorage) -> None:
    assert write(storage, b"x") != write(storage, b"x")


def test_abort_leaves_nothing(storage: BlobStorage) -> None:
    writer = storage.writer()
    writer.write(os.urandom(S3_PART_SIZE + 10))  # enough for S3 to start a multipart upload
    (pending,) = storage.keys()  # pending objects are listed, so a sweep can find them
    assert pending.endswith(".part")
    writer.abort()
    writer.abort()
    assert list(storage.keys()) == []


def test_a_sweep_can_remove_what_a_crash_left(storage: BlobStorage) -> None:
    """A writer that was never committed nor aborted (the process died) is found and removed."""
    committed = write(storage, b"kept")
    writer = storage.writer()
    writer.write(os.urandom(S3_PART_SIZE + 10))
    pending = [key for key in list(storage.keys()) if key.endswith(".part")]
    assert len(pending) == 1
    storage.delete(pending[0])
    assert list(storage.keys()) == [committed]
    if isinstance(writer, DirectoryWriter):
        writer._file.close()  # what the dead process would have released


def test_a_missing_key_is_not_found(storage: BlobStorage) -> None:
    key = "0" * 32
    assert not storage.exists(key)
    with pytest.raises(BlobNotFound):
        storage.read(key)
    with pytest.raises(BlobNotFound):
        storage.size(key)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ABCDEF", "0" * 31, "0" * 32 + "/x"])
def test_only_our_key_format_is_accepted(storage: BlobStorage, key: str) -> None:
    with pytest.raises(BlobNotFound):
        storage.read(key)


def test_directory_writes_a_part_file_then_renames(tmp_path) -> None:
    storage = DirectoryStorage(tmp_path)
    writer = storage.writer()
    writer.write(b"ciphertext")
    (part,) = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert part.name.endswith(".part")
    assert part.stat().st_mode & 0o077 == 0
    key = writer.commit()
    (final,) = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert final.name == key
    assert final.relative_to(tmp_path).parts == (key[:2], key[2:4], key)


def test_directory_writer_aborts_when_its_block_fails(tmp_path) -> None:
    storage = DirectoryStorage(tmp_path)
    with pytest.raises(RuntimeError), storage.writer() as writer:
        writer.write(b"ciphertext")
        raise RuntimeError("interrupted")
    assert list(storage.keys()) == []


def test_s3_multipart_upload_and_abort(s3_client) -> None:
    storage = S3Storage(BUCKET, "documents", s3_client)
    data = os.urandom(2 * S3_PART_SIZE + 1234)
    key = write(storage, data)
    assert storage.read(key, S3_PART_SIZE - 5, 10) == data[S3_PART_SIZE - 5 : S3_PART_SIZE + 5]
    assert s3_client.head_object(Bucket=BUCKET, Key=f"documents/{key}")["ContentLength"] == len(data)

    writer = storage.writer()
    writer.write(os.urandom(S3_PART_SIZE + 10))  # starts a multipart upload
    assert s3_client.list_multipart_uploads(Bucket=BUCKET).get("Uploads")
    writer.abort()
    assert not s3_client.list_multipart_uploads(Bucket=BUCKET).get("Uploads")
    assert list(storage.keys()) == [key]


def test_storage_for_builds_once_from_config(tmp_path) -> None:
    app = Flask(__name__, instance_path=str(tmp_path))
    app.config.update(load_settings(environ={}))  # the declared defaults: a directory under the instance
    storage = storage_for(app)
    assert isinstance(storage, DirectoryStorage)
    assert storage.root == tmp_path / "documents"
    assert storage_for(app) is storage


def test_storage_for_s3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    app = Flask(__name__)
    app.config.update(DOCUMENT_STORAGE="s3", S3_BUCKET=BUCKET, S3_PREFIX="docs")
    storage = storage_for(app)
    assert isinstance(storage, S3Storage)
    assert (storage.bucket, storage.prefix) == (BUCKET, "docs/")


def test_storage_for_refuses_an_unknown_backend() -> None:
    app = Flask(__name__)
    app.config["DOCUMENT_STORAGE"] = "ftp"
    with pytest.raises(ValueError):
        storage_for(app)
