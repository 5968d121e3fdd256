"""Who reads reports, over which cases and signals: the report scope as a table, and its SQL.

role × organisation kind → the scope kind (None: no reports, a 404); then the clauses select
exactly the cases and signals each scope counts, and restricted types need an authorisation.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casebook.access import Action, can, report_case_clause, report_scope, report_signal_clause
from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.signals.models import Signal
from tests.access.helpers import add_participant
from tests.factories import authorise_user, make_case, make_case_type, make_org, make_signal, make_user

K = OrganisationKind
# (role, organisation kind) → scope kind; None: no reports
SCOPE_MATRIX = {
    ("supervisor", K.WIJKTEAM): "organisation",
    ("supervisor", K.ZVH): "organisation",
    ("supervisor", K.POLICE): "organisation",
    ("supervisor", K.MUNICIPALITY): "municipality",
    ("coordinator", K.ZVH): "zvh",
    ("coordinator", K.WIJKTEAM): None,
    ("coordinator", K.MUNICIPALITY): None,
    ("caseworker", K.ZVH): None,
    ("caseworker", K.WIJKTEAM): None,
    ("caseworker", K.MUNICIPALITY): None,
    ("admin", K.ZVH): None,
    ("admin", K.MUNICIPALITY): None,
}


@pytest.mark.parametrize(("role", "kind"), sorted(SCOPE_MATRIX))
def test_the_scope_matrix(role, kind):
    user = make_user(org=make_org(kind=kind), roles=[role])
    expected = SCOPE_MATRIX[(role, kind)]
    scope = report_scope(user)
    assert (scope.kind if scope else None) == expected
    for action in (Action.VIEW_REPORTS, Action.EXPORT_REPORT):
        assert can(user, action) is (expected is not None)
        assert not can(user, action, object())  # reports have no object


def test_an_inactive_supervisor_has_no_reports():
    user = make_user(org=make_org(kind=K.WIJKTEAM), roles=["supervisor"], active=False)
    assert report_scope(user) is None
    assert not can(user, Action.VIEW_REPORTS)


def _in_scope(scope) -> set[int]:
    return set(db.session.scalars(select(Case.id).where(report_case_clause(scope))))


def test_a_teamleider_counts_the_cases_of_their_organisation_and_names_only_their_team():
    west, east, zvh = make_org(kind=K.WIJKTEAM), make_org(kind=K.WIJKTEAM), make_org(kind=K.ZVH)
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    colleague = make_user(org=west, roles=[Role.CASEWORKER])
    outsider = make_user(org=east, roles=[Role.CASEWORKER])
    led = make_case(lead=west)
    joined = make_case(lead=zvh, participants=[(west, Involvement.CONTRIBUTOR)])
    left = make_case(lead=zvh)
    add_participant(left, west, Involvement.CONTRIBUTOR, ended=True)
    other = make_case(lead=east)
    scope = report_scope(leader)
    assert scope.organisation_id == west.id and scope.label == west.name
    assert _in_scope(scope) & {led.id, joined.id, left.id, other.id} == {led.id, joined.id}
    assert colleague.id in scope.team_user_ids and leader.id in scope.team_user_ids
    assert outsider.id not in scope.team_user_ids


def test_the_zvh_counts_the_cases_it_coordinates_and_the_gemeente_all():
    zvh, west = make_org(kind=K.ZVH), make_org(kind=K.WIJKTEAM)
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    led = make_case(lead=zvh)
    directed = make_case(lead=west)
    directed.process_coordinator_id = coordinator.id
    only_west = make_case(lead=west, participants=[(zvh, Involvement.OBSERVER)])
    db.session.flush()
    scope = report_scope(coordinator)
    assert scope.team_user_ids is None
    assert _in_scope(scope) & {led.id, directed.id, only_west.id} == {led.id, directed.id}
    gemeente = report_scope(make_user(org=make_org(kind=K.MUNICIPALITY), roles=[Role.SUPERVISOR]))
    assert gemeente.team_user_ids is None
    assert _in_scope(gemeente) >= {led.id, directed.id, only_west.id}


def test_signals_in_scope():
    zvh, west, police = make_org(kind=K.ZVH), make_org(kind=K.WIJKTEAM), make_org(kind=K.POLICE)
    officer = make_user(org=police, roles=[Role.CASEWORKER])
    own = make_signal(make_user(org=west, roles=[Role.CASEWORKER]))
    referred = make_signal(officer, referred_to_id=west.id)
    foreign = make_signal(officer)
    ids = {own.id, referred.id, foreign.id}

    def counted(user):
        scope = report_scope(user)
        return set(db.session.scalars(select(Signal.id).where(report_signal_clause(scope)))) & ids

    assert counted(make_user(org=west, roles=[Role.SUPERVISOR])) == {own.id, referred.id}
    assert counted(make_user(org=zvh, roles=[Role.COORDINATOR])) == ids


def test_restricted_types_only_for_readers_authorised_at_their_default_level():
    radical = make_case_type("radicalisation", restricted=True)
    leader = make_user(org=make_org(kind=K.WIJKTEAM), roles=[Role.SUPERVISOR])
    assert radical.id not in report_scope(leader).restricted_case_type_ids
    authorise_user(leader, radical, max_confidentiality=radical.default_confidentiality)
    assert radical.id in report_scope(leader).restricted_case_type_ids
    youth = make_case_type("youth")  # not restricted: never listed, always counted by name
    assert youth.id not in report_scope(leader).restricted_case_type_ids
