"""Encryption at rest: keyring, envelope encryption of data keys, field encryption, blind indexes.

A pure library (no Flask, no SQLAlchemy); the database integration builds on these functions.
"""

from .blind_index import (
    TUSSENVOEGSELS,
    bsn_index,
    bsn_is_valid,
    compute_blind_index,
    family_name_index,
    family_name_search_terms,
    family_name_variants,
    mask_bsn,
    name_dob_index,
    normalise_bsn,
    normalise_family_name,
)
from .envelope import new_dek, rewrap_dek, unwrap_dek, wrap_dek
from .errors import CryptoError, DecryptionError, KeyringError
from .fields import blob_dek_id, decrypt_text, encrypt_text, field_aad
from .keyring import (
    Keyring,
    add_primary_key,
    generate_keyring,
    init_keyring,
    keyring_to_json,
    load_keyring,
    new_key_id,
    remove_key,
)

__all__ = [
    "TUSSENVOEGSELS",
    "CryptoError",
    "DecryptionError",
    "Keyring",
    "KeyringError",
    "add_primary_key",
    "blob_dek_id",
    "bsn_index",
    "bsn_is_valid",
    "compute_blind_index",
    "decrypt_text",
    "encrypt_text",
    "family_name_index",
    "family_name_search_terms",
    "family_name_variants",
    "field_aad",
    "generate_keyring",
    "init_keyring",
    "keyring_to_json",
    "load_keyring",
    "mask_bsn",
    "name_dob_index",
    "new_dek",
    "new_key_id",
    "normalise_bsn",
    "normalise_family_name",
    "remove_key",
    "rewrap_dek",
    "unwrap_dek",
    "wrap_dek",
]
