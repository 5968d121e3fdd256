"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendation)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12

_hasher = PasswordHasher()

# Verified against when a username is unknown, so both paths cost the same (no enumeration by timing).
_DUMMY_HASH = _hasher.hash("casebook-timing-equaliser")


def configure(params: dict | None) -> None:
    """Set the argon2id parameters (``PASSWORD_HASH_PARAMS``); None keeps argon2-cffi's RFC 9106 defaults.

    Hashes made with other parameters still verify and are rehashed at the next login.
    """
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(**params) if params else PasswordHasher()
    _DUMMY_HASH = _hasher.hash("casebook-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """A reason the password is unacceptable, or None. The account-security issue adds strength checks."""
    if len(password) < MIN_LENGTH:
        return f"password must be at least {MIN_LENGTH} characters"
    return None
