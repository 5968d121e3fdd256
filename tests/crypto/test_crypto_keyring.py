"""Keyring: file creation and permissions, loading from file or environment, rotation, clear errors."""

import base64
import json
import os
import stat

import pytest

from casebook.crypto import (
    Keyring,
    KeyringError,
    add_primary_key,
    generate_keyring,
    init_keyring,
    keyring_to_json,
    load_keyring,
    new_dek,
    new_key_id,
    remove_key,
    unwrap_dek,
    wrap_dek,
)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))
INDEX = bytes(range(64, 96))
SECRETS = [KEY_A, KEY_B, INDEX]


def document(**overrides) -> dict:
    doc = {"version": 1, "primary": "ka", "keys": {"ka": b64(KEY_A), "kb": b64(KEY_B)}, "index_key": b64(INDEX)}
    doc.update(overrides)
    return doc


def assert_safe_message(error: KeyringError) -> None:
    message = str(error)
    assert "\n" not in message and message
    for secret in SECRETS:
        assert b64(secret) not in message and secret.hex() not in message
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_init_creates_0600_file_and_parent_dirs(tmp_path):
    path = tmp_path / "instance" / "sub" / "keyring.json"
    keyring = init_keyring(path)
    assert mode(path) == 0o600
    loaded = load_keyring(path)
    assert loaded.primary() == keyring.primary()
    assert loaded.index_key == keyring.index_key
    assert [p.name for p in path.parent.iterdir()] == ["keyring.json"]  # no temp file left behind


def test_init_mode_is_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        init_keyring(tmp_path / "k.json")
    finally:
        os.umask(old)
    assert mode(tmp_path / "k.json") == 0o600


def test_init_refuses_to_overwrite(tmp_path):
    path = tmp_path / "keyring.json"
    init_keyring(path)
    before = path.read_bytes()
    with pytest.raises(KeyringError, match="already exists") as info:
        init_keyring(path)
    assert path.read_bytes() == before
    assert str(path) in str(info.value)


def test_load_refuses_group_or_world_readable_file(tmp_path):
    path = tmp_path / "keyring.json"
    path.write_text(json.dumps(document()))
    os.chmod(path, 0o644)
    with pytest.raises(KeyringError, match="0644") as info:
        load_keyring(path)
    assert str(path) in str(info.value)
    assert_safe_message(info.value)
    os.chmod(path, 0o400)
    assert load_keyring(path).primary_id == "ka"  # stricter than 0600 is fine


def test_load_missing_file(tmp_path):
    with pytest.raises(KeyringError, match="not found") as info:
        load_keyring(tmp_path / "nope.json")
    assert "nope.json" in str(info.value)
    assert_safe_message(info.value)


def test_load_without_any_source():
    with pytest.raises(KeyringError, match="no keyring configured"):
        load_keyring()


def test_env_value_loads_and_wins_over_file(tmp_path):
    path = tmp_path / "keyring.json"
    init_keyring(path)
    keyring = load_keyring(path, env_value=json.dumps(document()))
    assert keyring.primary() == ("ka", KEY_A)
    assert keyring.get("kb") == KEY_B
    assert keyring.index_key == INDEX
    assert load_keyring(env_value=json.dumps(document())).primary_id == "ka"


def test_empty_env_value_falls_back_to_file(tmp_path):
    path = tmp_path / "keyring.json"
    keyring = init_keyring(path)
    assert load_keyring(path, env_value="  ").primary_id == keyring.primary_id


def test_keyring_to_json_round_trips():
    keyring = generate_keyring()
    again = load_keyring(env_value=keyring_to_json(keyring))
    assert again.primary() == keyring.primary() and again.index_key == keyring.index_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json " + b64(KEY_A), "not valid JSON"),
        ("[]", "JSON object"),
        (json.dumps(document(version=2)), "version"),
        (json.dumps(document(keys={})), "non-empty"),
        (json.dumps(document(primary="kc")), "not among its keys"),
        (json.dumps(document(keys={"ka": b64(KEY_A[:16])})), "32 bytes"),
        (json.dumps(document(keys={"ka": b64(KEY_A) + "!!"})), "base64"),
        (json.dumps(document(keys={"ka": 12})), "base64 string"),
        (json.dumps(document(keys={"bad id": b64(KEY_A)}, primary="bad id")), "key ids"),
        (json.dumps(document(index_key=b64(INDEX + b"x"))), "index_key must decode to 32 bytes"),
        (json.dumps({k: v for k, v in document().items() if k != "index_key"}), "index_key"),
    ],
    ids=[
        "json",
        "array",
        "version",
        "no-keys",
        "primary",
        "short-key",
        "bad-b64",
        "not-str",
        "id",
        "index",
        "no-index",
    ],
)
def test_bad_input_gives_one_line_keyring_error(tmp_path, text, expected):
    with pytest.raises(KeyringError, match=expected) as info:
        load_keyring(env_value=text)
    assert "CASEBOOK_MASTER_KEYS" in str(info.value)
    assert_safe_message(info.value)

    path = tmp_path / "keyring.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, text.encode())
    os.close(fd)
    with pytest.raises(KeyringError, match=expected) as info:
        load_keyring(path)
    assert str(path) in str(info.value)
    assert_safe_message(info.value)


