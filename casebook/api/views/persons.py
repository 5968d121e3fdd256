"""Persons through the API: blind-index search, registration within a case, the person (BSN masked)."""

from __future__ import annotations

from flask import url_for

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless
from casebook.api.problems import ApiProblem
from casebook.api.registry import Reply
from casebook.api.schemas.persons import PersonCase, PersonCreate, PersonList, PersonOut, PersonQuery
from casebook.cases import services as cases
from casebook.crypto import bsn_is_valid, normalise_bsn
from casebook.people import services as people


def _bsn_not_processed(location: str) -> ApiProblem:
    return ApiProblem(
        422,
        "validation-error",
        errors=[{"location": location, "field": "bsn", "message": str(people.BSN_NOT_PROCESSED), "code": "bsn"}],
    )


def _valid_bsn(value: str | None, location: str) -> str | None:
    """The BSN as digits; an invalid one is refused like the screens' form does (elfproef)."""
    if not value:
        return None
    digits = normalise_bsn(value)
    if not bsn_is_valid(digits):
        raise ApiProblem(
            422,
            "validation-error",
            errors=[{"location": location, "field": "bsn", "message": "Geen geldig BSN (elfproef).", "code": "bsn"}],
        )
    return digits


@api.get("/persons", query=PersonQuery, response=PersonList, tags=["persons"], errors=[403])
def search_persons(query: PersonQuery) -> PersonList:
    """Persons in the caller's cases with this BSN, or this family name and birth date (blind indexes)."""
    user = api_user()
    forbid_unless(user, Action.SEARCH_PERSONS, lambda: can(user, Action.SEARCH_PERSONS))
    bsn = _valid_bsn(query.bsn, "query")
    try:
        found = people.search_persons(user, bsn=bsn, family_name=query.family_name, birth_date=query.birth_date)
    except people.BsnNotProcessed:
        raise _bsn_not_processed("query") from None
    except people.SearchCriteriaError:
        raise ApiProblem(
            422,
            "validation-error",
            detail="Geef een BSN, of een achternaam en een geboortedatum.",
            errors=[
                {"location": "query", "field": "bsn", "message": "bsn or family_name + birth_date", "code": "missing"}
            ],
        ) from None
    bsn_allowed = can(user, Action.PROCESS_BSN)
    return PersonList(items=[PersonOut.of(p, bsn_allowed=bsn_allowed) for p in found])


@api.get("/persons/<id:person_id>", response=PersonOut, tags=["persons"])
def get_person(person_id: int) -> PersonOut:
    """A person in one of the caller's cases, with those cases. The BSN stays masked (see the schema)."""
    user = api_user()
    person = people.load_person_for(user, person_id)
    rows = people.cases_of_person(user, person)
    cases_out = [PersonCase(case=c.id, reference=c.reference, role=role) for c, role in rows]
    return PersonOut.of(person, cases_out, bsn_allowed=can(user, Action.PROCESS_BSN))


@api.post("/persons", body=PersonCreate, response=PersonOut, status=201, tags=["persons"], errors=[404, 409])
def register_person(body: PersonCreate) -> Reply:
    """Register a person in a case (``case`` in the body), after the duplicate check, as the screens do."""
    user = api_user()
    case = cases.load_for(user, body.case, Action.UPDATE_CASE)
    forbid_unless(user, Action.SEARCH_PERSONS, lambda: can(user, Action.SEARCH_PERSONS))
    data = people.PersonData(
        family_name=body.family_name,
        given_names=body.given_names,
        birth_date=body.birth_date,
        bsn=_valid_bsn(body.bsn, "body"),
        address=body.address,
        phone=body.phone,
    )
    try:
        person = people.register_person(
            user, case, data, role=body.role, confirmed_new=body.confirmed_new, use_existing=body.use_existing
        )
    except people.BsnNotProcessed:
        raise _bsn_not_processed("body") from None
    except people.DuplicatesFound as found:
        # Only persons the caller may see are ever matched (people.register_person).
        candidates = [m.person.id for m in found.matches]
        detail = "Er zijn al personen geregistreerd die overeenkomen; koppel er een met use_existing"
        detail += "." if not found.overridable else ", of bevestig met confirmed_new dat het een ander is."
        raise ApiProblem(409, "duplicate-person", detail=detail, members={"candidates": candidates}) from None
    location = url_for("api.get_person", person_id=person.id, _external=True)
    return Reply(PersonOut.of(person, bsn_allowed=can(user, Action.PROCESS_BSN)), headers={"Location": location})
