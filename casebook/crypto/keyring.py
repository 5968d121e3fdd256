"""The keyring: master keys (KEKs) that wrap data keys, the root key of the blind indexes and the
key of the audit chain.

The keyring lives outside the database and outside git, so a copy of the database alone
reveals nothing. It is a JSON document, either a file with mode 0600 or the value of the
``CASEBOOK_MASTER_KEYS`` environment variable::

    {"version": 1,
     "primary": "k20261128T120000Z3f9a1c2e",
     "keys": {"k20261128T120000Z3f9a1c2e": "<urlsafe base64 of 32 bytes>"},
     "index_key": "<urlsafe base64 of 32 bytes>",
     "chain_key": "<urlsafe base64 of 32 bytes>"}

KEKs rotate (a new primary is added, data keys are re-wrapped, the old KEK is removed); the
``index_key`` never rotates with them, because every blind index in the database is an HMAC
under a key derived from it and would otherwise have to be recomputed from decrypted data.
The ``chain_key`` (the HMAC key of the audit chain and its checkpoints) does not rotate either:
every event's MAC is under it, and the trail is append-only, so a new chain key would orphan the
whole history. A keyring written before the chain was keyed lacks it; ``add_chain_key`` (``casebook
keys add-chain-key``) adds one once, and never replaces one.

This module reads no environment variables and knows nothing of Flask: the application
decides where the keyring comes from and passes it in.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import KeyringError

try:  # POSIX only; the keyring lock is best effort elsewhere.
    import fcntl
except ImportError:  # pragma: no cover - not on the target platform
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "ENV_VAR",
    "FORMAT_VERSION",
    "KEY_BYTES",
    "Keyring",
    "add_chain_key",
    "add_primary_key",
    "generate_keyring",
    "init_keyring",
    "keyring_to_json",
    "load_keyring",
    "new_key_id",
    "remove_key",
]

#: Name of the environment variable the application reads the keyring JSON from (documentation only here).
ENV_VAR = "CASEBOOK_MASTER_KEYS"
FORMAT_VERSION = 1
KEY_BYTES = 32
_INDEX_INFO_PREFIX = b"casebook/blind-index/v1/"
_CHAIN_INFO_PREFIX = b"casebook/audit-chain/v1/"
# Key ids are stored beside every wrapped data key, so keep them short and printable.
_KEY_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_INDEX_NAME_RE = re.compile(r"[a-z0-9_]{1,64}")
_CHAIN_PURPOSES = frozenset({"event", "checkpoint"})


@dataclass(frozen=True, repr=False, eq=False)
class Keyring:
    """Master keys by id, which one is primary, the blind-index root key and the audit chain key.

    Immutable: rotation writes a new file and the application loads a new `Keyring`.
    `repr()` shows key ids only, never key bytes, so a keyring in a log or a traceback is harmless.

    :raises KeyringError: on construction when a key has the wrong length, an id is malformed
        or the primary id is not among the keys.
    """

    keys: Mapping[str, bytes]
    primary_id: str
    index_key: bytes
    chain_key: bytes | None = None  # None only in a keyring file written before the chain was keyed
    _index_keys: dict[str, bytes] = field(default_factory=dict, init=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyringError("keyring holds no master keys")
        for key_id, key in self.keys.items():
            if not isinstance(key_id, str) or not _KEY_ID_RE.fullmatch(key_id):
                raise KeyringError("keyring key id must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'")
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                raise KeyringError(f"keyring key {key_id} must be exactly {KEY_BYTES} bytes")
        if self.primary_id not in self.keys:
            raise KeyringError(f"keyring primary key id {self.primary_id!r} is not among its keys")
        if not isinstance(self.index_key, bytes) or len(self.index_key) != KEY_BYTES:
            raise KeyringError(f"keyring index_key must be exactly {KEY_BYTES} bytes")
        if self.chain_key is not None and (not isinstance(self.chain_key, bytes) or len(self.chain_key) != KEY_BYTES):
            raise KeyringError(f"keyring chain_key must be exactly {KEY_BYTES} bytes")
        # A private read-only copy: the caller's dict can change without changing the keyring.
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def __repr__(self) -> str:
        return f"Keyring(primary_id={self.primary_id!r}, key_ids={sorted(self.keys)!r})"

    def primary(self) -> tuple[str, bytes]:
        """The KEK new data keys are wrapped under, as ``(key_id, key)``."""
        return self.primary_id, self.keys[self.primary_id]

    def get(self, key_id: str) -> bytes:
        """The KEK with this id.

        :raises KeyringError: if the keyring does not hold it (e.g. it was removed too early).
        """
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyringError(f"keyring has no key with id {key_id!r}") from None

    def index_key_for(self, index_name: str) -> bytes:
        """A separate HMAC key per blind index, derived with HKDF-SHA256 from the index root key.

        Separate keys mean equal values in two indexes give unrelated digests, and one index key
        can be handed to a tool without exposing the others. Derived keys are cached per keyring.
        """
        cached = self._index_keys.get(index_name)
        if cached is not None:
            return cached
        if not isinstance(index_name, str) or not _INDEX_NAME_RE.fullmatch(index_name):
            raise ValueError("index name must be 1-64 characters of a-z, 0-9 or '_'")
        derived = HKDF(
            algorithm=hashes.SHA256(),
            length=KEY_BYTES,
            salt=None,
            info=_INDEX_INFO_PREFIX + index_name.encode("ascii"),
        ).derive(self.index_key)
        self._index_keys[index_name] = derived
        return derived

    def chain_key_for(self, purpose: str) -> bytes:
        """The HMAC key of the audit chain for ``purpose`` (``"event"`` or ``"checkpoint"``).

        Derived with HKDF-SHA256 from ``chain_key``, so an event MAC can never pass for a
        checkpoint signature or the other way round.

        :raises KeyringError: the keyring has no chain key (written before the chain was keyed).
        """
        if purpose not in _CHAIN_PURPOSES:
            raise ValueError(f"unknown chain key purpose {purpose!r}")
        if self.chain_key is None:
            raise KeyringError(
                "keyring has no chain_key (the audit chain key): add one with `casebook keys add-chain-key`"
            )
        cache_name = "chain:" + purpose
        cached = self._index_keys.get(cache_name)
        if cached is None:
            cached = HKDF(
                algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_CHAIN_INFO_PREFIX + purpose.encode()
            ).derive(self.chain_key)
            self._index_keys[cache_name] = cached
        return cached

    def contains_secret(self, secret: str | bytes) -> bool:
        """True if the application's secret key is (or spells out) any key of this keyring.

        Used to refuse start-up: a SECRET_KEY that equals a master key signs session cookies
        with the key that protects all personal data. Besides the raw bytes, the urlsafe
        base64 text of each key is checked too, the likely result of copy-pasting from the file.
        """
        secret_bytes = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        found = False
        for key in (*self.keys.values(), self.index_key, *((self.chain_key,) if self.chain_key else ())):
            for form in (key, _b64encode(key).encode("ascii"), _b64encode(key).rstrip("=").encode("ascii")):
                # Not short-circuiting and constant-time per comparison: timing says nothing useful.
                found |= hmac.compare_digest(secret_bytes, form)
        return found


def new_key_id() -> str:
    """A fresh, sortable key id: ``k`` + UTC timestamp + 8 random hex digits (32 bits, so ids made
    within one second — a script rotating keys, a test — practically never collide; a rotation
    still draws again on a collision within its keyring)."""
    return "k" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + secrets.token_hex(4)


def generate_keyring() -> Keyring:
    """A new in-memory keyring with one primary KEK, an index key and a chain key (for `init_keyring` and tests)."""
    key_id = new_key_id()
    return Keyring(
        keys={key_id: os.urandom(KEY_BYTES)},
        primary_id=key_id,
        index_key=os.urandom(KEY_BYTES),
        chain_key=os.urandom(KEY_BYTES),
    )


def keyring_to_json(keyring: Keyring) -> str:
    """The keyring in its file/environment format. The result is secret: never log it."""
    document = {
        "version": FORMAT_VERSION,
        "primary": keyring.primary_id,
        "keys": {key_id: _b64encode(key) for key_id, key in keyring.keys.items()},
        "index_key": _b64encode(keyring.index_key),
    }
    if keyring.chain_key is not None:
        document["chain_key"] = _b64encode(keyring.chain_key)
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def load_keyring(path: str | os.PathLike[str] | None = None, env_value: str | None = None) -> Keyring:
    """Load the keyring from the environment value if given (it wins), else from the file at `path`.

    The file must not be readable or writable by group or others (mode 0600 or stricter).

    :raises KeyringError: one line naming the source (path or environment variable) and the
        problem; the message and its context never include key material.
    """
    if env_value is not None and env_value.strip():
        return _parse(env_value, f"keyring in ${ENV_VAR}")
    if path is None:
        raise KeyringError(f"no keyring configured: set ${ENV_VAR} or give a keyring file path")
    return _parse(_read_private_file(os.fspath(path)), f"keyring file {_one_line(os.fspath(path))}")


def init_keyring(path: str | os.PathLike[str]) -> Keyring:
    """Create a new keyring file with mode 0600; never overwrite one.

    The content is written to a temporary file created with ``O_CREAT | O_EXCL`` and mode 0600 in
    the same directory, synced, then hard-linked to `path`. The link fails if `path` exists, so a
    concurrent or repeated init cannot replace a keyring (which would destroy every data key),
    and a crash never leaves a half-written keyring behind.

    :raises KeyringError: if the file already exists or cannot be written.
    """
    target = os.fspath(path)
    shown = _one_line(target)
    if os.path.lexists(target):
        raise KeyringError(f"keyring file {shown} already exists; refusing to overwrite it")
    directory = os.path.dirname(os.path.abspath(target))
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise KeyringError(f"cannot create directory for keyring file {shown}: {exc.strerror}") from None
    keyring = generate_keyring()
    tmp = _write_temp(directory, keyring_to_json(keyring), shown)
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise KeyringError(f"keyring file {shown} already exists; refusing to overwrite it") from None
    except OSError as exc:
        raise KeyringError(f"cannot create keyring file {shown}: {exc.strerror}") from None
    finally:
        os.unlink(tmp)
    _fsync_dir(directory)
    return keyring


def add_primary_key(path: str | os.PathLike[str]) -> str:
    """Add a new KEK to the keyring file and make it primary; return its id.

    Existing KEKs stay, so data keys wrapped under them still unwrap until they are re-wrapped.
    The file is rewritten atomically (temp file 0600 + rename) under an exclusive lock, so two
    concurrent rotations cannot lose a key.
    """
    target = os.fspath(path)
    with _locked(target):
        keyring = load_keyring(target)
        key_id = new_key_id()
        while key_id in keyring.keys:
            key_id = new_key_id()
        keys = {**keyring.keys, key_id: os.urandom(KEY_BYTES)}
        _replace(target, _with(keyring, keys=keys, primary_id=key_id))
    return key_id


def add_chain_key(path: str | os.PathLike[str]) -> None:
    """Give a keyring file written before the audit chain was keyed its chain key.

    :raises KeyringError: the keyring already has one. Replacing it would make every keyed event
        of the trail fail verification, so there is deliberately no way to do that here.
    """
    target = os.fspath(path)
    with _locked(target):
        keyring = load_keyring(target)
        if keyring.chain_key is not None:
            raise KeyringError(f"keyring file {_one_line(target)} already has a chain key; it never changes")
        _replace(target, _with(keyring, chain_key=os.urandom(KEY_BYTES)))


def remove_key(path: str | os.PathLike[str], key_id: str) -> None:
    """Remove a retired KEK from the keyring file.

    This library cannot see the database: the caller (``casebook keys retire``) must first
    check that no data key is still wrapped under `key_id`, or those data keys are lost.

    :raises KeyringError: if `key_id` is the primary key or not in the keyring.
    """
    target = os.fspath(path)
    with _locked(target):
        keyring = load_keyring(target)
        if key_id == keyring.primary_id:
            raise KeyringError(f"key {key_id!r} is the primary key; add a new primary key before removing it")
        keyring.get(key_id)  # raises KeyringError when unknown
        keys = {kid: key for kid, key in keyring.keys.items() if kid != key_id}
        _replace(target, _with(keyring, keys=keys))


# --- internals -------------------------------------------------------------------------------


def _with(keyring: Keyring, **changes: object) -> Keyring:
    """A copy of ``keyring`` with some fields changed; the index and chain keys carry over unless named."""
    fields = {
        "keys": dict(keyring.keys),
        "primary_id": keyring.primary_id,
        "index_key": keyring.index_key,
        "chain_key": keyring.chain_key,
    }
    fields.update(changes)
    return Keyring(**fields)  # type: ignore[arg-type]


def _b64encode(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def _b64decode_key(text: object, what: str, source: str) -> bytes:
    if not isinstance(text, str):
        raise KeyringError(f"{source}: {what} must be a base64 string")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{source}: {what} is not valid urlsafe base64") from None
    if len(raw) != KEY_BYTES:
        raise KeyringError(f"{source}: {what} must decode to {KEY_BYTES} bytes, not {len(raw)}")
    return raw


def _parse(text: str, source: str) -> Keyring:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise KeyringError(f"{source} is not valid JSON{line}") from None
    if not isinstance(document, dict):
        raise KeyringError(f"{source} must be a JSON object")
    if document.get("version") != FORMAT_VERSION:
        raise KeyringError(f"{source}: unsupported or missing version (expected {FORMAT_VERSION})")
    raw_keys = document.get("keys")
    if not isinstance(raw_keys, dict) or not raw_keys:
        raise KeyringError(f"{source}: 'keys' must be a non-empty object of key id to base64 key")
    primary = document.get("primary")
    if not isinstance(primary, str):
        raise KeyringError(f"{source}: 'primary' must be a key id")
    keys: dict[str, bytes] = {}
    for key_id, encoded in raw_keys.items():
        if not _KEY_ID_RE.fullmatch(key_id):
            raise KeyringError(f"{source}: key ids must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_'")
        keys[key_id] = _b64decode_key(encoded, f"key {key_id}", source)
    if primary not in keys:
        raise KeyringError(f"{source}: primary key id {_one_line(primary)!r} is not among its keys")
    index_key = _b64decode_key(document.get("index_key"), "index_key", source)
    raw_chain = document.get("chain_key")
    chain_key = None if raw_chain is None else _b64decode_key(raw_chain, "chain_key", source)
    try:
        return Keyring(keys=keys, primary_id=primary, index_key=index_key, chain_key=chain_key)
    except KeyringError as exc:
        raise KeyringError(f"{source}: {exc}") from None


def _read_private_file(path: str) -> str:
    shown = _one_line(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise KeyringError(f"keyring file {shown} not found (create it with `casebook keys init`)") from None
    except OSError as exc:
        raise KeyringError(f"cannot open keyring file {shown}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())  # fstat the opened file: no swap between check and read
        if not stat.S_ISREG(info.st_mode):
            raise KeyringError(f"keyring file {shown} is not a regular file")
        if os.name == "posix" and info.st_mode & 0o077:
            mode = stat.S_IMODE(info.st_mode)
            raise KeyringError(f"keyring file {shown} has mode {mode:04o}; it must be 0600 (chmod 600 {shown})")
        data = handle.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyringError(f"keyring file {shown} is not UTF-8 text") from None


def _write_temp(directory: str, content: str, shown: str) -> str:
    """Write `content` to a new 0600 file in `directory` (O_EXCL), fsync it and return its path."""
    tmp = os.path.join(directory, f".keyring-{secrets.token_hex(8)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise KeyringError(f"cannot write keyring file {shown}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if os.name == "posix":
                os.fchmod(handle.fileno(), 0o600)  # exact mode whatever the umask
            handle.write(content.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _replace(path: str, keyring: Keyring) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    tmp = _write_temp(directory, keyring_to_json(keyring), _one_line(path))
    try:
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise KeyringError(f"cannot replace keyring file {_one_line(path)}: {exc.strerror}") from None
    _fsync_dir(directory)


def _fsync_dir(directory: str) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _locked(path: str) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` for a read-modify-write of the keyring file."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock_path = path + ".lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise KeyringError(f"cannot lock keyring file {_one_line(path)}: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")
