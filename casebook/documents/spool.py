"""Uploaded files never sit in plaintext on disk, nor whole in memory, while a request runs.

Werkzeug's form parser writes each uploaded file into whatever ``Request._get_file_stream``
returns — by default a plain temporary file for anything over 500 KB, so a 50 MB upload would
land on the server's disk in the clear before any view sees it. ``EncryptedSpoolRequest``
returns an ``EncryptedSpoolFile`` instead: what the parser writes is sealed with the chunked
AES-GCM of ``stream.py`` under a random key that exists only in this request's memory, and
reads decrypt one chunk at a time. Nothing else changes, so CSRFProtect's form parsing,
``request.files`` and Flask-WTF's ``FileField`` keep working as before.
"""

from __future__ import annotations

import io
import os
import tempfile
import uuid
from typing import IO, Any, cast

from flask import Flask, Request, current_app

from casebook.documents.stream import ChunkEncryptor, ChunkReader

MEGABYTE = 1024 * 1024
# Room for the other form fields and the multipart framing around the one file.
FORM_MARGIN = MEGABYTE


class EncryptedSpoolFile(io.RawIOBase):
    """Write-then-read temporary file holding only ciphertext.

    The parser writes, then seeks to 0; the first seek or read seals the last chunk and from
    then on the file is read-only plaintext with random access.
    """

    def __init__(self, key: bytes, directory: str | None = None) -> None:
        super().__init__()
        self._key = key
        self._ref = uuid.uuid4().hex
        self._file: IO[bytes] = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - closed in close()
        self._encryptor: ChunkEncryptor | None = ChunkEncryptor(key, self._ref)
        self._file.write(self._encryptor.header())
        self._written = 0
        self._reader: ChunkReader | None = None

    def writable(self) -> bool:
        return self._reader is None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if self._encryptor is None:
            raise io.UnsupportedOperation("the spool is read-only once read")
        piece = bytes(data)
        self._file.write(self._encryptor.feed(piece))
        self._written += len(piece)
        return len(piece)

    def _sealed(self) -> ChunkReader:
        """Finish writing on first read: seal the final chunk and open a decrypting view."""
        if self._reader is None:
            assert self._encryptor is not None
            self._file.write(self._encryptor.finish())
            self._file.flush()
            self._encryptor = None
            descriptor = self._file.fileno()
            size = os.fstat(descriptor).st_size
            read_at = lambda start, length: os.pread(descriptor, length, start)  # noqa: E731
            self._reader = ChunkReader(read_at, size, self._key, self._ref)
        return self._reader

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._sealed().seek(offset, whence)

    def tell(self) -> int:
        return self._written if self._reader is None else self._reader.tell()

    def readinto(self, buffer: Any) -> int:
        return self._sealed().readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


class EncryptedSpoolRequest(Request):
    """Flask's request, with uploaded files spooled encrypted under a per-request key."""

    def _spool_key(self) -> bytes:
        key = self.__dict__.get("_casebook_spool_key")
        if key is None:
            key = os.urandom(32)
            self.__dict__["_casebook_spool_key"] = key
        return key

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        directory = current_app.config.get("DOCUMENT_SPOOL_DIR")
        return cast(IO[bytes], EncryptedSpoolFile(self._spool_key(), directory))


def install(app: Flask) -> None:
    """Use the encrypted spool for every request and cap the body at the document limit.

    ``DOCUMENT_MAX_MB`` (env ``CASEBOOK_DOCUMENT_MAX_MB``, default 25) plus a margin for the
    other fields; ``DOCUMENT_SPOOL_DIR`` (default: the system's temporary directory) is where
    the encrypted spool files go.
    """
    app.request_class = EncryptedSpoolRequest
    max_mb = int(app.config["DOCUMENT_MAX_MB"])
    app.config["MAX_CONTENT_LENGTH"] = max_mb * MEGABYTE + FORM_MARGIN
