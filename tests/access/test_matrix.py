"""The authorisation matrix, declared as a table: role × relation to the case × confidentiality vs the
user's maximum × action → allowed?

Each cell runs against the services (``load_for``/``list_for``: outcome and audit event) and, for
the actions that have an HTTP route, against the route (status, listing and audit event). A route
added later joins by adding its action to ``ROUTES``.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied, Action, can, case_scope
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases import services as cases
from casebook.cases.models import Case, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.pagination import PageRequest
from tests.access.helpers import add_participant, give_break_glass
from tests.factories import authorise_roles, login_as, make_case, make_case_type, make_org, make_user
from tests.helpers import audit_events, last_event

ROLES = ("caseworker", "coordinator", "supervisor", "admin")
RELATIONS = ("lead", "contributor", "observer", "named_user", "other_org", "former", "break_glass")
LEVELS = ("within_max", "above_max")
ACTIONS = (
    Action.LIST_CASES,
    Action.VIEW_CASE,
    Action.READ_NOTES,
    Action.ADD_NOTE,
    Action.TRANSITION_CASE,
    Action.APPROVE_CLOSURE,
)

L, V, N, W, T, A = ACTIONS
SEE = {L, V}
NONE: set = set()

# Within the user's maximum: what each role may do in each relation. Above it: nothing, anywhere.
ALLOWED_WITHIN_MAX: dict[str, dict[str, set]] = {
    "lead": {"caseworker": SEE | {N, W}, "coordinator": SEE | {N, W, T}, "supervisor": SEE | {A}, "admin": NONE},
    "contributor": {"caseworker": SEE | {N, W}, "coordinator": SEE | {N, W}, "supervisor": SEE, "admin": NONE},
    "observer": {"caseworker": SEE | {N}, "coordinator": SEE | {N}, "supervisor": SEE, "admin": NONE},
    "named_user": {"caseworker": SEE | {N, W}, "coordinator": SEE | {N, W}, "supervisor": SEE, "admin": NONE},
    "other_org": {"caseworker": NONE, "coordinator": NONE, "supervisor": NONE, "admin": NONE},
    "former": {"caseworker": NONE, "coordinator": NONE, "supervisor": NONE, "admin": NONE},
    "break_glass": {"caseworker": SEE | {N}, "coordinator": SEE | {N}, "supervisor": NONE, "admin": NONE},
}


def expected(role: str, relation: str, level: str, action: Action) -> bool:
    return level == "within_max" and action in ALLOWED_WITHIN_MAX[relation][role]


CELLS = list(itertools.product(ROLES, RELATIONS, LEVELS, ACTIONS))
MATRIX_MAX = Confidentiality.VERTROUWELIJK
LEVEL_CONFIDENTIALITY = {"within_max": Confidentiality.ZAAKVERTROUWELIJK, "above_max": Confidentiality.GEHEIM}


def build_cell(role: str, relation: str, level: str):
    """A user of ``home`` with ``role``, authorised (as data) for every action up to ``vertrouwelijk``,
    and a case standing in ``relation`` to them at the given level.
    """
    home, other = make_org(), make_org()
    case_type = make_case_type("matrix", authorise=False)
    # Written directly, so even the admin holds an authorisation: the policy must still refuse them.
    authorise_roles(case_type, roles=[role], max_confidentiality=MATRIX_MAX, organisation=home)
    user = make_user(org=home, roles=[role])
    lead = home if relation == "lead" else other
    case = make_case(lead=lead, type="matrix", confidentiality=LEVEL_CONFIDENTIALITY[level])
    if relation in ("contributor", "observer"):
        add_participant(case, home, Involvement(relation))
    elif relation == "named_user":
        add_participant(case, home, Involvement.CONTRIBUTOR, user=user)
    elif relation == "former":
        add_participant(case, home, Involvement.CONTRIBUTOR, ended=True)
    elif relation == "break_glass":
        give_break_glass(user, case)
    return user, case


def test_the_matrix_is_complete():
    assert len(CELLS) == 4 * 7 * 2 * 6 == 336
    assert set(ALLOWED_WITHIN_MAX) == set(RELATIONS)
    assert all(set(row) == set(ROLES) for row in ALLOWED_WITHIN_MAX.values())


@pytest.mark.parametrize(("role", "relation", "level", "action"), CELLS)
def test_service_cell(role, relation, level, action):
    user, case = build_cell(role, relation, level)
    allowed = expected(role, relation, level, action)
    assert can(user, action, case) is allowed
    if action is Action.LIST_CASES:
        page = cases.list_for(user, cases.CaseFilters(), PageRequest(per_page=100))
        assert (case.id in {c.id for c in page.items}) is allowed
        assert (page.total == 1) is allowed
        in_scope = db.session.scalar(select(Case.id).where(Case.id == case.id, case_scope(user)))
        assert (in_scope is not None) is allowed
        event = last_event("case.list", actor_user_id=user.id)
        assert event.outcome is Outcome.ALLOWED and event.details["page"] == "first"
        return
    if allowed:
        assert cases.load_for(user, case.id, action) is case
    else:
        with pytest.raises(AccessDenied) as raised:
            cases.load_for(user, case.id, action)
        assert raised.value.code == 404
    event = last_event(str(action), actor_user_id=user.id)
    assert (event.case_id, event.outcome) == (case.id, Outcome.ALLOWED if allowed else Outcome.DENIED)


# Actions with an HTTP route today; a route added later joins here (method, path, body check).
ROUTES = {
    Action.LIST_CASES: "/cases",
    Action.VIEW_CASE: "/cases/{id}",
}
HTTP_CELLS = [cell for cell in CELLS if cell[3] in ROUTES]


@pytest.mark.parametrize(("role", "relation", "level", "action"), HTTP_CELLS)
def test_route_cell(client, role, relation, level, action):
    user, case = build_cell(role, relation, level)
    reference, case_id = case.reference, case.id
    allowed = expected(role, relation, level, action)
    login_as(client, user)
    response = client.get(ROUTES[action].format(id=case_id))
    events = audit_events(request_id=response.headers["X-Request-Id"])
    if action is Action.LIST_CASES:
        assert response.status_code == 200
        assert (reference in response.get_data(as_text=True)) is allowed
        assert [(e.action, e.outcome) for e in events] == [("case.list", Outcome.ALLOWED)]
        return
    assert response.status_code == (200 if allowed else 404)
    assert (reference in response.get_data(as_text=True)) is allowed
    outcome = Outcome.ALLOWED if allowed else Outcome.DENIED
    assert (events[0].action, events[0].case_id, events[0].outcome) == (str(action), case_id, outcome)
    # The page's sections (plan, interventions, journal) audit their own reads of the same case;
    # a denied case writes nothing more.
    later = [(e.action, e.case_id, e.outcome) for e in events[1:]]
    assert all(a.endswith((".view", ".list")) and c == case_id and o is Outcome.ALLOWED for a, c, o in later)
    assert allowed or later == []
    assert ("note.list", case_id, Outcome.ALLOWED) not in later or role != "supervisor"
    if relation == "break_glass" and allowed:
        assert "Noodtoegang" in response.get_data(as_text=True)  # the banner


def test_supervisors_never_read_note_bodies_even_as_lead():
    user, case = build_cell("supervisor", "lead", "within_max")
    assert not can(user, Action.READ_NOTES, case)


def test_an_authorisation_without_the_action_refuses_it_but_still_shows_the_case():
    home = make_org()
    case_type = make_case_type("narrow", authorise=False)
    authorise_roles(case_type, roles=[Role.CASEWORKER], organisation=home, actions=["case.view"])
    user = make_user(org=home)
    case = make_case(lead=home, type="narrow")
    assert can(user, Action.VIEW_CASE, case)
    assert not can(user, Action.ADD_NOTE, case)
    assert not can(user, Action.READ_NOTES, case)


def test_an_authorisation_of_another_organisation_or_role_does_not_apply():
    home, elsewhere = make_org(), make_org()
    case_type = make_case_type("scoped", authorise=False)
    authorise_roles(case_type, roles=[Role.CASEWORKER], organisation=elsewhere)
    authorise_roles(case_type, roles=[Role.COORDINATOR], organisation=home)
    user = make_user(org=home, roles=[Role.CASEWORKER])
    case = make_case(lead=home, type="scoped")
    assert not can(user, Action.VIEW_CASE, case)
    assert cases.list_for(user, cases.CaseFilters()).total == 0


def test_a_named_user_does_not_open_the_case_to_colleagues():
    user, case = build_cell("caseworker", "named_user", "within_max")
    colleague = make_user(org=user.organisation, roles=["caseworker"])
    assert can(user, Action.VIEW_CASE, case)
    assert not can(colleague, Action.VIEW_CASE, case)
