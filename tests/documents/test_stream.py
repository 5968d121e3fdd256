"""Chunked AES-GCM: round trips, and every way of tampering with an object is refused."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from casebook.crypto.errors import DecryptionError
from casebook.documents.errors import DocumentIntegrityError
from casebook.documents.storage import DirectoryStorage
from casebook.documents.stream import (
    CHUNK_SIZE,
    FRAME_SIZE,
    HEADER_SIZE,
    ChunkEncryptor,
    DecryptingReader,
    decrypt_stream,
    plaintext_size,
    stored_size,
)

DEK = bytes(range(32))
OTHER_DEK = bytes(range(1, 33))


def encrypt(data: bytes, ref: str = "blob-1", dek: bytes = DEK, piece: int = 10_000) -> bytes:
    """Encrypt in pieces that do not line up with chunks, as an upload would arrive."""
    encryptor = ChunkEncryptor(dek, ref)
    out = bytearray(encryptor.header())
    for start in range(0, len(data), piece):
        out += encryptor.feed(data[start : start + piece])
    out += encryptor.finish()
    return bytes(out)


def decrypt(blob: bytes, ref: str = "blob-1", dek: bytes = DEK, piece: int = 7_777) -> bytes:
    pieces = (blob[start : start + piece] for start in range(0, len(blob), piece))
    return b"".join(decrypt_stream(dek, ref, pieces))


def frames(blob: bytes) -> list[bytes]:
    body = blob[HEADER_SIZE:]
    return [body[start : start + FRAME_SIZE] for start in range(0, len(body), FRAME_SIZE)]


def assemble(blob: bytes, chunk_frames: list[bytes]) -> bytes:
    return blob[:HEADER_SIZE] + b"".join(chunk_frames)


@pytest.mark.parametrize(
    "size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE, 3 * CHUNK_SIZE + 17]
)
def test_round_trip_and_sizes(size: int) -> None:
    data = os.urandom(size)
    blob = encrypt(data)
    assert len(blob) == stored_size(size)
    assert plaintext_size(len(blob)) == size
    assert decrypt(blob) == data


def test_ciphertext_does_not_contain_the_plaintext() -> None:
    data = b"BSN 123456789 " * 20_000
    assert b"BSN 123456789" not in encrypt(data)


def test_each_chunk_has_its_own_nonce() -> None:
    blob = encrypt(b"\x00" * (4 * CHUNK_SIZE))
    nonces = {frame[:12] for frame in frames(blob)}
    assert len(nonces) == 4


@pytest.mark.parametrize("position", [HEADER_SIZE + 3, HEADER_SIZE + 20, HEADER_SIZE + FRAME_SIZE + 100, -1])
def test_a_flipped_byte_is_refused(position: int) -> None:
    blob = bytearray(encrypt(os.urandom(2 * CHUNK_SIZE + 500)))
    blob[position] ^= 0x01
    with pytest.raises(DocumentIntegrityError):
        decrypt(bytes(blob))


def test_a_changed_header_is_refused() -> None:
    blob = bytearray(encrypt(b"data"))
    blob[7] = 1  # the reserved byte
    with pytest.raises(DocumentIntegrityError):
        decrypt(bytes(blob))


def test_chunks_swapped_within_a_blob_are_refused() -> None:
    blob = encrypt(os.urandom(3 * CHUNK_SIZE + 10))
    first, second, *rest = frames(blob)
    with pytest.raises(DocumentIntegrityError):
        decrypt(assemble(blob, [second, first, *rest]))


def test_a_chunk_swapped_between_two_blobs_is_refused() -> None:
    one = encrypt(os.urandom(2 * CHUNK_SIZE + 10), ref="blob-1")
    two = encrypt(os.urandom(2 * CHUNK_SIZE + 10), ref="blob-2")
    mixed = frames(one)
    mixed[1] = frames(two)[1]
    with pytest.raises(DocumentIntegrityError):
        decrypt(assemble(one, mixed))


def test_a_whole_object_moved_to_another_document_is_refused() -> None:
    with pytest.raises(DocumentIntegrityError):
        decrypt(encrypt(b"brief", ref="blob-1"), ref="blob-2")


def test_the_wrong_key_is_refused() -> None:
    with pytest.raises(DocumentIntegrityError):
        decrypt(encrypt(b"brief"), dek=OTHER_DEK)


def test_a_truncated_object_is_refused() -> None:
    """Dropping the last chunk leaves a chunk sealed as non-final at the end."""
    blob = encrypt(os.urandom(3 * CHUNK_SIZE + 10))
    with pytest.raises(DocumentIntegrityError):
        decrypt(assemble(blob, frames(blob)[:-1]))
    with pytest.raises(DocumentIntegrityError):
        decrypt(blob[:-5])
    with pytest.raises(DocumentIntegrityError):
        decrypt(blob[:HEADER_SIZE])
    with pytest.raises(DocumentIntegrityError):
        decrypt(b"")


def test_an_appended_chunk_is_refused() -> None:
    """The old final chunk is sealed as final, so anything after it fails."""
    blob = encrypt(os.urandom(2 * CHUNK_SIZE + 10))
    with pytest.raises(DocumentIntegrityError):
        decrypt(assemble(blob, [*frames(blob), frames(blob)[0]]))
    with pytest.raises(DocumentIntegrityError):
        decrypt(blob + encrypt(b"more")[HEADER_SIZE:])


def test_the_bad_chunk_plaintext_is_never_yielded() -> None:
    data = b"A" * CHUNK_SIZE + b"B" * CHUNK_SIZE + b"C" * 10
    blob = bytearray(encrypt(data))
    blob[HEADER_SIZE + FRAME_SIZE + 50] ^= 0xFF  # second chunk
    received = []
    with pytest.raises(DocumentIntegrityError):
        for piece in decrypt_stream(DEK, "blob-1", [bytes(blob)]):
            received.append(piece)
    assert b"".join(received) == b"A" * CHUNK_SIZE


def test_the_integrity_error_is_a_decryption_error() -> None:
    assert issubclass(DocumentIntegrityError, DecryptionError)


def test_only_a_32_byte_key_is_accepted() -> None:
    with pytest.raises(ValueError):
        ChunkEncryptor(b"short", "blob-1")


def store(tmp_path, data: bytes, ref: str = "blob-1") -> tuple[DirectoryStorage, str]:
    storage = DirectoryStorage(tmp_path)
    writer = storage.writer()
    writer.write(encrypt(data, ref))
    return storage, writer.commit()


def test_decrypting_reader_seeks_and_reads(tmp_path) -> None:
    data = os.urandom(5 * CHUNK_SIZE + 123)
    storage, key = store(tmp_path, data)
    reader = DecryptingReader(storage, key, dek=DEK, blob_ref="blob-1")
    assert reader.size == len(data)
    reader.seek(CHUNK_SIZE - 10)
    assert reader.read(30) == data[CHUNK_SIZE - 10 : CHUNK_SIZE + 20]
    reader.seek(-50, io.SEEK_END)
    assert reader.read() == data[-50:]
    reader.seek(0)
    assert reader.read() == data
    assert reader.read(10) == b""


def test_decrypting_reader_serves_zipfile(tmp_path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("big.bin", os.urandom(3 * CHUNK_SIZE))
        archive.writestr("note.txt", "hallo")
    storage, key = store(tmp_path, buffer.getvalue())
    with zipfile.ZipFile(DecryptingReader(storage, key, dek=DEK, blob_ref="blob-1")) as archive:
        assert archive.read("note.txt") == b"hallo"


def test_decrypting_reader_refuses_a_tampered_chunk(tmp_path) -> None:
    blob = bytearray(encrypt(os.urandom(3 * CHUNK_SIZE)))
    blob[HEADER_SIZE + 2 * FRAME_SIZE + 40] ^= 0x10
    storage = DirectoryStorage(tmp_path)
    writer = storage.writer()
    writer.write(bytes(blob))
    key = writer.commit()
    reader = DecryptingReader(storage, key, dek=DEK, blob_ref="blob-1")
    assert len(reader.read(CHUNK_SIZE)) == CHUNK_SIZE
    reader.seek(2 * CHUNK_SIZE)
    with pytest.raises(DocumentIntegrityError):
        reader.read(10)


def test_decrypting_reader_refuses_a_truncated_object(tmp_path) -> None:
    blob = encrypt(os.urandom(3 * CHUNK_SIZE + 10))
    storage = DirectoryStorage(tmp_path)
    writer = storage.writer()
    writer.write(assemble(blob, frames(blob)[:-1]))
    key = writer.commit()
    reader = DecryptingReader(storage, key, dek=DEK, blob_ref="blob-1")
    reader.seek(2 * CHUNK_SIZE)
    with pytest.raises(DocumentIntegrityError):
        reader.read(10)
