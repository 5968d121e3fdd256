"""Signals: registering, search before create, the queue, triage and opening a case."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import CaseStatusChange, SubjectRole
from casebook.db import db
from casebook.people.models import Person
from casebook.signals import services as signals
from casebook.signals.models import Channel, Signal, TriageDecision
from tests.factories import make_case, make_case_type, make_org, make_person, make_signal, make_user
from tests.helpers import audit_events, last_event

VALID_BSN = "999990019"


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def police_worker():
    return make_user(org=make_org("politie"))


def _new(**values):
    defaults = {
        "source_organisation_id": make_org("politie").id,
        "channel": Channel.POLICE,
        "case_type_id": make_case_type("youth").id,
        "district_id": None,
        "description": "Jongere met mes aangehouden",
        "subject_informed": True,
    }
    defaults.update(values)
    return signals.NewSignal(**defaults)


def test_register_encrypts_the_description_and_audits(police_worker):
    signal = signals.register_signal(_new(), by=police_worker)
    db.session.expire_all()
    stored = db.session.get(Signal, signal.id)
    assert stored.description == "Jongere met mes aangehouden"
    assert b"mes aangehouden" not in stored.description_ciphertext
    assert stored.registered_by_id == police_worker.id and not stored.is_triaged
    event = last_event("signal.create", actor_user_id=police_worker.id)
    assert event.details == {"channel": "police", "type": "youth", "informed": True}


def test_not_informed_needs_a_reason(police_worker):
    with pytest.raises(CaseRuleError) as refused:
        signals.register_signal(_new(subject_informed=False, not_informed_reason=" "), by=police_worker)
    assert refused.value.field == "not_informed_reason"
    signal = signals.register_signal(
        _new(subject_informed=False, not_informed_reason="Lopend onderzoek"), by=police_worker
    )
    assert signal.not_informed_reason == "Lopend onderzoek"


@pytest.mark.parametrize("field", ["source_organisation_id", "case_type_id", "district_id"])
def test_unknown_ids_are_refused(police_worker, field):
    with pytest.raises(CaseRuleError):
        signals.register_signal(_new(**{field: 987654}), by=police_worker)


def test_admin_and_supervisor_cannot_register():
    for roles in (["admin"], ["supervisor"]):
        with pytest.raises(AccessDenied):
            signals.register_signal(_new(), by=make_user(roles=roles))


def test_find_persons_by_bsn_or_name_and_birth_date(police_worker):
    daan = make_person("van Jansen", bsn=VALID_BSN)
    other_day = make_person("Jansen", birth_date=date(2001, 1, 1))
    make_case(lead=police_worker.organisation, subjects=[daan, other_day])
    assert signals.find_persons(police_worker, signals.PersonQuery(bsn="9999.90.019")) == [daan]
    found = signals.find_persons(police_worker, signals.PersonQuery(family_name="Jansen", birth_date=date(2008, 5, 17)))
    assert found == [daan]
    event = last_event("person.search", actor_user_id=police_worker.id)
    assert event.outcome is Outcome.ALLOWED and event.details == {"kind": "name_dob", "results": 1}
    assert "Jansen" not in str(event.details)  # the register audits the search, never its values
    with pytest.raises(CaseRuleError):
        signals.find_persons(police_worker, signals.PersonQuery(family_name="Jansen"))


def test_find_persons_folds_arabic_particles(police_worker):
    el_khatib = make_person("El Khatib", birth_date=date(2001, 2, 3))
    make_case(lead=police_worker.organisation, subjects=[el_khatib])
    query = signals.PersonQuery(family_name="Khatib", birth_date=date(2001, 2, 3))
    assert signals.find_persons(police_worker, query) == [el_khatib]


def test_link_only_a_person_from_the_search_results(police_worker):
    signal = make_signal(police_worker)
    found = make_person("Bakker", bsn=VALID_BSN)
    other = make_person("Visser")
    make_case(lead=police_worker.organisation, subjects=[found, other])
    query = signals.PersonQuery(bsn=VALID_BSN)
    with pytest.raises(CaseRuleError):
        signals.link_person(signal, other.id, SubjectRole.SUBJECT, query, by=police_worker)
    link = signals.link_person(signal, found.id, SubjectRole.SUSPECT, query, by=police_worker)
    assert link.person is found and link.role is SubjectRole.SUSPECT
    assert last_event("signal.person.add").details == {"person": found.id, "role": "suspect"}
    with pytest.raises(CaseRuleError):
        signals.link_person(signal, found.id, SubjectRole.SUBJECT, query, by=police_worker)


def _create(signal, user, confirmed=frozenset(), **values):
    new = signals.NewPerson(
        family_name=values.get("family_name", "Jansen"),
        given_names="Sem",
        birth_date=values.get("birth_date", date(2008, 5, 17)),
        bsn=values.get("bsn"),
    )
    return signals.create_person_for_signal(
        signal, new, SubjectRole.SUBJECT, confirmed_distinct=set(confirmed), by=user, today=date(2026, 11, 28)
    )


def test_new_person_with_an_existing_bsn_is_refused(police_worker):
    make_case(lead=police_worker.organisation, subjects=[make_person("Jansen", bsn=VALID_BSN)])
    with pytest.raises(CaseRuleError) as refused:
        _create(make_signal(police_worker), police_worker, bsn=VALID_BSN, family_name="Anders")
    assert refused.value.field == "bsn"
    with pytest.raises(CaseRuleError):
        _create(make_signal(police_worker), police_worker, bsn="123456789")


def test_new_person_requires_confirming_the_name_and_birth_date_matches(police_worker):
    existing = make_person("Jansen")
    make_case(lead=police_worker.organisation, subjects=[existing])
    signal = make_signal(police_worker)
    before = db.session.query(Person).count()
    with pytest.raises(signals.PossibleDuplicates) as duplicates:
        _create(signal, police_worker)
    assert duplicates.value.matches == [existing]
    assert db.session.query(Person).count() == before
    link = _create(signal, police_worker, confirmed={existing.id})
    assert link.person.id != existing.id and link.person.full_name == "Sem Jansen"
    assert last_event("person.create").details == {"via": "signal", "confirmed_distinct": 1}


def test_new_person_without_matches_and_future_birth_date(police_worker):
    signal = make_signal(police_worker)
    with pytest.raises(CaseRuleError) as refused:
        _create(signal, police_worker, birth_date=date(2030, 1, 1))
    assert refused.value.field == "birth_date"
    assert _create(signal, police_worker, family_name="Uniek").person.family_name == "Uniek"


def test_another_caseworker_cannot_see_or_change_the_signal(police_worker):
    signal = make_signal(police_worker)
    stranger = make_user(org=police_worker.organisation)
    with pytest.raises(AccessDenied):
        signals.load_signal_for(stranger, signal.id)
    assert last_event("signal.view", actor_user_id=stranger.id).outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        _create(signal, stranger)
    assert signals.load_signal_for(police_worker, signal.id) is signal


def test_queue_oldest_first_with_overdue_marked(coordinator, police_worker, app):
    # Monday 30 November 2026; 5 working days allowed.
    today = date(2026, 11, 30)
    old = make_signal(police_worker, received_at=datetime(2026, 11, 20, 9, tzinfo=UTC))  # Fri: 6 working days
    edge = make_signal(police_worker, received_at=datetime(2026, 11, 23, 9, tzinfo=UTC))  # Mon: 5 working days
    new = make_signal(police_worker, received_at=datetime(2026, 11, 27, 9, tzinfo=UTC))
    make_signal(
        police_worker, received_at=datetime(2026, 11, 1, tzinfo=UTC), triaged_at=datetime(2026, 11, 2, tzinfo=UTC)
    )
    items = signals.queue(coordinator, today=today)
    assert [i.signal for i in items] == [old, edge, new]
    assert [(i.working_days, i.overdue) for i in items] == [(6, True), (5, False), (1, False)]
    assert signals.queue_counts(coordinator, today=today) == (3, 1)
    assert last_event("signal.list", actor_user_id=coordinator.id).details == {"untriaged": 3}
    app.config["SIGNAL_OVERDUE_WORKING_DAYS"] = 4
    try:
        assert signals.queue_counts(coordinator, today=today) == (3, 2)
    finally:
        app.config["SIGNAL_OVERDUE_WORKING_DAYS"] = 5


def test_queue_is_for_coordinators(police_worker):
    with pytest.raises(AccessDenied):
        signals.queue(police_worker)
    assert signals.queue_counts(police_worker) is None


def _triage(**values):
    defaults = {
        "criterion_a": True,
        "criterion_b": True,
        "criterion_c": True,
        "criterion_d": False,
        "decision": TriageDecision.OPEN_CASE,
        "reason": "Meerdere leefgebieden, dwang en drang nodig",
    }
    defaults.update(values)
    return signals.Triage(**defaults)


@pytest.mark.parametrize(
    "criteria,allowed",
    [
        ((True, True, True, False), True),
        ((False, False, False, True), True),
        ((True, True, False, False), False),
        ((True, False, True, False), False),
        ((False, False, False, False), False),
    ],
)
def test_inclusion_rule(criteria, allowed):
    assert signals.inclusion_met(*criteria) is allowed


def test_open_case_refused_when_the_criteria_do_not_hold(coordinator, police_worker, zvh):
    signal = make_signal(police_worker, persons=[make_person()])
    with pytest.raises(CaseRuleError) as refused:
        signals.triage(
            signal,
            _triage(criterion_c=False, lead_organisation_id=zvh.id, process_coordinator_id=coordinator.id),
            by=coordinator,
        )
    assert refused.value.field == "decision" and not signal.is_triaged


def test_open_case_creates_the_case_with_lead_coordinator_subjects_and_referrer(coordinator, police_worker, zvh):
    person = make_person()
    signal = make_signal(police_worker, persons=[person])
    at = datetime(2026, 11, 30, 10, tzinfo=UTC)
    case = signals.triage(
        signal, _triage(lead_organisation_id=zvh.id, process_coordinator_id=coordinator.id), by=coordinator, now=at
    )
    assert case.lead_organisation is zvh and case.process_coordinator is coordinator
    assert case.referring_organisation is police_worker.organisation
    assert [s.person for s in case.subjects] == [person] and case.opened_at == at
    assert signal.case is case and signal.triaged_by is coordinator and signal.decision is TriageDecision.OPEN_CASE
    assert signal.decision_reason == "Meerdere leefgebieden, dwang en drang nodig"
    opening = db.session.scalar(select(CaseStatusChange).where(CaseStatusChange.case_id == case.id))
    assert opening.changed_by is coordinator
    event = last_event("signal.triage", actor_user_id=coordinator.id)
    assert event.details == {"decision": "open_case", "criteria": "abc-", "case": case.id}
    assert last_event("case.create", case_id=case.id).actor_user_id == coordinator.id


@pytest.mark.parametrize(
    "values,field",
    [
        ({"lead_organisation_id": None}, "lead_organisation"),
        ({"process_coordinator_id": None}, "process_coordinator"),
    ],
)
def test_open_case_needs_lead_and_procesregisseur_of_the_lead(coordinator, police_worker, zvh, values, field):
    signal = make_signal(police_worker, persons=[make_person()])
    decision = {"lead_organisation_id": zvh.id, "process_coordinator_id": coordinator.id, **values}
    with pytest.raises(CaseRuleError) as refused:
        signals.triage(signal, _triage(**decision), by=coordinator)
    assert refused.value.field == field


def test_procesregisseur_of_another_organisation_is_refused(coordinator, police_worker, zvh):
    signal = make_signal(police_worker, persons=[make_person()])
    elsewhere = make_user(org=make_org("elders"), roles=["coordinator"])
    with pytest.raises(CaseRuleError):
        signals.triage(
            signal, _triage(lead_organisation_id=zvh.id, process_coordinator_id=elsewhere.id), by=coordinator
        )


def test_open_case_needs_persons(coordinator, police_worker, zvh):
    signal = make_signal(police_worker)
    with pytest.raises(CaseRuleError):
        signals.triage(
            signal, _triage(lead_organisation_id=zvh.id, process_coordinator_id=coordinator.id), by=coordinator
        )


def test_refer_needs_an_organisation_and_every_decision_a_reason(coordinator, police_worker):
    signal = make_signal(police_worker)
    with pytest.raises(CaseRuleError) as no_org:
        signals.triage(signal, _triage(decision=TriageDecision.REFER), by=coordinator)
    assert no_org.value.field == "referred_to"
    with pytest.raises(CaseRuleError) as no_reason:
        signals.triage(signal, _triage(decision=TriageDecision.ADVICE, reason=" "), by=coordinator)
    assert no_reason.value.field == "reason"
    probation = make_org("reclassering")
    assert (
        signals.triage(signal, _triage(decision=TriageDecision.REFER, referred_to_id=probation.id), by=coordinator)
        is None
    )
    assert signal.referred_to is probation and signal.is_triaged and signal.case is None


def test_triaged_signal_is_final(coordinator, police_worker):
    signal = make_signal(police_worker)
    signals.triage(signal, _triage(decision=TriageDecision.NO_ACTION, criterion_a=False), by=coordinator)
    with pytest.raises(CaseRuleError):
        signals.triage(signal, _triage(decision=TriageDecision.ADVICE), by=coordinator)
    with pytest.raises(CaseRuleError):
        _create(signal, police_worker)


def test_caseworker_cannot_triage(police_worker):
    with pytest.raises(AccessDenied):
        signals.triage(make_signal(police_worker), _triage(decision=TriageDecision.ADVICE), by=police_worker)


def test_signal_origin_on_the_case_timeline(app, coordinator, police_worker, zvh):
    from casebook.cases.extensions import timeline_for

    signal = make_signal(police_worker, persons=[make_person()])
    with app.test_request_context():
        import casebook.signals.timeline  # noqa: F401

        case = signals.triage(
            signal, _triage(lead_organisation_id=zvh.id, process_coordinator_id=coordinator.id), by=coordinator
        )
        entries = timeline_for(coordinator, case, ["signal"])
        assert len(entries) == 2
        assert signal.reference in entries[-1].title and entries[-1].detail == signal.description
        event = last_event("signal.origin.view", case_id=case.id)
        assert (event.actor_user_id, event.object_id, event.outcome) == (
            coordinator.id,
            str(signal.id),
            Outcome.ALLOWED,
        )
        supervisor = make_user(org=zvh, roles=["supervisor"])
        assert all(e.detail is None for e in timeline_for(supervisor, case, ["signal"]))
        assert audit_events("signal.origin.view", actor_user_id=supervisor.id) == []
