"""Which blind-index entries a person has: one per valid BSN, one per family-name variant + birth date,
and one per family-name search term (name only: ``FAMILY_NAME``, what the case list's name search uses).

Pure functions (no database): the flush hook in ``casebook.people.models`` stores what this
returns, and person search computes the same digests for the query. Values that cannot be read
(shredded, integrity failure) or are incomplete give no entry, so they are simply not findable.
"""

from __future__ import annotations

import datetime as dt

from casebook.crypto import (
    Keyring,
    bsn_index,
    bsn_is_valid,
    family_name_index,
    family_name_search_terms,
    family_name_variants,
    name_dob_index,
)
from casebook.crypto.store import UnreadableText

BSN = "bsn"
BSN_PENDING = "bsn_pending"  # a BSN the register already holds for a person the registrant may not see
NAME_DOB = "name_dob"
FAMILY_NAME = "family_name"  # name only; narrows searches that the case scope confirms


def _readable(value: object) -> bool:
    return value is not None and not isinstance(value, UnreadableText)


def person_index_entries(
    keyring: Keyring,
    *,
    family_name: str | None,
    birth_date: dt.date | None,
    bsn: str | None,
    bsn_pending: bool = False,
) -> set[tuple[str, str]]:
    """The ``(index name, digest)`` pairs under which a person with these values is found.

    A pending BSN (``bsn_pending``) gets an index of its own, so the register's BSN index stays
    unique while the person is still found by the BSN typed for them.
    """
    entries: set[tuple[str, str]] = set()
    if _readable(bsn) and bsn_is_valid(bsn):
        entries.add((BSN_PENDING if bsn_pending else BSN, bsn_index(keyring, bsn)))
    if _readable(family_name) and isinstance(birth_date, dt.date):
        for variant in family_name_variants(family_name):
            entries.add((NAME_DOB, name_dob_index(keyring, variant, birth_date)))
    if _readable(family_name) and family_name:
        for term in family_name_search_terms(family_name):
            entries.add((FAMILY_NAME, family_name_index(keyring, term)))
    return entries
