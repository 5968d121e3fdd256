"""Household resources: its members (those the caller may see), its visible cases, its procesregisseur."""

from __future__ import annotations

from pydantic import Field

from casebook.api.schemas.common import ApiModel, Id, InputModel
from casebook.api.schemas.common import text as bounded
from casebook.people.models import HouseholdRelation


class HouseholdMemberOut(ApiModel):
    id: int = Field(description="Member id (for removing the member).")
    person: int | None = Field(description="Person id; null when the caller may not open the person.")
    name: str | None = Field(description="The member's name as the household page shows it.")
    relation: HouseholdRelation
    cases: list[int] = Field(description="Ids of the member's cases the caller may see.")


class HouseholdCase(ApiModel):
    id: int
    reference: str


class HouseholdOut(ApiModel):
    id: int
    reference: str = Field(examples=["HH-00042"])
    district: str | None = Field(description="District code.")
    version: int = Field(description="Version of the member list, for `If-Match` when adding or removing members.")
    members: list[HouseholdMemberOut]
    cases: list[HouseholdCase] = Field(description="The household's cases (and its members') the caller may see.")
    coordinator: str | None = Field(description="Username of the household's procesregisseur.")
    coordinator_version: int = Field(description="`If-Match` for naming the procesregisseur (0 while none).")


class MemberIn(InputModel):
    person: Id = Field(description="Person id of a subject of one of the household's cases.")
    relation: HouseholdRelation


class CoordinatorIn(InputModel):
    coordinator: bounded(80) = Field(description="Username of a coordinator of a lead organisation of its cases.")  # type: ignore[valid-type]


class CoordinatorOut(ApiModel):
    coordinator: str
    version: int = Field(description="The new `coordinator_version`.")