def test_keyring_repr_shows_ids_only():
    keyring = load_keyring(env_value=json.dumps(document()))
    text = repr(keyring)
    assert "ka" in text and "kb" in text
    for secret in SECRETS:
        assert b64(secret) not in text and repr(secret) not in text and secret.hex() not in text


def test_keyring_validates_on_construction():
    with pytest.raises(KeyringError):
        Keyring(keys={"ka": KEY_A}, primary_id="kb", index_key=INDEX)
    with pytest.raises(KeyringError):
        Keyring(keys={"ka": KEY_A[:31]}, primary_id="ka", index_key=INDEX)
    with pytest.raises(KeyringError):
        Keyring(keys={"ka": KEY_A}, primary_id="ka", index_key=b"")


def test_keyring_is_immutable():
    source = {"ka": KEY_A}
    keyring = Keyring(keys=source, primary_id="ka", index_key=INDEX)
    source["kb"] = KEY_B
    assert list(keyring.keys) == ["ka"]
    with pytest.raises(TypeError):
        keyring.keys["kb"] = KEY_B
    with pytest.raises(AttributeError):
        keyring.primary_id = "kb"


def test_get_unknown_key():
    keyring = load_keyring(env_value=json.dumps(document()))
    with pytest.raises(KeyringError, match="no key with id 'zz'"):
        keyring.get("zz")


def test_contains_secret():
    keyring = load_keyring(env_value=json.dumps(document()))
    assert keyring.contains_secret(KEY_B)
    assert keyring.contains_secret(INDEX)
    assert keyring.contains_secret(b64(KEY_A))  # the key as pasted from the file
    assert keyring.contains_secret(b64(KEY_A).rstrip("="))
    assert not keyring.contains_secret("dev-secret-key")
    assert not keyring.contains_secret(b"")


def test_new_key_id_shape_and_uniqueness():
    ids = {new_key_id() for _ in range(50)}
    assert len(ids) == 50
    for key_id in ids:
        assert key_id.startswith("k2") and len(key_id) == 1 + 16 + 8


def test_add_primary_key_keeps_old_keys_and_index_key(tmp_path):
    path = tmp_path / "keyring.json"
    first = init_keyring(path)
    new_id = add_primary_key(path)
    loaded = load_keyring(path)
    assert loaded.primary_id == new_id != first.primary_id
    assert loaded.get(first.primary_id) == first.primary()[1]
    assert loaded.index_key == first.index_key
    assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keyring.json", "keyring.json.lock"]


def test_rotate_then_retire_old_key(tmp_path):
    path = tmp_path / "keyring.json"
    first = init_keyring(path)
    dek = new_dek()
    old_id, wrapped = wrap_dek(first, dek, "case:1")

    add_primary_key(path)
    rotated = load_keyring(path)
    new_id, rewrapped = wrap_dek(rotated, unwrap_dek(rotated, old_id, wrapped, "case:1"), "case:1")

    remove_key(path, old_id)
    retired = load_keyring(path)
    assert list(retired.keys) == [new_id]
    assert unwrap_dek(retired, new_id, rewrapped, "case:1") == dek
    assert mode(path) == 0o600


def test_remove_key_refuses_primary_and_unknown(tmp_path):
    path = tmp_path / "keyring.json"
    keyring = init_keyring(path)
    with pytest.raises(KeyringError, match="primary"):
        remove_key(path, keyring.primary_id)
    with pytest.raises(KeyringError, match="no key with id"):
        remove_key(path, "k-unknown")
    assert load_keyring(path).primary_id == keyring.primary_id


def test_rotation_refuses_unsafe_file(tmp_path):
    path = tmp_path / "keyring.json"
    init_keyring(path)
    os.chmod(path, 0o640)
    with pytest.raises(KeyringError, match="0640"):
        add_primary_key(path)
