"""``GET /api/v1/me``: who the token acts for and what they may do."""

from __future__ import annotations

from pydantic import Field

from casebook.access import Action, can
from casebook.access.scope import authorisations_of as grants_of
from casebook.api.schemas.common import ApiModel
from casebook.auth.models import Role, User


class Authorisation(ApiModel):
    """What the user may do, ZGW style: actions, per case type and up to a confidentiality when scoped."""

    case_type: str | None = Field(description="Case type code, or null for actions that need no case.")
    actions: list[str] = Field(description="Action codes, e.g. `case.create`, `signal.triage`.")
    max_confidentiality: str | None = Field(None, description="Highest confidentiality code, or null.")


class Me(ApiModel):
    username: str
    display_name: str
    organisation: str = Field(description="Organisation slug.")
    roles: list[Role]
    authorisations: list[Authorisation]

    @classmethod
    def of(cls, user: User) -> Me:
        return cls(
            username=user.username,
            display_name=user.display_name,
            organisation=user.organisation.slug,
            roles=sorted(user.roles),
            authorisations=authorisations_of(user),
        )


def authorisations_of(user: User) -> list[Authorisation]:
    """The user's authorisations as the access policy states them.

    Case-independent actions are granted by role (``can(user, action)`` without a case): one entry
    without a case type. Then each ZGW-style authorisation that applies to the user (personal, for
    their organisation and role, or role-wide): its case type, actions and maximum confidentiality.
    The relation to a case (participation, lead organisation) still decides per case.
    """
    global_actions = sorted(str(action) for action in Action if can(user, action))
    entries = [Authorisation(case_type=None, actions=global_actions)] if global_actions else []
    for grant in grants_of(user):
        entries.append(
            Authorisation(
                case_type=grant.case_type.code,
                actions=sorted(grant.action_set),
                max_confidentiality=grant.max_confidentiality.code,
            )
        )
    return entries
