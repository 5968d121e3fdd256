"""A small world for the requests of persons concerned: a privacy officer of the gemeente, a ZVH
case of a person with a BSN (and a second person in another case), users who opened it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.db import db
from casebook.organisations.models import Organisation, OrganisationKind
from casebook.people.models import Person
from tests.factories import make_case, make_org, make_person, make_user

BSN = "123456782"
OTHER_BSN = "111222333"
UNKNOWN_BSN = "999996873"
BIRTH = date(1990, 3, 4)


@dataclass
class World:
    gemeente: Organisation
    zvh: Organisation
    police: Organisation
    officer: User
    coordinator: User
    police_worker: User
    supervisor: User
    person: Person
    other: Person
    case: Case
    other_case: Case


@pytest.fixture
def world() -> World:
    gemeente = make_org("gemeente-sr", kind=OrganisationKind.MUNICIPALITY, name="Gemeente Test")
    zvh = make_org("zvh-sr", kind=OrganisationKind.ZVH, name="ZVH Test")
    police = make_org("politie-sr", kind=OrganisationKind.POLICE, name="Politie Test")
    person = make_person("Visser", given_names="Anna", birth_date=BIRTH, bsn=BSN)
    other = make_person("Bakker", given_names="Piet", birth_date=date(1985, 1, 2), bsn=OTHER_BSN)
    case = make_case(lead=zvh, subjects=[person], participants=[(zvh, Involvement.LEAD)])
    case.participants.append(CaseParticipant(organisation=police, involvement=Involvement.CONTRIBUTOR))
    other_case = make_case(lead=zvh, subjects=[other], participants=[(zvh, Involvement.LEAD)])
    world = World(
        gemeente=gemeente,
        zvh=zvh,
        police=police,
        officer=make_user("privacy-sr", org=gemeente, roles=[Role.PRIVACY_OFFICER]),
        coordinator=make_user("coord-sr", org=zvh, roles=[Role.COORDINATOR]),
        police_worker=make_user("politie-sr-1", org=police, roles=[Role.CASEWORKER]),
        supervisor=make_user("teamleider-sr", org=gemeente, roles=[Role.SUPERVISOR]),
        person=person,
        other=other,
        case=case,
        other_case=other_case,
    )
    db.session.commit()  # a savepoint: a request that fails rolls back its own work only
    return world
