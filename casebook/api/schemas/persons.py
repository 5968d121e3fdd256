"""Person resources. The BSN is always masked (``*****6782``): the screens show it in full only
after an explicit, re-authenticated and audited reveal, which the API does not offer. Callers of
an organisation that may not process BSNs (``Action.PROCESS_BSN``) get no BSN at all."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from casebook.api.schemas.common import ApiModel, Id, InputModel, QueryModel, text
from casebook.cases.models import SubjectRole
from casebook.crypto import mask_bsn
from casebook.crypto.store import UnreadableText
from casebook.people.models import Person


def _readable(value: object) -> str | None:
    """Shredded or unreadable values are absent in the API (the screens show a placeholder)."""
    if value is None or isinstance(value, UnreadableText):
        return None
    return str(value)


class PersonCase(ApiModel):
    case: int = Field(description="Case id (only cases the caller may see).")
    reference: str
    role: SubjectRole


class PersonOut(ApiModel):
    id: int
    family_name: str | None
    given_names: str | None
    birth_date: date | None
    bsn_masked: str | None = Field(
        description="The BSN masked as on the screens, e.g. `*****6782`; null when there is none or the "
        "caller's organisation may not process BSNs."
    )
    address: str | None
    phone: str | None
    cases: list[PersonCase] | None = Field(None, description="On GET /persons/{id} only.")

    @classmethod
    def of(cls, person: Person, cases: list[PersonCase] | None = None, *, bsn_allowed: bool) -> PersonOut:
        """``bsn_allowed``: the policy's ``Action.PROCESS_BSN`` for the caller (else no BSN, not even masked)."""
        bsn = _readable(person.bsn) if bsn_allowed else None
        birth_date = person.birth_date
        return cls(
            id=person.id,
            family_name=_readable(person.family_name),
            given_names=_readable(person.given_names),
            birth_date=birth_date if isinstance(birth_date, date) else None,
            bsn_masked=mask_bsn(bsn) if bsn else None,
            address=_readable(person.address),
            phone=_readable(person.phone),
            cases=cases,
        )


class PersonList(ApiModel):
    """At most 50 persons: a search is for finding one person."""

    items: list[PersonOut]


class PersonQuery(QueryModel):
    bsn: text(20, min_length=0) | None = Field(
        None, description="A valid BSN (elfproef); or give family_name and birth_date."
    )  # type: ignore[valid-type]
    family_name: text(200, min_length=0) | None = Field(None, description="Family name (any variant with prefixes).")  # type: ignore[valid-type]
    birth_date: date | None = Field(None, description="ISO date, with family_name.")


class PersonCreate(InputModel):
    """Register a person *in a case*, as the screens do: the person is searched first (no duplicates).

    Existing matches among the persons you may see answer 409 `duplicate-person` with `candidates`;
    send again with `use_existing` (one of those ids) to link that person, or with
    `confirmed_new: true` when only name + birth date matched and it is another person (a BSN match
    can only be linked). Persons you may not see are never matched for you: the answer is that of
    an unknown person (the register keeps the match for the ZVH). A `bsn` from an organisation that
    may not process BSNs answers 422.
    """

    case: Id = Field(description="The case the person is added to (you must be able to change it).")
    role: SubjectRole = SubjectRole.SUBJECT
    family_name: text(200)  # type: ignore[valid-type]
    given_names: text(200, min_length=0) | None = None  # type: ignore[valid-type]
    birth_date: date
    bsn: text(20, min_length=0) | None = None  # type: ignore[valid-type]
    address: text(300, min_length=0) | None = None  # type: ignore[valid-type]
    phone: text(40, min_length=0) | None = None  # type: ignore[valid-type]
    confirmed_new: bool = False
    use_existing: Id | None = None
