"""Finding cases: what a search term is (a reference, a family name, or refused) and how it is matched.

A reference is matched in its canonical form (``PGA-2026-00049``), exactly or (a year only) as
the range of that year's numbers, on the unique index of the reference; never ``LIKE '%…%'``.
A family name is matched through the person register's name-only blind index (``family_name``):
the term's normalised form, under the index's key, against each subject's entries, so "Khatib"
finds "El Khatib" and "Jansen" finds "Jansen-de Vries" without any name leaving its ciphertext.
Which cases a match may show is decided by the caller's ``case_scope`` (the search only narrows).

A BSN is not searched here: the case list keeps its search in the user's session and a BSN belongs
only in the person search (a POST, audited as such). A term that looks like one is refused with that
advice, and never stored.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select

from casebook.cases.models import Case, CaseSubject
from casebook.crypto import family_name_index, normalise_bsn, normalise_family_name
from casebook.crypto.store import current_keyring
from casebook.people.blind_indexes import FAMILY_NAME
from casebook.people.models import PersonSearchIndex

MAX_TERM_LENGTH = 100
REFERENCE_PREFIX = "PGA"
_REFERENCE = re.compile(
    r"(?:pga)?[\s\-_/.]*(?P<year>(?:19|20)\d{2})(?:[\s\-_/.]+(?P<number>\d{1,5}))?[\s\-_/.]*", re.IGNORECASE
)
_BSN_LIKE = re.compile(r"[0-9]{8,9}")


class SearchKind(enum.StrEnum):
    """What a search term was taken for: all an audit event ever says of it."""

    REFERENCE = "reference"
    NAME = "name"


class SearchRefused(ValueError):
    """A term that is not searched, with the message for the user (never the term)."""

    def __init__(self, message: object, *, bsn: bool = False) -> None:
        super().__init__(str(message))
        self.message = message
        self.bsn = bsn  # the term looked like a BSN: it is not shown back either


@dataclass(frozen=True)
class CaseSearch:
    """A parsed search: a canonical reference (``exact`` or a prefix) or a family name's digest.

    Holds no typed text: a reference is canonical (not personal data), a name only as its keyed
    digest, so the object may be kept for the session without the name.
    """

    kind: SearchKind
    reference: str | None = None
    exact: bool = True
    name_digest: str | None = None

    def clause(self) -> ColumnElement[bool]:
        """The WHERE condition on ``Case`` (the caller adds the scope)."""
        if self.kind is SearchKind.REFERENCE:
            assert self.reference is not None
            if self.exact:
                return Case.reference == self.reference
            # a year: the range of its numbers on the unique index (not LIKE, which PostgreSQL serves
            # from a b-tree only in the C collation); references of one year all have the same shape
            return Case.reference.between(self.reference + "00000", self.reference + "99999")
        subjects = (
            select(CaseSubject.case_id)
            .join(PersonSearchIndex, PersonSearchIndex.person_id == CaseSubject.person_id)
            .where(PersonSearchIndex.index_name == FAMILY_NAME, PersonSearchIndex.value == self.name_digest)
        )
        return Case.id.in_(subjects)


def canonical_reference(term: str) -> tuple[str, bool] | None:
    """``(reference, exact)`` for a term that spells a case reference, else None.

    ``pga-2026-49``, ``PGA-2026-00049``, ``2026-00049`` and ``2026 49`` are ``("PGA-2026-00049", True)``;
    a year alone (``PGA-2026``, ``2026``) is the prefix ``("PGA-2026-", False)``.
    """
    found = _REFERENCE.fullmatch(term.strip())
    if found is None:
        return None
    year, number = found["year"], found["number"]
    if number is None:
        return f"{REFERENCE_PREFIX}-{year}-", False
    if int(number) == 0:
        return None
    return f"{REFERENCE_PREFIX}-{year}-{int(number):05d}", True


def looks_like_bsn(term: str) -> bool:
    """Eight or nine digits, however separated: a BSN (or one typed short) — not for this search."""
    return bool(_BSN_LIKE.fullmatch(normalise_bsn(term.strip())))


def parse(term: str) -> CaseSearch:
    """The search for ``term``. :raises SearchRefused: too long, a BSN, or nothing to search for."""
    if len(term) > MAX_TERM_LENGTH:
        raise SearchRefused(_l("De zoekterm is te lang (hoogstens %(max)s tekens).", max=MAX_TERM_LENGTH))
    if looks_like_bsn(term):
        raise SearchRefused(
            _l("Zoeken op BSN kan hier niet: zoek de persoon op via Personen zoeken en open daar de casus."),
            bsn=True,
        )
    reference = canonical_reference(term)
    if reference is not None:
        return CaseSearch(SearchKind.REFERENCE, reference=reference[0], exact=reference[1])
    name = normalise_family_name(term)
    if not name:
        raise SearchRefused(_l("Typ een kenmerk (zoals PGA-2026-00042) of een achternaam."))
    if len(name.replace(" ", "")) < 2:
        raise SearchRefused(_l("Typ minstens twee letters van de achternaam."))
    return CaseSearch(SearchKind.NAME, name_digest=family_name_index(current_keyring(), name))
