"""Where the ciphertext of documents lives: a directory (default) or an S3 bucket.

The interface is small on purpose — write a new object under a random key, read ranges, delete
— so that the code holding the rules never knows which backend is configured, and a backend
only ever sees ciphertext. Keys are random (32 hex characters) and say nothing about the case,
the person or the file name. A writer either commits or aborts; an abort leaves nothing
behind, and ``keys()`` lists pending objects too, so what a crash left can be found.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from flask import Flask

EXTENSION_KEY = "casebook.documents.storage"
PENDING_SUFFIX = ".part"
_KEY_PATTERN = re.compile(r"[0-9a-f]{32}")
# S3 needs parts of at least 5 MiB (but the last); this is also the writer's memory bound.
S3_PART_SIZE = 5 * 1024 * 1024


class BlobNotFound(LookupError):
    """No committed object under this key (a dangling reference, or a key that never existed)."""


def new_key() -> str:
    """A random object key: 128 bits, unguessable, unrelated to the document."""
    return secrets.token_hex(16)


def _check_key(key: str) -> str:
    """Refuse anything but our own key format, so a key can never walk out of the store."""
    if not _KEY_PATTERN.fullmatch(key):
        raise BlobNotFound("not a document key")
    return key


class BlobWriter(Protocol):
    """A new object being written; exactly one of ``commit`` or ``abort`` ends it."""

    def write(self, data: bytes) -> None: ...

    def commit(self) -> str: ...

    def abort(self) -> None: ...


class BlobStorage(Protocol):
    """The backend contract the sink and the services rely on."""

    def writer(self) -> BlobWriter: ...

    def read(self, key: str, start: int = 0, length: int | None = None) -> bytes: ...

    def iter_chunks(self, key: str, size: int) -> Iterator[bytes]: ...

    def size(self, key: str) -> int: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...

    def exists(self, key: str) -> bool: ...


class DirectoryWriter:
    """Writes ``<key>.part`` and renames it on commit, so a reader never sees half an object."""

    def __init__(self, path: Path, key: str) -> None:
        self.key = key
        self._path = path
        self._part = path.with_name(path.name + PENDING_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self._part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._done = False

    def write(self, data: bytes) -> None:
        self._file.write(data)

    def commit(self) -> str:
        """Flush to disk, then rename: after a crash the object is whole or still ``.part``."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._part, self._path)
        try:
            _fsync_directory(self._path.parent)
        except BaseException:
            self._path.unlink(missing_ok=True)
            raise
        self._done = True
        return self.key

    def abort(self) -> None:
        """Remove the partial file; safe to call twice or after a failed commit."""
        if self._done:
            return
        self._done = True
        self._file.close()
        self._part.unlink(missing_ok=True)

    def __enter__(self) -> DirectoryWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.abort()


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable (the directory entry is what the rename changed)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DirectoryStorage:
    """Objects as files under ``root/ab/cd/abcd…`` (two-level fan-out keeps directories small)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        _check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def writer(self) -> DirectoryWriter:
        key = new_key()
        return DirectoryWriter(self._path(key), key)

    def read(self, key: str, start: int = 0, length: int | None = None) -> bytes:
        try:
            with open(self._path(key), "rb") as handle:
                handle.seek(start)
                return handle.read() if length is None else handle.read(length)
        except FileNotFoundError:
            raise BlobNotFound("no such document object") from None

    def iter_chunks(self, key: str, size: int) -> Iterator[bytes]:
        try:
            handle = open(self._path(key), "rb")  # noqa: SIM115 - closed by the generator
        except FileNotFoundError:
            raise BlobNotFound("no such document object") from None
        return _iter_file(handle, size)

    def size(self, key: str) -> int:
        try:
            return self._path(key).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound("no such document object") from None

    def delete(self, key: str) -> None:
        """Remove an object; ``<key>.part`` (as ``keys()`` lists it) removes a pending one."""
        if key.endswith(PENDING_SUFFIX):
            path = self._path(key.removesuffix(PENDING_SUFFIX))
            path.with_name(path.name + PENDING_SUFFIX).unlink(missing_ok=True)
            return
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self) -> Iterator[str]:
        """Committed keys, and pending ones as ``<key>.part`` (for tests and for finding orphans)."""
        if not self.root.is_dir():
            return
        for path in sorted(self.root.glob("*/*/*")):
            name = path.name.removesuffix(PENDING_SUFFIX)
            if _KEY_PATTERN.fullmatch(name):
                yield path.name


def _iter_file(handle: Any, size: int) -> Iterator[bytes]:
    with handle:
        while piece := handle.read(size):
            yield piece


class S3Writer:
    """Buffers one part (5 MiB) at a time; a small object is one ``PutObject``.

    A multipart upload is only started when the first part is full, and ``abort`` aborts it,
    so neither an object nor a pending upload (which S3 would keep, and bill) stays behind.
    """

    def __init__(self, client: Any, bucket: str, object_name: str, key: str) -> None:
        self.key = key
        self._client = client
        self._bucket = bucket
        self._name = object_name
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._done = False

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) >= S3_PART_SIZE:
            self._upload_part(bytes(self._buffer[:S3_PART_SIZE]))
            del self._buffer[:S3_PART_SIZE]

    def _upload_part(self, body: bytes) -> None:
        if self._upload_id is None:
            started = self._client.create_multipart_upload(Bucket=self._bucket, Key=self._name)
            self._upload_id = started["UploadId"]
        number = len(self._parts) + 1
        answer = self._client.upload_part(
            Bucket=self._bucket, Key=self._name, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def commit(self) -> str:
        if self._upload_id is None:
            self._client.put_object(Bucket=self._bucket, Key=self._name, Body=bytes(self._buffer))
        else:
            if self._buffer:
                self._upload_part(bytes(self._buffer))
            self._client.complete_multipart_upload(
                Bucket=self._bucket, Key=self._name, UploadId=self._upload_id, MultipartUpload={"Parts": self._parts}
            )
        self._buffer.clear()
        self._done = True
        return self.key

    def abort(self) -> None:
        if self._done:
            return
        self._done = True
        self._buffer.clear()
        if self._upload_id is not None:
            self._client.abort_multipart_upload(Bucket=self._bucket, Key=self._name, UploadId=self._upload_id)

    def __enter__(self) -> S3Writer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.abort()


class S3Storage:
    """Objects in an S3 bucket under ``prefix`` (any S3-compatible store via the client)."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client

    def _name(self, key: str) -> str:
        return self.prefix + _check_key(key)

    def writer(self) -> S3Writer:
        key = new_key()
        return S3Writer(self.client, self.bucket, self._name(key), key)

    def _get(self, key: str, **range_: str) -> Any:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key), **range_)["Body"]
        except self.client.exceptions.NoSuchKey:
            raise BlobNotFound("no such document object") from None

    def read(self, key: str, start: int = 0, length: int | None = None) -> bytes:
        if length == 0:
            return b""
        if start == 0 and length is None:
            return self._get(key).read()
        end = "" if length is None else str(start + length - 1)
        try:
            return self._get(key, Range=f"bytes={start}-{end}").read()
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                return b""
            raise

    def iter_chunks(self, key: str, size: int) -> Iterator[bytes]:
        body = self._get(key)
        return _iter_body(body, size)

    def size(self, key: str) -> int:
        try:
            return int(self.client.head_object(Bucket=self.bucket, Key=self._name(key))["ContentLength"])
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                raise BlobNotFound("no such document object") from None
            raise

    def delete(self, key: str) -> None:
        """Remove an object; ``<key>.part`` (as ``keys()`` lists it) aborts a pending upload."""
        if key.endswith(PENDING_SUFFIX):
            name = self._name(key.removesuffix(PENDING_SUFFIX))
            uploads = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=name)
            for upload in uploads.get("Uploads", []):
                if upload["Key"] == name:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload["UploadId"])
            return
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except BlobNotFound:
            return False
        return True

    def keys(self) -> Iterator[str]:
        """Committed keys, and keys of pending multipart uploads as ``<key>.part``."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for entry in page.get("Contents", []):
                yield entry["Key"].removeprefix(self.prefix)
        uploads = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
        for upload in uploads.get("Uploads", []):
            yield upload["Key"].removeprefix(self.prefix) + PENDING_SUFFIX


def _iter_body(body: Any, size: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(size)
    finally:
        body.close()


def storage_for(app: Flask) -> BlobStorage:
    """The configured backend, built once per app.

    Settings (``app.config``; the environment spells them with the ``CASEBOOK_`` prefix):
    ``DOCUMENT_STORAGE`` = ``directory`` (default; ``DOCUMENT_DIR``, default
    ``<instance>/documents``) or ``s3`` (``S3_BUCKET``, ``S3_PREFIX``, ``S3_ENDPOINT_URL``;
    credentials from boto3's usual chain).
    """
    storage = app.extensions.get(EXTENSION_KEY)
    if storage is None:
        storage = _build_storage(app)
        app.extensions[EXTENSION_KEY] = storage
    return storage


def _build_storage(app: Flask) -> BlobStorage:
    kind = app.config["DOCUMENT_STORAGE"]
    if kind == "directory":
        root = app.config.get("DOCUMENT_DIR") or os.path.join(app.instance_path, "documents")
        return DirectoryStorage(root)
    if kind == "s3":
        import boto3

        client = boto3.client("s3", endpoint_url=app.config.get("S3_ENDPOINT_URL") or None)
        return S3Storage(str(app.config["S3_BUCKET"]), str(app.config["S3_PREFIX"]), client)
    raise ValueError(f"DOCUMENT_STORAGE must be 'directory' or 's3', not {kind!r}")
