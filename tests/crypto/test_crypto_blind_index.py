"""BSN validation and masking, family-name normalisation, blind indexes."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.crypto import (
    Keyring,
    bsn_index,
    bsn_is_valid,
    compute_blind_index,
    family_name_index,
    family_name_search_terms,
    family_name_variants,
    generate_keyring,
    mask_bsn,
    name_dob_index,
    normalise_bsn,
    normalise_family_name,
)

BIRTH = dt.date(1987, 3, 14)


# --- BSN ---


@pytest.mark.parametrize("bsn", ["111222333", "123456782", "1234 56 782", "123.456.782", "123-456-782", " 123456782\t"])
def test_valid_bsn(bsn):
    assert bsn_is_valid(bsn)


@pytest.mark.parametrize(
    "bsn",
    ["123456789", "12345678", "1234567820", "000000000", "12345678a", "12345678a2", "abcdefghi", "", "١٢٣٤٥٦٧٨٢"],
    ids=["11-proef", "8-digits", "10-digits", "zeros", "letter", "letter-inside", "letters", "empty", "arabic-digits"],
)
def test_invalid_bsn(bsn):
    assert not bsn_is_valid(bsn)


def test_normalise_bsn_strips_only_separators():
    assert normalise_bsn("1234 56 782") == "123456782"
    assert normalise_bsn("123.456-782") == "123456782"
    assert normalise_bsn("12345678a2") == "12345678a2"


def test_mask_bsn():
    assert mask_bsn("123456782") == "*****6782"
    assert mask_bsn("1234 56 782") == "*****6782"
    assert mask_bsn("12345") == "*********"


# --- family names ---


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jansen", "jansen"),
        ("van Jansen", "jansen"),
        ("Van  Jansen ", "jansen"),
        ("Jansen, van", "jansen"),
        ("Van der Berg", "berg"),
        ("van den Berg", "berg"),
        ("Berg, van der", "berg"),
        ("Berg van der", "berg"),
        ("Berg", "berg"),
        ("Öztürk", "ozturk"),
        ("Ozturk", "ozturk"),
        ("d'Hondt", "hondt"),
        ("D’Hondt", "hondt"),
        ("'t Hart", "hart"),
        ("In 't Veld", "veld"),
        ("ter Horst", "horst"),
        ("Jansen-de Vries", "jansen de vries"),
        ("Jansen - de  Vries", "jansen de vries"),
        ("O'Brien", "o brien"),
        ("Ørsted", "orsted"),
        ("Straße", "strasse"),
        ("Van", "van"),
        ("Jansen, Piet", "jansen piet"),
        ("J. van Jansen", "j van jansen"),
        ("---", ""),
        ("El Khatib", "khatib"),
        ("el-Khatib", "khatib"),
        ("Al-Hassan", "hassan"),
        ("Ben Ali", "ali"),
        ("Abu Bakr", "bakr"),
        ("Bou Ziane", "ziane"),
        ("Abu El Khatib", "khatib"),
        ("El", "el"),
    ],
)
def test_normalise_family_name(raw, expected):
    assert normalise_family_name(raw) == expected


def test_family_name_variants():
    assert family_name_variants("Jansen-de Vries") == {"jansen de vries", "jansen", "vries"}
    assert family_name_variants("van Jansen") == {"jansen"}
    assert family_name_variants("---") == set()
    assert family_name_variants("El-Khatib") == {"khatib"}  # "El" alone is no name of its own
    assert family_name_variants("Jansen-El Amrani") == {"jansen el amrani", "jansen", "amrani"}


def test_family_name_search_terms_hold_every_part_but_particles_and_single_letters():
    assert family_name_search_terms("Jansen-de Vries") == {"jansen de vries", "jansen", "vries"}
    assert family_name_search_terms("El Khatib Haddad") == {"khatib haddad", "khatib", "haddad"}
    assert family_name_search_terms("J. van Jansen") == {"j van jansen", "jansen"}
    assert family_name_search_terms("---") == set()


def test_family_name_index_is_name_only_under_its_own_key():
    keyring = generate_keyring()
    assert family_name_index(keyring, "el-Khatib") == family_name_index(keyring, "Khatib")
    assert family_name_index(keyring, "Khatib") != name_dob_index(keyring, "Khatib", BIRTH)
    assert family_name_index(keyring, "Khatib") != compute_blind_index(keyring.index_key_for("name_dob"), "khatib")
    with pytest.raises(ValueError):
        family_name_index(keyring, "---")


@given(st.text(max_size=40))
def test_normalisation_is_idempotent(raw):
    once = normalise_family_name(raw)
    assert normalise_family_name(once) == once


# --- blind indexes ---


def test_compute_blind_index_is_keyed_truncated_hex():
    key = bytes(32)
    digest = compute_blind_index(key, "123456782")
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert digest == compute_blind_index(key, "123456782")
    assert digest != compute_blind_index(bytes([1]) + bytes(31), "123456782")
    with pytest.raises(ValueError):
        compute_blind_index(b"short", "x")


def test_bsn_index_ignores_formatting_and_rejects_invalid():
    keyring = generate_keyring()
    assert bsn_index(keyring, "123456782") == bsn_index(keyring, "1234 56 782")
    assert bsn_index(keyring, "123456782") != bsn_index(keyring, "111222333")
    with pytest.raises(ValueError) as info:
        bsn_index(keyring, "123456789")
    assert "123456789" not in str(info.value)


def test_name_dob_index_matches_prefix_forms_only_with_same_birth_date():
    keyring = generate_keyring()
    jansen = name_dob_index(keyring, "Jansen", BIRTH)
    assert name_dob_index(keyring, "van Jansen", BIRTH) == jansen
    assert name_dob_index(keyring, "Jansen, van", BIRTH) == jansen
    assert name_dob_index(keyring, "Jansen", BIRTH + dt.timedelta(days=1)) != jansen
    assert name_dob_index(keyring, "Öztürk", BIRTH) == name_dob_index(keyring, "Ozturk", BIRTH)
    assert name_dob_index(keyring, "Van der Berg", BIRTH) == name_dob_index(keyring, "Berg", BIRTH)


def test_name_dob_index_rejects_empty_name_and_datetime():
    keyring = generate_keyring()
    with pytest.raises(ValueError):
        name_dob_index(keyring, " - ", BIRTH)
    with pytest.raises(TypeError):
        name_dob_index(keyring, "Jansen", dt.datetime(1987, 3, 14))


def test_indexes_survive_kek_rotation():
    keyring = generate_keyring()
    rotated = Keyring(keys={"k-new": bytes(range(32))}, primary_id="k-new", index_key=keyring.index_key)
    assert bsn_index(rotated, "123456782") == bsn_index(keyring, "123456782")
    assert name_dob_index(rotated, "Jansen", BIRTH) == name_dob_index(keyring, "Jansen", BIRTH)


def test_indexes_differ_per_index_key_and_per_index_name():
    keyring, other = generate_keyring(), generate_keyring()
    assert bsn_index(keyring, "123456782") != bsn_index(other, "123456782")
    assert keyring.index_key_for("bsn") != keyring.index_key_for("name_dob")
    # the same input string under two index names gives unrelated digests
    value = "123456782"
    assert compute_blind_index(keyring.index_key_for("bsn"), value) != compute_blind_index(
        keyring.index_key_for("name_dob"), value
    )


def test_index_key_derivation_is_hkdf_sha256():
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    keyring = generate_keyring()
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casebook/blind-index/v1/bsn").derive(
        keyring.index_key
    )
    assert keyring.index_key_for("bsn") == expected
    with pytest.raises(ValueError):
        keyring.index_key_for("")
