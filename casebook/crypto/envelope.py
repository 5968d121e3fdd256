"""Envelope encryption: each case and person has its own data key (DEK), stored only wrapped by a KEK.

Rotating a KEK re-wraps the small DEK records and never touches field ciphertext; deleting a
DEK record crypto-shreds everything encrypted under it. A wrapped DEK is bound to its owner
through the associated data, so a wrapped DEK copied to another case or person fails to unwrap.

Wrapped form: 12-byte random nonce || AES-256-GCM(ciphertext of the 32-byte DEK || 16-byte tag),
60 bytes in all, stored with the KEK id beside it.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import DecryptionError, KeyringError
from .keyring import KEY_BYTES, Keyring

__all__ = ["DEK_BYTES", "WRAPPED_DEK_BYTES", "new_dek", "rewrap_dek", "unwrap_dek", "wrap_dek"]

DEK_BYTES = KEY_BYTES
_NONCE_BYTES = 12
_TAG_BYTES = 16
WRAPPED_DEK_BYTES = _NONCE_BYTES + DEK_BYTES + _TAG_BYTES
_AAD_PREFIX = b"casebook/dek/v1|"


def new_dek() -> bytes:
    """A fresh random 256-bit data key."""
    return os.urandom(DEK_BYTES)


def _dek_aad(owner_ref: str) -> bytes:
    if not isinstance(owner_ref, str) or not owner_ref:
        raise ValueError("owner_ref must be a non-empty string such as 'case:42'")
    return _AAD_PREFIX + owner_ref.encode("utf-8")


def wrap_dek(keyring: Keyring, dek: bytes, owner_ref: str) -> tuple[str, bytes]:
    """Wrap `dek` under the primary KEK for the owner `owner_ref` (e.g. ``"case:42"``).

    :returns: ``(kek_id, nonce || ciphertext)``; store both on the DEK record.
    """
    if not isinstance(dek, bytes) or len(dek) != DEK_BYTES:
        raise ValueError(f"a data key must be {DEK_BYTES} bytes")
    aad = _dek_aad(owner_ref)
    kek_id, kek = keyring.primary()
    nonce = os.urandom(_NONCE_BYTES)
    return kek_id, nonce + AESGCM(kek).encrypt(nonce, dek, aad)


def unwrap_dek(keyring: Keyring, kek_id: str, wrapped: bytes, owner_ref: str) -> bytes:
    """Recover the DEK wrapped under KEK `kek_id` for `owner_ref`.

    :raises DecryptionError: on any failure — tampering, another owner's wrapped key, a wrong
        length, or a KEK id the keyring no longer holds (the message says which, never any bytes).
    """
    aad = _dek_aad(owner_ref)
    try:
        kek = keyring.get(kek_id)
    except KeyringError:
        raise DecryptionError("data key is wrapped under a master key id that is not in the keyring") from None
    if not isinstance(wrapped, bytes | bytearray | memoryview) or len(wrapped) != WRAPPED_DEK_BYTES:
        raise DecryptionError("wrapped data key has the wrong length")
    wrapped = bytes(wrapped)
    try:
        return AESGCM(kek).decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionError("wrapped data key failed authentication") from None


def rewrap_dek(keyring: Keyring, kek_id: str, wrapped: bytes, owner_ref: str) -> tuple[str, bytes]:
    """Unwrap with the old KEK and wrap again under the current primary (key rotation).

    Always produces a fresh wrap, so it is safe to run twice on the same record (resumable rotation).

    :raises DecryptionError: if the old wrap does not unwrap.
    """
    return wrap_dek(keyring, unwrap_dek(keyring, kek_id, wrapped, owner_ref), owner_ref)
