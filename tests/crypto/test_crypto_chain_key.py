"""The audit chain key in the keyring: generated with it, kept through rotation, never replaced."""

from __future__ import annotations

import json

import pytest

from casebook.crypto import KeyringError, add_primary_key, generate_keyring, init_keyring, load_keyring, remove_key
from casebook.crypto.keyring import add_chain_key, keyring_to_json


def test_new_keyrings_have_a_chain_key_that_round_trips(tmp_path):
    assert generate_keyring().chain_key is not None
    path = tmp_path / "keyring.json"
    made = init_keyring(path)
    loaded = load_keyring(path)
    assert made.chain_key and loaded.chain_key == made.chain_key
    assert loaded.chain_key_for("event") == made.chain_key_for("event")


def test_purposes_get_separate_keys_none_equal_to_the_root():
    keyring = generate_keyring()
    event, checkpoint = keyring.chain_key_for("event"), keyring.chain_key_for("checkpoint")
    assert len({event, checkpoint, keyring.chain_key}) == 3
    with pytest.raises(ValueError):
        keyring.chain_key_for("other")


def test_the_chain_key_survives_kek_rotation_and_retirement(tmp_path):
    path = tmp_path / "keyring.json"
    first = init_keyring(path)
    add_primary_key(path)
    remove_key(path, first.primary_id)
    assert load_keyring(path).chain_key == first.chain_key


def test_an_older_keyring_gets_a_chain_key_once(tmp_path):
    path = tmp_path / "keyring.json"
    document = json.loads(keyring_to_json(generate_keyring()))
    del document["chain_key"]
    path.write_text(json.dumps(document))
    path.chmod(0o600)
    old = load_keyring(path)
    assert old.chain_key is None
    with pytest.raises(KeyringError, match="add-chain-key"):
        old.chain_key_for("event")
    add_chain_key(path)
    added = load_keyring(path).chain_key
    assert added is not None
    with pytest.raises(KeyringError, match="never changes"):
        add_chain_key(path)
    assert load_keyring(path).chain_key == added


def test_a_malformed_chain_key_is_refused(tmp_path):
    document = json.loads(keyring_to_json(generate_keyring()))
    document["chain_key"] = "c2hvcnQ="
    with pytest.raises(KeyringError, match="chain_key"):
        load_keyring(env_value=json.dumps(document))


def test_contains_secret_knows_the_chain_key():
    keyring = generate_keyring()
    assert keyring.contains_secret(keyring.chain_key)
