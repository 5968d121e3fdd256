"""The weegtafel with context: "bekend", assignment, filters, and information requests with the clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casebook.access import AccessDenied
from casebook.cases.errors import CaseRuleError
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, PersonMatch
from casebook.signals import services as signals
from casebook.signals import work
from casebook.signals.context import known_context
from casebook.signals.filters import QueueFilter
from tests.factories import make_case, make_district, make_org, make_person, make_signal, make_user
from tests.helpers import last_event

MONDAY = date(2026, 11, 2)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def police():
    return make_org("politie", kind=OrganisationKind.POLICE)


@pytest.fixture
def police_worker(police):
    return make_user(org=police)


# -- bekend -----------------------------------------------------------------------------------------


def test_a_person_with_an_earlier_case_household_and_signal_is_known(zvh, coordinator, police_worker):
    person = make_person()
    case = make_case(lead=zvh, subjects=[person])
    household = Household(reference="HH-TEST-1")
    household.members.append(HouseholdMember(person=person, relation=HouseholdRelation.CHILD))
    db.session.add(household)
    earlier = make_signal(police_worker, persons=[person], received_at=_at(date(2026, 10, 1)))
    signal = make_signal(police_worker, persons=[person], received_at=_at(MONDAY))
    stranger = make_person("Onbekend")
    other = make_signal(police_worker, persons=[stranger], received_at=_at(MONDAY))

    context = known_context(coordinator, [signal, other])

    known = context[signal.id][person.id]
    assert [(c.reference, c.closed) for c in known.cases] == [(case.reference, False)]
    assert [h.reference for h in known.households] == ["HH-TEST-1"]
    assert [s.id for s in known.signals] == [earlier.id]  # not itself, not later ones
    assert not known.elsewhere and known.is_known
    assert not context[other.id][stranger.id].is_known
    assert last_event("signal.context.view").details == {"signals": 2, "persons": 2, "known": 1}


def test_cases_out_of_scope_are_not_shown_and_nothing_says_so(zvh, coordinator, police_worker):
    person = make_person()
    make_case(lead=make_org("wijkteam-oost", kind=OrganisationKind.WIJKTEAM), subjects=[person])
    signal = make_signal(police_worker, persons=[person])
    known = known_context(coordinator, [signal])[signal.id][person.id]
    assert known.cases == [] and known.households == [] and not known.is_known


def test_hidden_matches_show_to_the_zvh_only_without_content(zvh, coordinator, police_worker):
    person, hidden = make_person(), make_person("Verborgen")
    signal = make_signal(police_worker, persons=[person])
    db.session.add(
        PersonMatch(
            person=person, matched_person=hidden, kind="bsn", signal_id=signal.id, case_type_id=signal.case_type_id
        )
    )
    db.session.flush()
    assert known_context(coordinator, [signal])[signal.id][person.id].elsewhere
    wijkteam = make_org("wijkteam-west", kind=OrganisationKind.WIJKTEAM)
    other_coordinator = make_user(org=wijkteam, roles=["coordinator"])
    assert not known_context(other_coordinator, [signal])[signal.id][person.id].elsewhere


def test_who_does_not_weigh_the_signal_learns_nothing(police_worker):
    person = make_person()
    signal = make_signal(police_worker, persons=[person])
    assert known_context(police_worker, [signal]) == {}


# -- assignment -------------------------------------------------------------------------------------


def test_assign_to_a_coordinator_who_may_weigh_it_and_audit(zvh, coordinator, police_worker):
    colleague = make_user(org=zvh, roles=["coordinator"])
    signal = make_signal(police_worker)
    assert colleague in work.assignees_for(signal, coordinator)
    work.assign(signal, colleague.id, by=coordinator, expected_version=signal.version)
    assert signal.assigned_to_id == colleague.id and signal.version == 2
    event = last_event("signal.assign")
    assert event.details == {"assignee": colleague.id, "previous": None, "version": 2}
    with pytest.raises(work.StaleSignal):
        work.assign(signal, None, by=coordinator, expected_version=1)
    caseworker = make_user(org=zvh, roles=["caseworker"])
    with pytest.raises(CaseRuleError):
        work.assign(signal, caseworker.id, by=coordinator, expected_version=2)
    with pytest.raises(AccessDenied):
        work.assign(signal, None, by=police_worker, expected_version=2)


def test_filters_narrow_the_queue(zvh, coordinator, police, police_worker):
    wielwijk = make_district("wielwijk")
    today = date(2026, 11, 30)
    old = make_signal(police_worker, received_at=_at(date(2026, 11, 2)), district=wielwijk)
    new = make_signal(make_user(org=zvh), received_at=_at(today))
    work.assign(new, coordinator.id, by=coordinator, expected_version=new.version)

    def ids(**f):
        return [i.signal.id for i in signals.queue(coordinator, today=today, queue_filter=QueueFilter(**f))]

    assert ids() == [old.id, new.id]
    assert ids(source_organisation_id=police.id) == [old.id]
    assert ids(district_id=wielwijk.id) == [old.id]
    assert ids(overdue=True) == [old.id]
    assert ids(assigned_to_me=True) == [new.id]
    assert last_event("signal.list").details == {"untriaged": 1, "mine": True}


# -- information requests and the clock ---------------------------------------------------------------


def test_a_question_pauses_the_clock_and_its_answer_lets_it_run_on(zvh, coordinator, police, police_worker):
    received = date(2026, 11, 2)  # Monday
    signal = make_signal(police_worker, received_at=_at(received))
    asked_on = date(2026, 11, 4)  # Wednesday: 2 working days
    request = work.ask(signal, police.id, "Is er een lopend strafrechtelijk traject?", by=coordinator, today=asked_on)
    assert signal.is_waiting and signal.clock_paused_age == 2
    assert request.question_ciphertext and b"strafrechtelijk" not in request.question_ciphertext
    assert last_event("signal.information.request").details["organisation"] == "politie"
    later = date(2026, 11, 20)
    [item] = signals.queue(coordinator, today=later)
    assert item.working_days == 2 and not item.overdue  # paused
    assert signals.queue_counts(coordinator, today=later) == (1, 0)

    assert work.inbox(police_worker) == [request]
    loaded = work.load_request_for(police_worker, request.id)
    work.answer(loaded, "Ja, zitting in januari.", by=police_worker, expected_version=loaded.version, today=later)
    assert not signal.is_waiting and request.answered_by_id == police_worker.id
    assert signals.queue(coordinator, today=later)[0].working_days == 2
    assert signals.queue(coordinator, today=date(2026, 11, 25))[0].working_days == 5
    assert signals.queue_counts(coordinator, today=date(2026, 11, 25)) == (1, 0)
    assert signals.queue_counts(coordinator, today=date(2026, 11, 26)) == (1, 1)  # more than 5 working days
    with pytest.raises(work.AlreadyAnswered):
        work.answer(request, "Nog eens", by=police_worker, expected_version=request.version)
    assert last_event("signal.information.answer").details == {
        "request": request.id,
        "signal": signal.id,
        "clock_running": True,
    }


def test_the_clock_runs_only_when_every_question_is_answered(zvh, coordinator, police, police_worker):
    wijkteam = make_org("wijkteam-west", kind=OrganisationKind.WIJKTEAM)
    signal = make_signal(police_worker)
    first = work.ask(signal, police.id, "Vraag één", by=coordinator)
    work.ask(signal, wijkteam.id, "Vraag twee", by=coordinator)
    work.answer(first, "Antwoord", by=police_worker, expected_version=first.version)
    assert signal.is_waiting


def test_a_partner_answers_only_questions_to_their_own_organisation(zvh, coordinator, police, police_worker):
    signal = make_signal(police_worker)
    request = work.ask(signal, police.id, "Vraag", by=coordinator)
    outsider = make_user(org=make_org("jongerenwerk", kind=OrganisationKind.YOUTH_WORK))
    assert work.inbox(outsider) == []
    with pytest.raises(AccessDenied):
        work.load_request_for(outsider, request.id)
    with pytest.raises(AccessDenied):
        work.answer(request, "x", by=outsider, expected_version=request.version)
    with pytest.raises(work.StaleRequest):
        work.answer(request, "x", by=police_worker, expected_version=request.version + 1)


def test_asking_needs_a_partner_and_a_question_and_an_unweighed_signal(zvh, coordinator, police, police_worker):
    signal = make_signal(police_worker)
    with pytest.raises(CaseRuleError) as no_partner:
        work.ask(signal, zvh.id, "Vraag", by=coordinator)
    assert no_partner.value.field == "organisation"
    with pytest.raises(CaseRuleError) as no_question:
        work.ask(signal, police.id, "  ", by=coordinator)
    assert no_question.value.field == "question"
    with pytest.raises(AccessDenied):
        work.ask(signal, police.id, "Vraag", by=police_worker)
    signal.triaged_at = utcnow()
    with pytest.raises(CaseRuleError):
        work.ask(signal, police.id, "Vraag", by=coordinator)
