"""Envelope encryption: wrapping data keys, tamper detection, rotation by re-wrapping."""

import dataclasses

import pytest

from casebook.crypto import (
    DecryptionError,
    Keyring,
    decrypt_text,
    encrypt_text,
    field_aad,
    generate_keyring,
    new_dek,
    rewrap_dek,
    unwrap_dek,
    wrap_dek,
)


@pytest.fixture
def keyring():
    return generate_keyring()


def test_new_dek_is_random_32_bytes():
    assert len(new_dek()) == 32
    assert new_dek() != new_dek()


def test_wrap_unwrap_round_trip(keyring):
    dek = new_dek()
    kek_id, wrapped = wrap_dek(keyring, dek, "case:42")
    assert kek_id == keyring.primary_id
    assert len(wrapped) == 60 and dek not in wrapped
    assert unwrap_dek(keyring, kek_id, wrapped, "case:42") == dek


def test_wrapping_twice_gives_different_wraps(keyring):
    dek = new_dek()
    assert wrap_dek(keyring, dek, "case:1")[1] != wrap_dek(keyring, dek, "case:1")[1]


def test_every_flipped_byte_of_a_wrapped_dek_fails(keyring):
    kek_id, wrapped = wrap_dek(keyring, new_dek(), "person:9")
    for i in range(len(wrapped)):
        tampered = bytearray(wrapped)
        tampered[i] ^= 0x80
        with pytest.raises(DecryptionError):
            unwrap_dek(keyring, kek_id, bytes(tampered), "person:9")


def test_wrapped_dek_of_another_owner_fails(keyring):
    kek_id, wrapped = wrap_dek(keyring, new_dek(), "case:42")
    with pytest.raises(DecryptionError):
        unwrap_dek(keyring, kek_id, wrapped, "case:43")
    with pytest.raises(DecryptionError):
        unwrap_dek(keyring, kek_id, wrapped, "person:42")


def test_wrong_length_and_unknown_kek_fail(keyring):
    kek_id, wrapped = wrap_dek(keyring, new_dek(), "case:1")
    with pytest.raises(DecryptionError):
        unwrap_dek(keyring, kek_id, wrapped[:-1], "case:1")
    with pytest.raises(DecryptionError, match="not in the keyring"):
        unwrap_dek(keyring, "k-unknown", wrapped, "case:1")


def test_other_keyring_cannot_unwrap(keyring):
    kek_id, wrapped = wrap_dek(keyring, new_dek(), "case:1")
    other = generate_keyring()
    other = Keyring(keys={kek_id: other.primary()[1]}, primary_id=kek_id, index_key=other.index_key)
    with pytest.raises(DecryptionError):
        unwrap_dek(other, kek_id, wrapped, "case:1")


def test_wrap_rejects_bad_input(keyring):
    with pytest.raises(ValueError):
        wrap_dek(keyring, b"short", "case:1")
    with pytest.raises(ValueError):
        wrap_dek(keyring, new_dek(), "")


def test_rotation_rewraps_and_old_key_can_go(keyring):
    dek = new_dek()
    aad = field_aad("note", "body", "1", "case:42")
    blob = encrypt_text(dek, 5, "notitie", aad)
    old_id, wrapped = wrap_dek(keyring, dek, "case:42")

    rotated = Keyring(keys={**keyring.keys, "k2": new_dek()}, primary_id="k2", index_key=keyring.index_key)
    new_id, rewrapped = rewrap_dek(rotated, old_id, wrapped, "case:42")
    assert new_id == "k2"

    retired = dataclasses.replace(rotated, keys={"k2": rotated.get("k2")})
    recovered = unwrap_dek(retired, new_id, rewrapped, "case:42")
    assert recovered == dek
    assert decrypt_text(recovered, blob, aad) == "notitie"  # field ciphertext untouched by rotation
    with pytest.raises(DecryptionError):
        unwrap_dek(retired, old_id, wrapped, "case:42")


def test_rewrap_is_repeatable(keyring):
    dek = new_dek()
    kek_id, wrapped = wrap_dek(keyring, dek, "case:1")
    kek_id, wrapped = rewrap_dek(keyring, *rewrap_dek(keyring, kek_id, wrapped, "case:1"), "case:1")
    assert unwrap_dek(keyring, kek_id, wrapped, "case:1") == dek
