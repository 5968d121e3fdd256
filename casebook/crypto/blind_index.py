"""Blind indexes: find encrypted personal data by exact BSN or by family name + date of birth.

A blind index is a keyed HMAC over a *normalised* value. The database stores only the digest,
so equal values can be found without decrypting, while a database copy without the keyring
cannot confirm a guess. Each index has its own key (`Keyring.index_key_for`), derived from the
keyring's index root key, which does not change when master keys rotate.

Also here: BSN validation (11-proef) and masking, and Dutch family-name normalisation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import unicodedata

from .keyring import Keyring

__all__ = [
    "BLIND_INDEX_HEX_CHARS",
    "TUSSENVOEGSELS",
    "bsn_index",
    "bsn_is_valid",
    "compute_blind_index",
    "family_name_index",
    "family_name_search_terms",
    "family_name_variants",
    "mask_bsn",
    "name_dob_index",
    "normalise_bsn",
    "normalise_family_name",
]

# --- BSN ----------------------------------------------------------------------------------------

_BSN_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")  # whitespace (incl. NBSP), dots, dashes
_BSN_RE = re.compile(r"[0-9]{9}")  # ASCII digits only: str.isdigit() also accepts e.g. Arabic-Indic digits
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def normalise_bsn(raw: str) -> str:
    """Strip the separators people type in a BSN (spaces, dots, dashes); keep everything else.

    Other characters are kept on purpose so that `bsn_is_valid` rejects them: silently
    dropping letters would turn ``"12345678a2"`` into a valid-looking BSN.
    """
    return _BSN_SEPARATORS.sub("", raw)


def bsn_is_valid(bsn: str) -> bool:
    """True for exactly nine digits (after `normalise_bsn`), not all zeros, passing the 11-proef.

    11-proef: the digits weighted 9, 8, 7, 6, 5, 4, 3, 2, -1 must sum to a multiple of 11.
    """
    digits = normalise_bsn(bsn)
    if not _BSN_RE.fullmatch(digits) or digits == "000000000":
        return False
    return sum(int(d) * w for d, w in zip(digits, _BSN_WEIGHTS, strict=True)) % 11 == 0


def mask_bsn(bsn: str) -> str:
    """The BSN as shown by default: ``*****6782``. Anything that is not nine digits shows as nine stars."""
    digits = normalise_bsn(bsn)
    if not _BSN_RE.fullmatch(digits):
        return "*" * 9
    return "*" * 5 + digits[-4:]


# --- family names -------------------------------------------------------------------------------

#: Name prefixes (Dutch *tussenvoegsels*, plus the Romance/German ones common in the BRP) stripped
#: from the front or back of a family name, written as they look *after* normalisation:
#: apostrophes become word breaks, so ``'t`` is ``t``, ``d'`` is ``d`` and ``in 't`` is ``in t``.
#: Longer prefixes are tried first; stripping repeats, so unlisted combinations of listed
#: words (``van de``, ``van der``) are covered too.
TUSSENVOEGSELS: tuple[str, ...] = (
    "van der", "van den", "van de", "van het", "van t", "van ter", "van ten", "van la",
    "in het", "in t", "in de", "in den", "in der", "op den", "op de", "op het", "op t", "op ten",
    "aan de", "aan den", "aan het", "aan t", "bij de", "uit de", "uit den", "uit het", "uit t",
    "voor de", "onder de", "over de", "de la", "de las", "de los", "von der", "von dem",
    "van", "de", "der", "den", "het", "ter", "ten", "te", "t", "d", "s", "l",
    "la", "le", "les", "du", "des", "da", "das", "do", "dos", "di", "del", "della", "von", "vom", "zu", "zum", "zur",
    # Arabic and Berber particles, also hyphenated (el-/al-: a hyphen is a word break): "El Khatib",
    # "al-Hassan", "Ben Ali", "Abu Bakr", "Bou Ziane" are found as "Khatib", "Hassan", "Ali" …
    "el", "al", "ben", "abu", "bou",
)  # fmt: skip
_PREFIXES: tuple[tuple[str, ...], ...] = tuple(
    sorted((tuple(p.split()) for p in TUSSENVOEGSELS), key=len, reverse=True)
)
# Letters NFKD does not decompose into a base letter plus marks.
_LETTER_FOLDS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "\u0131": "i"})
_NON_WORD = re.compile(r"[^\w]+|_+")


def _fold(raw: str) -> str:
    """Lower case, diacritics removed: ``"Öztürk"`` -> ``"ozturk"``, ``"Ørsted"`` -> ``"orsted"``."""
    # Repeated until stable: decomposing can reveal capitals ("℃" -> "°C") and composing can make
    # new foldable letters, so one pass is not always idempotent; a few passes always settle.
    text = raw
    for _ in range(4):
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = unicodedata.normalize("NFKC", stripped.translate(_LETTER_FOLDS)).casefold()
        if folded == text:
            break
        text = folded
    return text


def _words(text: str) -> list[str]:
    # Hyphens, apostrophes, dots and other punctuation are word breaks, not deleted outright:
    # "d'Hondt" -> ["d", "hondt"] so the prefix "d'" can be recognised.
    return _NON_WORD.sub(" ", text).split()


def _strip_prefixes(words: list[str]) -> list[str]:
    """Drop tussenvoegsels from the front, then from the back, never leaving nothing."""
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                words = words[n:]
                changed = True
                break
            if len(words) > n and tuple(words[-n:]) == prefix:
                words = words[:-n]
                changed = True
                break
    return words


def normalise_family_name(raw: str) -> str:
    """The form of a family name that the name + date-of-birth index is computed over.

    Lower case; diacritics removed (``Öztürk`` = ``Ozturk``); punctuation, hyphens and
    apostrophes become word breaks; whitespace collapsed to single spaces; tussenvoegsels
    (`TUSSENVOEGSELS`) removed from the front (``van Jansen``, ``'t Hart``, ``d'Hondt``) or
    the back (``Jansen, van`` or ``Berg van der``). So ``Jansen``, ``van Jansen`` and
    ``Jansen, van`` all give ``jansen``; ``Van der Berg`` gives ``berg``.

    Choices, on purpose:
    - Pass the family name only. Initials are not recognised: ``J. van Jansen`` gives
      ``j van jansen``.
    - Prefixes *inside* a name stay: ``Jansen-de Vries`` gives ``jansen de vries`` (not
      ``jansen``); `family_name_variants` also yields each part of a double name.
    - A name made only of prefix words is kept (``Van`` gives ``van``), never emptied.
    - A name that is only punctuation gives ``""``; callers must treat that as "no name".
    """
    folded = _fold(raw)
    head, comma, tail = folded.partition(",")
    words = _words(head)
    if comma:
        tail_words = _words(tail)
        # "Jansen, van": a tail of only prefixes is the inverted prefix; anything else is kept.
        if not (tail_words and _is_only_prefixes(tail_words)):
            words += tail_words
    return " ".join(_strip_prefixes(words))


def _is_only_prefixes(words: list[str]) -> bool:
    return not _strip_prefixes(["x", *words])[1:]


def family_name_variants(raw: str) -> set[str]:
    """The normalised name plus, for a double name, each part: ``Jansen-de Vries`` ->
    ``{"jansen de vries", "jansen", "vries"}``.

    For a person register that wants "Jansen" (with the right birth date) to find
    "Jansen-de Vries": store one name + date-of-birth index entry per variant.
    """
    variants = {normalise_family_name(raw)}
    parts = [part for part in re.split(r"[-\u2010-\u2015]", raw.partition(",")[0]) if part.strip()]
    if len(parts) > 1:
        # a part that is only particles ("El" of "El-Khatib", "de" of "de-Vries") is no name of its own
        variants.update(normalise_family_name(part) for part in parts if not _is_only_prefixes(_words(_fold(part))))
    variants.discard("")
    return variants


def family_name_search_terms(raw: str) -> set[str]:
    """What the name-only index holds for a family name: each of `family_name_variants` and each
    word of them that is not a particle, so a part of a name finds it without a date of birth:
    ``Abu El Khatib Haddad`` -> ``{"khatib haddad", "khatib", "haddad"}``.

    A search computes the digest of the query's `normalise_family_name` and matches any of these;
    single letters are left out (they would find half the register).
    """
    terms = family_name_variants(raw)
    for variant in list(terms):
        words = variant.split()
        if len(words) > 1:
            terms.update(word for word in words if len(word) > 1 and not _is_only_prefixes([word]))
    return terms


# --- the indexes --------------------------------------------------------------------------------

#: Digests are HMAC-SHA256 truncated to 128 bits (32 hex characters).
BLIND_INDEX_HEX_CHARS = 32


def compute_blind_index(key: bytes, value: str) -> str:
    """Hex HMAC-SHA256 of `value` (UTF-8) under `key`, truncated to 32 hex characters (128 bits).

    Why truncate: a fixed ``CHAR(32)`` column and a smaller database index. 128 bits keeps
    accidental collisions negligible at any register size (about 2**-60 for millions of rows),
    so the truncation is not a privacy measure: it does not group people into buckets
    (k-anonymity would need something like 16-24 bits, with many false matches per search).
    Searches must still confirm every match by decrypting the candidate, which handles any
    collision and keeps the index an accelerator rather than the source of truth.
    """
    if not isinstance(key, bytes) or len(key) < 32:
        raise ValueError("a blind-index key must be at least 32 bytes")
    digest = hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:BLIND_INDEX_HEX_CHARS]


def bsn_index(keyring: Keyring, bsn: str) -> str:
    """The ``bsn`` blind index of a BSN in any common formatting (``1234 56 782``).

    :raises ValueError: if the BSN fails `bsn_is_valid` (validate in the form first).
    """
    if not bsn_is_valid(bsn):
        raise ValueError("not a valid BSN")
    return compute_blind_index(keyring.index_key_for("bsn"), normalise_bsn(bsn))


def name_dob_index(keyring: Keyring, family_name: str, birth_date: dt.date) -> str:
    """The ``name_dob`` blind index over normalised family name + ``"|"`` + ISO birth date.

    ``"|"`` cannot occur in a normalised name, so the pair is encoded unambiguously.
    For a double name, index each of `family_name_variants` (normalising a variant again is a no-op).

    :raises ValueError: if the name normalises to nothing.
    :raises TypeError: if `birth_date` is not a `datetime.date` (a datetime is refused too).
    """
    if isinstance(birth_date, dt.datetime) or not isinstance(birth_date, dt.date):
        raise TypeError("birth_date must be a datetime.date")
    name = normalise_family_name(family_name)
    if not name:
        raise ValueError("family name is empty after normalisation")
    return compute_blind_index(keyring.index_key_for("name_dob"), f"{name}|{birth_date.isoformat()}")


def family_name_index(keyring: Keyring, family_name: str) -> str:
    """The ``family_name`` blind index (name only, its own key): over `normalise_family_name` of
    ``family_name``; a person has one entry per `family_name_search_terms`.

    Weaker than ``name_dob`` (a common name is guessable), so it only narrows a search that the
    case scope then confirms, and is computed under a key of its own.

    :raises ValueError: if the name normalises to nothing.
    """
    name = normalise_family_name(family_name)
    if not name:
        raise ValueError("family name is empty after normalisation")
    return compute_blind_index(keyring.index_key_for("family_name"), name)
