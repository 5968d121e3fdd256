"""Break-the-glass through the API: the same search and grant as the screens (``casebook.access.break_glass``,
``casebook.supervision.glass_search``), audited there; never restricted or secret types."""

from __future__ import annotations

from casebook.access import Action, can
from casebook.access import break_glass as glass
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless, rule_problem
from casebook.api.problems import ApiProblem
from casebook.api.registry import Reply
from casebook.api.schemas.break_glass import GlassCase, GlassGrantOut, GlassIn, GlassSearchIn, GlassSearchOut
from casebook.api.views.persons import _bsn_not_processed, _valid_bsn
from casebook.people import services as people
from casebook.supervision import glass_search


def _case(case, *, in_scope: bool) -> GlassCase:
    return GlassCase(id=case.id, reference=case.reference, case_type=case.case_type.code, in_scope=in_scope)


@api.post("/break-glass/search", body=GlassSearchIn, response=GlassSearchOut, tags=["break-glass"], errors=[403])
def search_break_glass(body: GlassSearchIn) -> GlassSearchOut:
    """Find the cases the glass may be broken for, by exact reference or by person (BSN, or family name
    and birth date). An unknown reference or person and one in no eligible case alike: an empty list."""
    user = api_user()
    forbid_unless(user, Action.BREAK_GLASS, lambda: can(user, Action.BREAK_GLASS))
    if body.reference:
        lookup = glass.find_case(user, body.reference)
        return GlassSearchOut(cases=[_case(lookup.case, in_scope=lookup.in_scope)] if lookup.case else [])
    bsn = _valid_bsn(body.bsn, "body")
    try:
        found = glass_search.find_cases_by_person(
            user, bsn=bsn, family_name=body.family_name, birth_date=body.birth_date
        )
    except people.BsnNotProcessed:
        raise _bsn_not_processed("body") from None
    except people.SearchCriteriaError:
        raise ApiProblem(
            422,
            "validation-error",
            detail="Geef een kenmerk, een BSN, of een achternaam en een geboortedatum.",
            errors=[{"location": "body", "field": "reference", "message": "reference, bsn or name", "code": "missing"}],
        ) from None
    return GlassSearchOut(cases=[_case(f.case, in_scope=f.in_scope) for f in found])


@api.post("/break-glass", body=GlassIn, response=GlassGrantOut, status=201, tags=["break-glass"], errors=[403])
def take_break_glass(body: GlassIn) -> Reply:
    """Take read-only access to an eligible case for the configured minutes, for a stated reason (reviewed later).
    A case that is not eligible is a 404, like an unknown one."""
    user = api_user()
    forbid_unless(user, Action.BREAK_GLASS, lambda: can(user, Action.BREAK_GLASS))
    try:
        grant = glass.break_glass(user, body.reference, body.reason)
    except glass.BreakGlassError as exc:
        raise rule_problem("reason", str(exc)) from None
    return Reply(
        GlassGrantOut(
            id=grant.id,
            case=grant.case_id,
            reference=grant.case.reference,
            started_at=grant.started_at,
            expires_at=grant.expires_at,
        )
    )
