"""Field encryption: one AES-256-GCM ciphertext per value, bound to its table, column, row and owner.

Blob format (version 1)::

    0x01 | data-key id (4 bytes, big-endian unsigned) | nonce (12 random bytes) | ciphertext || tag (16)

The data-key id is the row id of the DEK record, so a reader knows which DEK to unwrap without
another column. The 5-byte header is authenticated together with the caller's associated data,
so a changed version byte or key id fails like any other tampering. Plaintext is UTF-8 text.

A fresh ``os.urandom(12)`` nonce per value: with random 96-bit nonces one DEK may safely encrypt
up to about 2**32 values, far more than one case or person ever holds.

No cipher objects are cached: building an ``AESGCM`` costs about 1 µs next to about 1.5 µs to
encrypt 2 KB (bench/bench_crypto_fields.py), well inside the 50 µs budget, and a cache would keep
data keys, including shredded ones, alive in the process.
"""

from __future__ import annotations

import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionError

__all__ = ["FIELD_FORMAT_VERSION", "blob_dek_id", "decrypt_text", "encrypt_text", "field_aad"]

FIELD_FORMAT_VERSION = 1
_VERSION_BYTE = bytes([FIELD_FORMAT_VERSION])
_HEADER = struct.Struct(">BI")  # version, data-key id
_NONCE_BYTES = 12
_TAG_BYTES = 16
_MIN_BLOB = _HEADER.size + _NONCE_BYTES + _TAG_BYTES
_MAX_DEK_ID = 2**32 - 1
_AAD_DOMAIN = b"casebook/field/v1"


def field_aad(table: str, column: str, row_ref: str | int, owner_ref: str | int) -> bytes:
    """Associated data that binds a field ciphertext to where it is stored.

    Encoding: ``b"casebook/field/v1"`` followed by each of table, column, row_ref and owner_ref
    as a 4-byte big-endian length and its UTF-8 bytes. Length prefixes make the encoding
    unambiguous whatever the parts contain (``("a|b", "c")`` and ``("a", "b|c")`` differ), so a
    ciphertext copied to another table, column, row or owner never authenticates.

    Integer refs are written in decimal, so ``42`` and ``"42"`` give the same associated data.
    """
    out = bytearray(_AAD_DOMAIN)
    for name, part in (("table", table), ("column", column), ("row_ref", row_ref), ("owner_ref", owner_ref)):
        if isinstance(part, int) and not isinstance(part, bool):
            part = str(part)
        if not isinstance(part, str) or not part:
            raise ValueError(f"{name} must be a non-empty string or an int")
        encoded = part.encode("utf-8")
        out += len(encoded).to_bytes(4, "big") + encoded
    return bytes(out)


def _check_dek(dek: bytes) -> None:
    if not isinstance(dek, bytes) or len(dek) != 32:
        raise ValueError("a data key must be 32 bytes")


def encrypt_text(dek: bytes, dek_id: int, plaintext: str, aad: bytes) -> bytes:
    """Encrypt `plaintext` under `dek` (whose record id is `dek_id`) bound to `aad` (see `field_aad`).

    :raises ValueError: for a malformed key or id, or text that is not valid Unicode (a lone
        surrogate); the message never contains the text.
    """
    _check_dek(dek)
    if isinstance(dek_id, bool) or not isinstance(dek_id, int) or not 0 <= dek_id <= _MAX_DEK_ID:
        raise ValueError("dek_id must be an int between 0 and 2**32 - 1")
    if not isinstance(plaintext, str):
        raise TypeError("plaintext must be str")
    try:
        data = plaintext.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("plaintext is not valid Unicode text") from None
    header = _HEADER.pack(FIELD_FORMAT_VERSION, dek_id)
    nonce = os.urandom(_NONCE_BYTES)
    return header + nonce + AESGCM(dek).encrypt(nonce, data, header + aad)


def blob_dek_id(blob: bytes) -> int:
    """The data-key id in a blob's header (to pick the DEK to unwrap). Not authenticated until decryption.

    :raises DecryptionError: for a blob that is too short or of an unknown version.
    """
    if not isinstance(blob, bytes | bytearray | memoryview) or len(blob) < _MIN_BLOB:
        raise DecryptionError("encrypted value is truncated or not an encrypted value")
    version, dek_id = _HEADER.unpack_from(blob)
    if version != FIELD_FORMAT_VERSION:
        raise DecryptionError("encrypted value has an unknown format version")
    return dek_id


def decrypt_text(dek: bytes, blob: bytes, aad: bytes) -> str:
    """Decrypt a blob made by `encrypt_text` with the same `aad`.

    :raises DecryptionError: if the blob is malformed, was changed, belongs to another
        table/column/row/owner, or `dek` is not the key it was encrypted with.
    """
    _check_dek(dek)
    blob_dek_id(blob)  # validates length and version
    blob = bytes(blob)
    header_end = _HEADER.size
    nonce_end = header_end + _NONCE_BYTES
    try:
        data = AESGCM(dek).decrypt(blob[header_end:nonce_end], blob[nonce_end:], blob[:header_end] + aad)
    except InvalidTag:
        raise DecryptionError("encrypted value failed authentication") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # only possible if someone encrypted non-UTF-8 with the right key
        raise DecryptionError("encrypted value is not UTF-8 text") from None
