"""Chunked AES-256-GCM for documents: encrypt while streaming, decrypt one chunk at a time.

A document can be 50 MB; it must never sit in memory whole, and what is stored must betray
nothing and accept no tampering. So the plaintext is cut into chunks of ``CHUNK_SIZE`` bytes,
each sealed on its own. Stored object format::

    header  b"CBDOC\\x01" || chunk-size exponent (1 byte, 16 = 64 KiB) || reserved (1 byte, 0)
    chunk*  nonce (12, random) || ciphertext || tag (16)

Every chunk's associated data binds it to its place: ``b"casebook/document/v1"``, the blob
reference (the document version's uuid, length-prefixed with 2 bytes big-endian), the chunk
index (8 bytes big-endian) and a final flag (1 byte). Moving a chunk to another index or another
document fails its tag; dropping the last chunk leaves a non-final chunk at the end, and
appending one turns the final chunk into a non-final one — both fail too. Every chunk but the
last holds exactly ``CHUNK_SIZE`` bytes, so a chunk's position in the object is arithmetic and
``DecryptingReader`` can decrypt only the chunks a seek needs.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casebook.documents.errors import DocumentIntegrityError

if TYPE_CHECKING:
    from casebook.documents.storage import BlobStorage

CHUNK_EXPONENT = 16
CHUNK_SIZE = 1 << CHUNK_EXPONENT
MAGIC = b"CBDOC\x01"
HEADER = MAGIC + bytes([CHUNK_EXPONENT, 0])
HEADER_SIZE = len(HEADER)
NONCE_SIZE = 12
TAG_SIZE = 16
OVERHEAD = NONCE_SIZE + TAG_SIZE
FRAME_SIZE = CHUNK_SIZE + OVERHEAD
AAD_LABEL = b"casebook/document/v1"
# Stored chunks a reader fetches at once (~512 KiB): sequential reads cost few storage requests.
READ_AHEAD = 8


def _aad(blob_ref: str, index: int, final: bool) -> bytes:
    """Associated data that pins a chunk to its document, its position and its finality."""
    ref = blob_ref.encode("utf-8")
    return AAD_LABEL + len(ref).to_bytes(2, "big") + ref + index.to_bytes(8, "big") + (b"\x01" if final else b"\x00")


def _cipher(dek: bytes) -> AESGCM:
    """AES-256 only: a shorter key is a programming error, not a choice."""
    if len(dek) != 32:
        raise ValueError("a document data key is 32 bytes")
    return AESGCM(dek)


def stored_size(plaintext_size: int) -> int:
    """Bytes the stored object takes for ``plaintext_size`` bytes of plaintext."""
    chunks = max(1, -(-plaintext_size // CHUNK_SIZE))
    return HEADER_SIZE + chunks * OVERHEAD + plaintext_size


def plaintext_size(object_size: int) -> int:
    """The plaintext length a stored object of ``object_size`` bytes holds, or an integrity error."""
    body = object_size - HEADER_SIZE
    if body < OVERHEAD:
        raise DocumentIntegrityError()
    chunks = -(-body // FRAME_SIZE)
    size = body - chunks * OVERHEAD
    if stored_size(size) != object_size:
        raise DocumentIntegrityError()
    return size


def check_header(header: bytes) -> None:
    """Refuse an object that is not ours or was written with a layout we do not read."""
    if header != HEADER:
        raise DocumentIntegrityError()


class ChunkEncryptor:
    """Encrypts a stream for one blob; ``feed`` returns whole sealed chunks as they fill up.

    The last full chunk is held back until ``finish``: only then is it known whether it is the
    final one, and the final flag is part of its associated data.
    """

    def __init__(self, dek: bytes, blob_ref: str) -> None:
        self._aead = _cipher(dek)
        self._blob_ref = blob_ref
        self._buffer = bytearray()
        self._index = 0
        self._finished = False

    def header(self) -> bytes:
        """The object header, written once before the first chunk."""
        return HEADER

    def feed(self, data: bytes) -> bytes:
        """Buffer ``data``; return the ciphertext of the chunks that are complete and not last."""
        if self._finished:
            raise ValueError("encryptor already finished")
        self._buffer += data
        sealed = bytearray()
        while len(self._buffer) > CHUNK_SIZE:
            sealed += self._seal(bytes(self._buffer[:CHUNK_SIZE]), final=False)
            del self._buffer[:CHUNK_SIZE]
        return bytes(sealed)

    def finish(self) -> bytes:
        """Seal what is left as the final chunk (empty only for an empty blob)."""
        if self._finished:
            raise ValueError("encryptor already finished")
        self._finished = True
        sealed = self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()
        return sealed

    def _seal(self, chunk: bytes, *, final: bool) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        sealed = nonce + self._aead.encrypt(nonce, chunk, _aad(self._blob_ref, self._index, final))
        self._index += 1
        return sealed


def _open(aead: AESGCM, blob_ref: str, index: int, frame: bytes, *, final: bool) -> bytes:
    """Authenticate and decrypt one stored chunk, or raise ``DocumentIntegrityError``."""
    if len(frame) < OVERHEAD or len(frame) > FRAME_SIZE or (not final and len(frame) != FRAME_SIZE):
        raise DocumentIntegrityError()
    try:
        return aead.decrypt(frame[:NONCE_SIZE], frame[NONCE_SIZE:], _aad(blob_ref, index, final))
    except InvalidTag:
        raise DocumentIntegrityError() from None


def decrypt_stream(dek: bytes, blob_ref: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the plaintext of a stored object given as pieces of any size.

    A chunk is only known to be non-final once bytes after it arrive, so one frame is held
    back; a bad chunk raises before any of its plaintext is yielded.
    """
    aead = _cipher(dek)
    buffer = bytearray()
    header_checked = False
    index = 0
    for piece in chunks:
        buffer += piece
        if not header_checked:
            if len(buffer) < HEADER_SIZE:
                continue
            check_header(bytes(buffer[:HEADER_SIZE]))
            del buffer[:HEADER_SIZE]
            header_checked = True
        while len(buffer) > FRAME_SIZE:
            yield _open(aead, blob_ref, index, bytes(buffer[:FRAME_SIZE]), final=False)
            del buffer[:FRAME_SIZE]
            index += 1
    if not header_checked:
        raise DocumentIntegrityError()
    yield _open(aead, blob_ref, index, bytes(buffer), final=True)


