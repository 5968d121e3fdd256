"""One upload, from the form's file to a committed, encrypted, scanned and typed object.

The file is read once, in chunks: each chunk is counted (so an oversize upload stops at the
limit rather than after it), fed to the virus scanner and encrypted into the storage writer.
Nothing of it is held whole in memory. Only when the scanner says clean is the object
committed; its kind is then decided on the stored ciphertext (zip and OLE containers need
random access, which S3 gives only for a completed object) and a refused kind is deleted at
once. Every failure path leaves no object behind: the writer is aborted, or the committed
object deleted, before the error reaches the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from casebook.documents.content import DocumentKind, detect
from casebook.documents.errors import ContentRefused, DocumentInfected, DocumentIntegrityError, DocumentTooLarge
from casebook.documents.scan import Scanner, ScanSession
from casebook.documents.storage import BlobNotFound, BlobStorage, BlobWriter
from casebook.documents.stream import CHUNK_SIZE, ChunkEncryptor, DecryptingReader, decrypt_stream, stored_size

# Stored bytes per read when streaming a download (whole frames, a few at a time).
DOWNLOAD_PIECE = 4 * (CHUNK_SIZE + 28)


@dataclass(frozen=True)
class StoredBlob:
    """A committed object: its storage key, plaintext size, kind, and whether it was scanned."""

    key: str
    size: int
    kind: DocumentKind
    scanned: bool


def store_upload(
    source: BinaryIO,
    *,
    dek: bytes,
    blob_ref: str,
    storage: BlobStorage,
    scanner: Scanner | None,
    max_bytes: int,
) -> StoredBlob:
    """Stream ``source`` into ``storage`` encrypted with ``dek``; refuse what must not be kept.

    Raises ``DocumentTooLarge``, ``ContentRefused`` (empty or not allowed), ``DocumentInfected``
    or ``ScanUnavailable``; in each case nothing stays in storage.
    """
    writer = storage.writer()
    session: ScanSession | None = None
    try:
        session = scanner.start() if scanner is not None else None
        size = _stream_into(source, writer, session, ChunkEncryptor(dek, blob_ref), max_bytes)
        _require_clean(session)
        key = writer.commit()
    except BaseException:
        writer.abort()
        _close(session)
        raise
    try:
        kind = detect(DecryptingReader(storage, key, dek=dek, blob_ref=blob_ref), size)
    except BaseException:
        storage.delete(key)
        raise
    return StoredBlob(key=key, size=size, kind=kind, scanned=session is not None)


def _stream_into(
    source: BinaryIO, writer: BlobWriter, session: ScanSession | None, encryptor: ChunkEncryptor, max_bytes: int
) -> int:
    """Copy ``source`` chunk by chunk into the writer and the scanner; return its size."""
    writer.write(encryptor.header())
    size = 0
    while piece := source.read(CHUNK_SIZE):
        size += len(piece)
        if size > max_bytes:
            raise DocumentTooLarge(max_bytes)
        if session is not None:
            session.feed(piece)
        writer.write(encryptor.feed(piece))
    if size == 0:
        raise ContentRefused(str(_l("Het bestand is leeg.")))
    writer.write(encryptor.finish())
    return size


def _require_clean(session: ScanSession | None) -> None:
    if session is None:
        return
    verdict = session.finish()
    if not verdict.clean:
        raise DocumentInfected(verdict.signature or "unknown")


def _close(session: ScanSession | None) -> None:
    """Drop the scanner's connection when the upload fails before its verdict."""
    close = getattr(session, "close", None)
    if close is not None:
        close()


def open_download(storage: BlobStorage, key: str, size: int, dek: bytes, blob_ref: str) -> Iterator[bytes]:
    """Plaintext pieces of a stored document of ``size`` plaintext bytes.

    The stored length is checked before the first byte is returned, so a truncated or
    extended object fails here (an integrity error page) and not halfway through a response;
    a tampered chunk fails before its plaintext is yielded.
    """
    try:
        actual = storage.size(key)
    except BlobNotFound:
        raise DocumentIntegrityError() from None
    if actual != stored_size(size):
        raise DocumentIntegrityError()
    return decrypt_stream(dek, blob_ref, storage.iter_chunks(key, DOWNLOAD_PIECE))
