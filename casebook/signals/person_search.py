"""Finding persons before creating them (search-before-create), for the signal's persons step.

Isolated here so it can be swapped for the person register's blind-index search in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casebook import audit
from casebook.access import Action, require
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.crypto.blind_index import family_name_variants, normalise_bsn
from casebook.db import db
from casebook.people.models import Person


@dataclass(frozen=True)
class PersonQuery:
    """Search by BSN, or by family name + birth date (both needed: a name alone finds too many)."""

    bsn: str | None = None
    family_name: str | None = None
    birth_date: date | None = None

    @property
    def by(self) -> str | None:
        if self.bsn:
            return "bsn"
        if self.family_name and self.birth_date:
            return "name_birth_date"
        return None


def find_persons(user: User, query: PersonQuery) -> list[Person]:
    """The persons matching ``query`` exactly (BSN; or normalised family name + birth date). Audited.

    REPLACE with ``casebook.people.services.search_persons(user, bsn=..., family_name=...,
    birth_date=...)`` when the encryption branch lands: it answers from blind indexes. This
    stand-in decrypts every person and compares, which is correct but linear in the register.

    :raises AccessDenied: ``user`` may not search persons.
    :raises CaseRuleError: the query names neither a BSN nor a family name with birth date.
    """
    require(user, Action.SEARCH_PERSONS)
    if query.by is None:
        raise CaseRuleError(_l("Zoek op BSN, of op achternaam én geboortedatum."), "bsn")
    matches: list[Person] = []
    if query.by == "bsn":
        wanted_bsn = normalise_bsn(query.bsn)
        matches = [p for p in db.session.scalars(select(Person).order_by(Person.id)) if p.bsn == wanted_bsn]
    else:
        wanted_names = family_name_variants(query.family_name)
        for person in db.session.scalars(select(Person).order_by(Person.id)):
            if person.birth_date == query.birth_date and wanted_names & family_name_variants(person.family_name or ""):
                matches.append(person)
    audit.record(user, "person.search", details={"by": query.by, "matches": len(matches)})
    return matches
