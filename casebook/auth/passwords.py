"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendation) and the
password rules: at least 12 characters, at most 256, and not guessable (zxcvbn score 3 or more, with
the user's own names and the application's vocabulary counted as known words).
"""

from __future__ import annotations

from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_STRENGTH = 3  # zxcvbn score 0..4: 3 is 'safely unguessable' (about 10^8 guesses or more)

# Words an attacker targeting this application would try first: its own vocabulary and the Dutch
# favourites that zxcvbn's (English) dictionaries miss.
CONTEXT_WORDS = (
    "casebook", "dordrecht", "zvh", "veiligheidshuis", "wijkteam", "politie", "gemeente", "veiligthuis",
    "welkom", "wachtwoord", "geheim", "inloggen", "zomer", "winter", "lente", "herfst", "voorjaar", "najaar",
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
    "feyenoord", "ajax", "nederland", "holland", "amsterdam", "rotterdam", "schat", "liefde", "voetbal",
)  # fmt: skip

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


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """A reason (Dutch, fit to show) why the password is unacceptable, or None.

    ``user_inputs``: the username, display name and the like, so "Jansen2026!!" is weak for Jansen.
    """
    from zxcvbn import zxcvbn

    if len(password) < MIN_LENGTH:
        return _translate("Het wachtwoord moet minstens %(n)d tekens lang zijn.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _translate("Het wachtwoord mag hoogstens %(n)d tekens lang zijn.", n=MAX_LENGTH)
    words = [w for w in (*CONTEXT_WORDS, *user_inputs) if w]
    if zxcvbn(password[:100], user_inputs=words)["score"] < MIN_STRENGTH:
        return _translate(
            "Dit wachtwoord is te makkelijk te raden. Kies een langere zin van een paar losse woorden, "
            "zonder uw naam, de naam van de organisatie of een bekend wachtwoord."
        )
    return None


def _translate(text: str, **values: object) -> str:
    """The message in the UI language in a request; the Dutch source text elsewhere (CLI)."""
    from flask import has_request_context
    from flask_babel import gettext

    return gettext(text, **values) if has_request_context() else text % values
