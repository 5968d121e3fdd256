"""Field encryption: round trip, fresh nonces, tamper and move detection."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.crypto import DecryptionError, blob_dek_id, decrypt_text, encrypt_text, field_aad, new_dek

DEK = bytes(range(32))
AAD = field_aad("note", "body", "17", "case:42")
TEXT = "Gesprek met moeder gevoerd; zorgen over schoolverzuim. Ünïcode ✓"


def test_round_trip():
    blob = encrypt_text(DEK, 7, TEXT, AAD)
    assert decrypt_text(DEK, blob, AAD) == TEXT
    assert blob_dek_id(blob) == 7


def test_empty_text_round_trips():
    assert decrypt_text(DEK, encrypt_text(DEK, 1, "", AAD), AAD) == ""


def test_blob_layout():
    blob = encrypt_text(DEK, 0x01020304, "abc", AAD)
    assert blob[0] == 0x01
    assert blob[1:5] == bytes([1, 2, 3, 4])
    assert len(blob) == 1 + 4 + 12 + 3 + 16


def test_same_plaintext_twice_gives_different_ciphertexts():
    first, second = encrypt_text(DEK, 1, TEXT, AAD), encrypt_text(DEK, 1, TEXT, AAD)
    assert first != second
    assert first[5:17] != second[5:17]  # nonces differ


def test_ciphertext_does_not_contain_plaintext():
    blob = encrypt_text(DEK, 1, "Jansen Jansen Jansen", AAD)
    assert b"Jansen" not in blob


def test_every_flipped_byte_fails():
    blob = encrypt_text(DEK, 3, TEXT, AAD)
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 0x01
        with pytest.raises(DecryptionError):
            decrypt_text(DEK, bytes(tampered), AAD)


@pytest.mark.parametrize(
    "other",
    [
        field_aad("note", "body", "18", "case:42"),  # another row
        field_aad("note", "summary", "17", "case:42"),  # another column
        field_aad("signal", "body", "17", "case:42"),  # another table
        field_aad("note", "body", "17", "case:43"),  # another owner (case)
    ],
    ids=["row", "column", "table", "owner"],
)
def test_ciphertext_moved_elsewhere_fails(other):
    blob = encrypt_text(DEK, 1, TEXT, AAD)
    with pytest.raises(DecryptionError):
        decrypt_text(DEK, blob, other)


def test_wrong_dek_fails():
    blob = encrypt_text(DEK, 1, TEXT, AAD)
    with pytest.raises(DecryptionError):
        decrypt_text(new_dek(), blob, AAD)


@pytest.mark.parametrize(
    "blob", [b"", b"\x01", b"\x01" + bytes(31), b"\x02" + bytes(40)], ids=["empty", "1", "32", "v2"]
)
def test_short_or_unknown_version_blob(blob):
    with pytest.raises(DecryptionError):
        blob_dek_id(blob)
    with pytest.raises(DecryptionError):
        decrypt_text(DEK, blob, AAD)


def test_truncated_blob_fails():
    blob = encrypt_text(DEK, 1, TEXT, AAD)
    with pytest.raises(DecryptionError):
        decrypt_text(DEK, blob[:-1], AAD)


def test_decryption_error_message_reveals_nothing():
    blob = encrypt_text(DEK, 1, TEXT, AAD)
    with pytest.raises(DecryptionError) as info:
        decrypt_text(DEK, blob, field_aad("note", "body", "18", "case:42"))
    message = str(info.value)
    assert "Gesprek" not in message and blob.hex() not in message and DEK.hex() not in message
    assert info.value.__cause__ is None and (info.value.__context__ is None or info.value.__suppress_context__)


def test_field_aad_is_unambiguous():
    assert field_aad("a|b", "c", "1", "2") != field_aad("a", "b|c", "1", "2")
    assert field_aad("note", "body", "1", "23") != field_aad("note", "body", "12", "3")
    assert field_aad("note", "body", 17, "case:42") == AAD


@pytest.mark.parametrize("parts", [("", "c", "1", "2"), ("t", "c", None, "2"), ("t", "c", "1", True)])
def test_field_aad_rejects_empty_or_odd_parts(parts):
    with pytest.raises(ValueError):
        field_aad(*parts)


@pytest.mark.parametrize("dek_id", [-1, 2**32, True, "1"])
def test_encrypt_rejects_bad_dek_id(dek_id):
    with pytest.raises(ValueError):
        encrypt_text(DEK, dek_id, TEXT, AAD)


def test_encrypt_rejects_short_key():
    with pytest.raises(ValueError):
        encrypt_text(DEK[:16], 1, TEXT, AAD)


def test_lone_surrogate_is_refused_without_echoing_text():
    with pytest.raises(ValueError) as info:
        encrypt_text(DEK, 1, "geheim\ud800", AAD)
    assert "geheim" not in str(info.value)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",))), st.integers(0, 2**32 - 1))
def test_round_trip_property(text, dek_id):
    blob = encrypt_text(DEK, dek_id, text, AAD)
    assert blob_dek_id(blob) == dek_id
    assert decrypt_text(DEK, blob, AAD) == text
