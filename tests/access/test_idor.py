"""IDOR: for every route with an object id, the id of another organisation's object answers 404 and
the denial is audited. Routes are taken from ``app.url_map``; a new route with an id joins by
itself when its id is a ``case_id``, and otherwise fails here until it is given a fixture below.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from casebook.access.break_glass import break_glass
from casebook.access.services import grant_authorisation
from casebook.audit import Outcome
from casebook.auth.sessions import start as start_session
from casebook.cases.models import CaseParticipant, CaseSubject, Involvement, SubjectRole
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.handoffs import requests as handoff_requests
from casebook.handoffs import services as handoff_services
from casebook.handoffs.models import HandoffKind, LegalBasis, SenderAfterTransfer
from casebook.interventions.models import Intervention, InterventionKind, InterventionStatus
from casebook.meetings.services import add_to_agenda
from casebook.notifications import services as notification_services
from casebook.organisations.models import OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, PersonMatch
from tests.documents.support import upload
from tests.factories import (
    bearer,
    login_as,
    make_action,
    make_api_token,
    make_case,
    make_case_type,
    make_goal,
    make_meeting,
    make_note,
    make_org,
    make_person,
    make_signal,
    make_user,
)
from tests.helpers import audit_events

ID_ARGUMENT = re.compile(r"<(?:int|id):(\w+_id)>")


def _routes_with_ids(app) -> list[tuple[str, str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if ID_ARGUMENT.search(rule.rule):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((rule.endpoint, method, rule.rule))
    return sorted(found)


def _restriction_of(person):
    from casebook.subject_requests.models import ProcessingRestriction

    restriction = ProcessingRestriction(person=person)
    db.session.add(restriction)
    db.session.flush()
    return restriction


def _destruction_list():
    """A destruction list: the municipality's reviewers see every list (no organisation owns one), so
    any other user is refused by role — the route must still answer 404 and audit the denial."""
    from casebook.retention.models import DestructionList, ListStatus

    listing = DestructionList(status=ListStatus.AWAITING_APPROVAL, as_of=date.today())
    db.session.add(listing)
    db.session.flush()
    return listing


def _foreign_objects(home, other) -> dict:
    """Objects of ``other`` that users of ``home`` must not reach."""
    other_worker = make_user(org=other)
    case = make_case(lead=other, participants=[])
    admin = make_user(org=make_org(), roles=["admin"])
    grant = grant_authorisation(
        admin,
        case_type=make_case_type(),
        actions=["note.list"],
        max_confidentiality=Confidentiality.INTERN,
        user=other_worker,
    )
    third = make_org()
    outsider = make_user(org=third)
    glass = break_glass(outsider, case.reference, "Spoed: melding bij het adres van deze casus.")
    person = make_person("Vreemd")
    case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    db.session.flush()
    household = Household(reference=f"HH-IDOR-{case.id}")
    household.members.append(HouseholdMember(person=person, relation=HouseholdRelation.PARENT))
    case.household = household
    signal = make_signal(other_worker, persons=[make_person("Melding")])
    match = PersonMatch(
        person=person, matched_person=make_person("Elders"), kind="bsn", case_id=case.id, case_type_id=case.case_type_id
    )
    db.session.add(match)
    other_coordinator = make_user(org=other, roles=["coordinator"])
    note = make_note(case, other_worker)
    document = upload(case, other_worker)
    goal = make_goal(case, other_coordinator)
    plan_action = make_action(case, other_coordinator, due_on=date.today() + timedelta(days=14), goal=goal)
    intervention = Intervention(
        case=case,
        kind=db.session.scalar(select(InterventionKind).where(InterventionKind.code == "gesprek")),
        occurred_on=date.today() + timedelta(days=7),
        organisation=other,
        status=InterventionStatus.PLANNED,
        goal=goal,
    )
    db.session.add(intervention)
    meeting = make_meeting(other_coordinator, held_on=date.today(), organisations=[other])
    item = add_to_agenda(meeting, by=other_coordinator, reference=case.reference)
    asker = make_user(org=make_org(kind=OrganisationKind.WIJKTEAM), roles=["coordinator"])
    case.participants.append(CaseParticipant(organisation=asker.organisation, involvement=Involvement.OBSERVER))
    db.session.flush()  # only an organisation taking part in a case may ask for it
    transfer_request = handoff_requests.create(case.reference, "Besproken in casusoverleg.", by=asker)
    receiver = make_org(kind=OrganisationKind.WIJKTEAM)
    handoff = handoff_services.send(
        case,
        handoff_services.HandoffInput(
            kind=HandoffKind.TRANSFER,
            receiver=receiver,
            summary="Regie past beter bij het wijkteam.",
            legal_basis=db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant")),
            person_informed=True,
            sender_after=SenderAfterTransfer.OBSERVER,
        ),
        by=other_coordinator,
    )
    participant = CaseParticipant(organisation=make_org(), involvement=Involvement.CONTRIBUTOR)
    case.participants.append(participant)
    db.session.flush()
    [notification] = notification_services.create(
        [
            notification_services.Notice(
                other_worker.id, "action", "overdue", "idor", case.id, "plan_action", plan_action.id
            )
        ]
    )
    db.session.commit()  # keep the set-up when the request context below ends its session
    with current_app.test_request_context():
        other_session_id = start_session(other_worker).id
        db.session.commit()
    other_token = make_api_token(other_worker)
    from casebook.cases import saved_filters

    other_filter = saved_filters.save(other_worker, "Mijn lijst", {"status": "all"})
    db.session.commit()
    return {
        "filter_id": other_filter.id,
        "case_id": case.id,
        "user_id": other_worker.id,
        "authorisation_id": grant.id,
        "grant_id": glass.id,
        "person_id": person.id,
        "session_id": other_session_id,
        "token_id": other_token.token.id,
        "household_id": household.id,
        "signal_id": signal.id,
        "link_id": signal.persons[0].id,
        "participant_id": participant.id,
        "note_id": note.id,
        "goal_id": goal.id,
        "action_id": plan_action.id,
        "meeting_id": meeting.id,
        "item_id": item.id,
        "handoff_id": handoff.id,
        "request_id": transfer_request.id,
        "match_id": match.id,
        "notification_id": notification.id,
        "document_id": document.id,
        "version_id": document.latest.id,
        "intervention_id": intervention.id,
        "member_id": household.members[0].id,
        "restriction_id": _restriction_of(person).id,
        "list_id": _destruction_list().id,
    }


ID_NAMES = {
    "filter_id",
    "case_id",
    "user_id",
    "authorisation_id",
    "grant_id",
    "person_id",
    "session_id",
    "token_id",
    "household_id",
    "signal_id",
    "link_id",
    "participant_id",
    "note_id",
    "goal_id",
    "action_id",
    "meeting_id",
    "item_id",
    "handoff_id",
    "request_id",
    "match_id",
    "notification_id",
    "document_id",
    "version_id",
    "intervention_id",
    "member_id",
    "restriction_id",
    "list_id",
}


# Who tries: a user for whom the route is meant (its role passes), so only the object's scope refuses.
# Signals: any coordinator works the weegtafel queue, so the outsider is a caseworker who did not register it.
ACTOR_ROLE = {
    "audit": "supervisor",
    "authorisations.revoke": "supervisor",
    "break_glass.review": "supervisor",
    "signals": "caseworker",
    "api.triage_signal": "caseworker",  # as on the screens: a caseworker who did not register it
    "api.get_signal": "caseworker",
    "api.update_signal": "caseworker",
    "api.create_information_request": "caseworker",
}


def _actor_role(endpoint: str) -> str:
    return ACTOR_ROLE.get(endpoint, ACTOR_ROLE.get(endpoint.split(".")[0], "coordinator"))


def test_every_route_with_an_id_is_covered(app):
    names = {name for _e, _m, rule in _routes_with_ids(app) for name in ID_ARGUMENT.findall(rule)}
    assert names <= ID_NAMES, f"add an IDOR fixture for {names - ID_NAMES}"
    assert len(_routes_with_ids(app)) >= 5


def pytest_generate_tests(metafunc):
    if "route" in metafunc.fixturenames:
        from casebook import create_app
        from tests.conftest import TEST_SETTINGS

        probe = create_app({**TEST_SETTINGS, "DATABASE_URL": "sqlite://"})
        routes = _routes_with_ids(probe)
        metafunc.parametrize("route", routes, ids=[f"{m} {r}" for _e, m, r in routes])


def test_another_organisations_object_is_404_and_the_denial_audited(client, route):
    endpoint, method, rule = route
    home, other = make_org(), make_org()
    objects = _foreign_objects(home, other)
    # the actor's own organisation takes part in a case of its own, so it has something in scope
    make_case(lead=home, participants=[(make_org(), Involvement.OBSERVER)])
    actor = make_user(org=home, roles=[_actor_role(endpoint)])
    actor_id = actor.id
    path = ID_ARGUMENT.sub(lambda m: str(objects[m.group(1)]), rule)
    if path.startswith("/api/"):
        response = client.open(path, method=method, headers=bearer(make_api_token(actor)))
    else:
        login_as(client, actor)
        response = client.open(path, method=method, data={"verdict": "justified", "reason": "x" * 30})
    assert response.status_code == 404, (method, path)
    events = audit_events(request_id=response.headers["X-Request-Id"])
    assert events, f"{method} {path}: no audit event"
    assert all(e.actor_user_id == actor_id for e in events)
    assert any(e.outcome is Outcome.DENIED for e in events), [(e.action, e.outcome) for e in events]


@pytest.mark.parametrize("path", ["/cases/{id}", "/audit/cases/{id}"])
def test_a_missing_id_looks_like_a_foreign_one(client, path):
    home, other = make_org(), make_org()
    foreign = make_case(lead=other)
    login_as(client, make_user(org=home, roles=["supervisor"]))
    hidden = client.get(path.format(id=foreign.id))
    missing = client.get(path.format(id=987654))
    assert hidden.status_code == missing.status_code == 404


@pytest.mark.parametrize("action", ["case.list", "case.view", "case.create", "audit.view"])
def test_the_loader_refuses_a_missing_case_whatever_the_action(action):
    """A missing case must never fall through to the role-only decision of a global action."""
    from casebook.access import AccessDenied
    from casebook.cases.services import load_for

    user = make_user(roles=["coordinator", "supervisor"])
    with pytest.raises(AccessDenied):
        load_for(user, 987654, action)
    assert audit_events(action, actor_user_id=user.id)[-1].outcome is Outcome.DENIED
