"""Households through the API: form one on a case, add and remove members, name the procesregisseur.

The same loaders and services as the household page (``casebook.households``): the policy decides,
the services audit; versions travel as ``ETag`` / ``If-Match``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals
from casebook.api.locking import IfMatch
from casebook.api.lookup import id_of
from casebook.api.registry import Reply
from casebook.api.schemas.households import (
    CoordinatorIn,
    CoordinatorOut,
    HouseholdCase,
    HouseholdMemberOut,
    HouseholdOut,
    MemberIn,
)
from casebook.auth.models import User
from casebook.casework import load_case
from casebook.households import forming
from casebook.households import services as households
from casebook.people.models import Household


def _out(user: User, household: Household, cases: list) -> HouseholdOut:
    coordination = households.coordination_of(household.id)
    return HouseholdOut(
        id=household.id,
        reference=household.reference,
        district=household.district.code if household.district else None,
        version=household.version,
        members=[
            HouseholdMemberOut(
                id=view.member.id,
                person=view.member.person_id if view.linked else None,
                name=view.member.person.full_name or None,
                relation=view.member.relation,
                cases=[c.id for c in view.cases],
            )
            for view in households.members_with_cases(user, household, cases)
        ],
        cases=[HouseholdCase(id=c.id, reference=c.reference) for c in cases],
        coordinator=coordination.process_coordinator.username if coordination else None,
        coordinator_version=households.coordination_version(coordination),
    )


def _location(household: Household) -> dict[str, str]:
    return {"Location": url_for("api.get_household", household_id=household.id, _external=True)}


@api.operation(
    "POST",
    "/cases/<id:case_id>/household",
    response=HouseholdOut,
    status=201,
    if_match=True,
    etag=True,
    tags=["households"],
    errors=[409],
)
def create_household(case_id: int, if_match: Callable[[], IfMatch]) -> Reply:
    """Form the household of a case (``If-Match``: the case's ETag; who manages its participants)."""
    user = api_user()
    case = load_case(user, case_id, Action.CREATE_HOUSEHOLD)
    expected = if_match().check(case.version)
    with refusals():
        household = forming.create_household(case, by=user, expected_version=expected)
    loaded, cases = households.load_household_for(user, household.id)
    return Reply(_out(user, loaded, cases), headers=_location(household))


@api.get("/households/<id:household_id>", response=HouseholdOut, etag=True, tags=["households"])
def get_household(household_id: int) -> HouseholdOut:
    """The household: the members the caller may see, its visible cases, its procesregisseur."""
    user = api_user()
    household, cases = households.load_household_for(user, household_id)
    return _out(user, household, cases)


@api.operation(
    "POST",
    "/households/<id:household_id>/members",
    body=MemberIn,
    response=HouseholdOut,
    status=201,
    if_match=True,
    etag=True,
    tags=["households"],
    errors=[409],
)
def add_household_member(household_id: int, body: Callable[[], MemberIn], if_match: Callable[[], IfMatch]) -> Reply:
    """Add a subject of one of the household's cases as a member (``If-Match``: the household's ETag)."""
    user = api_user()
    household, cases = households.load_household_for(user, household_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(household.version)
    with refusals():
        forming.add_member(
            household, cases, by=user, person_id=body.person, relation=body.relation, expected_version=expected
        )
    return Reply(_out(user, household, cases), headers=_location(household))


@api.delete("/households/<id:household_id>/members/<id:member_id>", if_match=True, tags=["households"], errors=[409])
def remove_household_member(household_id: int, member_id: int, if_match: Callable[[], IfMatch]) -> Reply:
    """Take a member out of the household (``If-Match``: the household's ETag); the person stays."""
    user = api_user()
    household, _cases = households.load_household_for(user, household_id)
    member = forming.load_member(user, household, member_id)
    expected = if_match().check(household.version)
    with refusals():
        forming.remove_member(household, member, by=user, expected_version=expected)
    return Reply()


@api.operation(
    "PUT",
    "/households/<id:household_id>/coordinator",
    body=CoordinatorIn,
    response=CoordinatorOut,
    if_match=True,
    etag=True,
    tags=["households"],
    errors=[409],
)
def set_household_coordinator(
    household_id: int, body: Callable[[], CoordinatorIn], if_match: Callable[[], IfMatch]
) -> CoordinatorOut:
    """Name the household's procesregisseur (``If-Match``: its `coordinator_version`, "0" while none)."""
    user = api_user()
    household, cases = households.load_household_for(user, household_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(households.coordination_version(households.coordination_of(household.id)))
    with refusals(fields={"coordinator": "coordinator"}):
        row = households.set_coordinator(
            household, cases, id_of(User, User.username, body.coordinator), by=user, expected_version=expected
        )
    return CoordinatorOut(coordinator=row.process_coordinator.username, version=row.version)
