"""The authorisation matrix of the weegtafel's work, as tables.

- Working on a signal (assign it, ask partners): role × authorised for its type → allowed?
- Answering a question: role × the question's addressee (own organisation, another) → allowed?
  And the answerer sees the question only: the question opens neither the signal, its persons nor
  their context (on a type the partner could not see anyway; coordinators see open types at the
  weegtafel by its own rule).
- Hidden matches ("mogelijk bekend bij een andere organisatie"): only the ZVH's coordinators.
"""

from __future__ import annotations

import itertools

import pytest

from casebook.access import Action, can
from casebook.access.rules.signal_requests import may_be_assigned
from casebook.access.rules.signals import may_see_signal_person
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from casebook.people.models import PersonMatch
from casebook.signals.context import known_context
from casebook.signals.models import InformationRequest
from tests.factories import make_case_type, make_org, make_person, make_signal, make_user

ROLES = ("caseworker", "coordinator", "supervisor", "admin", "privacy_officer")


@pytest.mark.parametrize(("role", "restricted"), list(itertools.product(ROLES, (False, True))))
def test_working_on_a_signal_cell(role, restricted):
    zvh = make_org("zvh")
    user = make_user(org=zvh, roles=[role])
    make_case_type("domestic_violence", restricted=True) if restricted else None
    signal = make_signal(make_user(org=zvh), type="domestic_violence" if restricted else "youth")
    expected = role == "coordinator" and not restricted  # restricted types need an authorisation
    assert can(user, Action.ASSIGN_SIGNAL, signal) is expected
    assert can(user, Action.REQUEST_SIGNAL_INFORMATION, signal) is expected
    assert may_be_assigned(user, signal) is expected


@pytest.mark.parametrize(("role", "addressee"), list(itertools.product(ROLES, ("own", "other"))))
def test_answering_a_question_cell(role, addressee):
    police = make_org("politie", kind=OrganisationKind.POLICE)
    youth_work = make_org("jongerenwerk", kind=OrganisationKind.YOUTH_WORK)
    asker = make_user(org=make_org("zvh"), roles=["coordinator"])
    user = make_user(org=police, roles=[role])
    # a restricted type, so no partner role sees the signal anyway: the question must not open it
    make_case_type("domestic_violence", restricted=True)
    signal = make_signal(asker, persons=[make_person()], type="domestic_violence")
    request = InformationRequest(organisation=police if addressee == "own" else youth_work, asked_by=asker)
    request.asked_at = utcnow()
    request.question = "Vraag"
    signal.information_requests.append(request)
    db.session.flush()
    expected = role in ("caseworker", "coordinator") and addressee == "own"
    assert can(user, Action.ANSWER_INFORMATION_REQUEST, request) is expected
    # the question only: the signal, its persons and what is known of them stay closed
    assert not can(user, Action.VIEW_SIGNAL, signal)
    assert not any(may_see_signal_person(user, signal, link) for link in signal.persons)
    assert not can(user, Action.REQUEST_SIGNAL_INFORMATION, signal)
    assert known_context(user, [signal]) == {}


@pytest.mark.parametrize(
    ("kind", "role", "sees"),
    [
        (OrganisationKind.ZVH, "coordinator", True),
        (OrganisationKind.ZVH, "caseworker", False),
        (OrganisationKind.WIJKTEAM, "coordinator", False),
        (OrganisationKind.MUNICIPALITY, "coordinator", False),
    ],
)
def test_hidden_matches_only_for_the_zvh_coordinators(kind, role, sees):
    user = make_user(org=make_org(f"org-{kind.value}", kind=kind), roles=[role])
    person, hidden = make_person(), make_person("Verborgen")
    signal = make_signal(make_user(), persons=[person])
    match = PersonMatch(
        person=person, matched_person=hidden, kind="bsn", signal_id=signal.id, case_type_id=signal.case_type_id
    )
    db.session.add(match)
    db.session.flush()
    assert can(user, Action.VIEW_PERSON_MATCHES, match) is sees
    context = known_context(user, [signal])
    assert bool(context and context[signal.id][person.id].elsewhere) is sees
