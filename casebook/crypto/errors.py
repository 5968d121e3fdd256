"""Exceptions of the crypto package.

Messages are written to be safe on an error page or in a log: they never carry key material,
plaintext or ciphertext, and a `KeyringError` is one line an operator can act on.
"""


class CryptoError(Exception):
    """Base class for every error raised by `casebook.crypto`."""


class DecryptionError(CryptoError):
    """A ciphertext or wrapped data key could not be authenticated or decrypted.

    Raised for tampering, a ciphertext moved to another row/column/owner, a wrong key, a
    truncated or unknown-version blob. Callers show an integrity error for that one item and
    audit it; the message deliberately says nothing about the data itself.
    """


class KeyringError(CryptoError):
    """The keyring is missing, unreadable, malformed or unsafe (one-line message, no keys)."""