class ChunkReader(io.RawIOBase):
    """Seekable plaintext view of a stored object, reached through ``read_at(start, length)``.

    Decrypts only the chunk a read falls in and keeps that one chunk, so ``zipfile`` and
    ``olefile`` can jump to a central directory at the end without the whole file in memory.
    """

    def __init__(self, read_at: Callable[[int, int], bytes], object_size: int, dek: bytes, blob_ref: str) -> None:
        super().__init__()
        self._read_at = read_at
        self._aead = _cipher(dek)
        self._blob_ref = blob_ref
        self._size = plaintext_size(object_size)
        self._chunks = max(1, -(-self._size // CHUNK_SIZE))
        self._position = 0
        self._cached: tuple[int, bytes] | None = None
        self._window: tuple[int, bytes] = (0, b"")
        check_header(read_at(0, HEADER_SIZE))

    @property
    def size(self) -> int:
        """Plaintext length in bytes."""
        return self._size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` across chunk boundaries: zipfile and olefile expect full reads."""
        view = memoryview(buffer).cast("B")
        filled = 0
        while filled < len(view) and self._position < self._size:
            index, offset = divmod(self._position, CHUNK_SIZE)
            chunk = self._chunk(index)
            count = min(len(view) - filled, len(chunk) - offset)
            view[filled : filled + count] = chunk[offset : offset + count]
            filled += count
            self._position += count
        return filled

    def _chunk(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            final = index == self._chunks - 1
            self._cached = (index, _open(self._aead, self._blob_ref, index, self._frame(index), final=final))
        return self._cached[1]

    def _frame(self, index: int) -> bytes:
        """The stored chunk, fetched with a few after it: one S3 request per window, not per chunk."""
        first, window = self._window
        if not first <= index < first + -(-len(window) // FRAME_SIZE):
            first, window = index, self._read_at(HEADER_SIZE + index * FRAME_SIZE, READ_AHEAD * FRAME_SIZE)
            self._window = (first, window)
        offset = (index - first) * FRAME_SIZE
        return window[offset : offset + FRAME_SIZE]


class DecryptingReader(ChunkReader):
    """``ChunkReader`` over an object in a ``BlobStorage`` (its size read from the storage)."""

    def __init__(self, storage: BlobStorage, key: str, *, dek: bytes, blob_ref: str) -> None:
        super().__init__(
            lambda start, length: storage.read(key, start, length), storage.size(key), dek=dek, blob_ref=blob_ref
        )
