"""Finding persons before creating them (search-before-create), for the signal's persons step.

Isolated here so it can be swapped for the person register's blind-index search in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.crypto.blind_index import bsn_is_valid
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
    """The persons matching ``query`` that ``user`` may see: the person register's own search.

    The same rule as everywhere (``casebook.access.rules.persons``): a person exists for the user
    only through a case they may list. A match known only in hidden cases — or only from other
    signals, in no case — is not shown and gets the answer of an unknown person; creating that
    person then records the match for the ZVH instead (``people.create_person``). Audited by the
    register (``person.search``, no values).

    :raises Refused: ``user`` may not search persons.
    :raises CaseRuleError: the query names neither a valid BSN nor a family name with birth date,
        or a BSN from an organisation that may not process BSNs.
    """
    if query.by is None:
        people.require_search(user)
        raise CaseRuleError(_l("Zoek op BSN, of op achternaam én geboortedatum."), "bsn")
    if query.by == "bsn" and not bsn_is_valid(query.bsn or ""):
        people.require_search(user)
        raise CaseRuleError(_l("Dit is geen geldig BSN (11-proef)."), "bsn")
    try:
        if query.by == "bsn":
            return people.search_persons(user, bsn=query.bsn)
        return people.search_persons(user, family_name=query.family_name, birth_date=query.birth_date)
    except people.BsnNotProcessed as refused:
        raise CaseRuleError(refused.message, "bsn") from None
    except people.SearchCriteriaError:
        raise CaseRuleError(_l("Zoek op BSN, of op achternaam én geboortedatum."), "bsn") from None
