"""Finding persons before creating them (search-before-create), for the signal's persons step.

Isolated here so it can be swapped for the person register's blind-index search in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casebook.access import Action, require
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import CaseSubject
from casebook.crypto.blind_index import bsn_is_valid
from casebook.db import db
from casebook.people import services as people
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
    """The persons matching ``query``, found through the person register's blind indexes.

    Offered for linking: persons in the user's cases and persons in no case yet (known only from
    signals). A match inside a case the user cannot see is never shown, not even for a BSN: its
    data would leak; registering that BSN again is refused by the register without showing whom.
    Audited by the register (``person.search``, no values).

    :raises AccessDenied: ``user`` may not search persons.
    :raises CaseRuleError: the query names neither a valid BSN nor a family name with birth date.
    """
    require(user, Action.SEARCH_PERSONS)
    if query.by is None:
        raise CaseRuleError(_l("Zoek op BSN, of op achternaam én geboortedatum."), "bsn")
    if query.by == "bsn" and not bsn_is_valid(query.bsn or ""):
        raise CaseRuleError(_l("Dit is geen geldig BSN (11-proef)."), "bsn")
    if query.by == "bsn":
        matches = people.find_duplicates(user, bsn=query.bsn)
    else:
        matches = people.find_duplicates(user, family_name=query.family_name, birth_date=query.birth_date)
    in_a_case = set(
        db.session.scalars(
            select(CaseSubject.person_id).where(CaseSubject.person_id.in_([m.person.id for m in matches]))
        )
    )
    return [m.person for m in matches if m.visible or m.person.id not in in_a_case]
