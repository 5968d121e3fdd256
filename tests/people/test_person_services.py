"""Person services: blind-index search, duplicate offers, registration, visibility through cases, BSN reveal."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import CaseSubject, Involvement, SubjectRole
from casebook.crypto.store import shred
from casebook.db import db
from casebook.people import services as people
from casebook.people.models import Person, PersonMatch, PersonSearchIndex
from tests.factories import make_case, make_org, make_person, make_user
from tests.helpers import audit_events, last_event

BIRTH = date(2008, 5, 17)


@pytest.fixture
def team():
    org = make_org()
    return org, make_user(org=org, roles=[Role.CASEWORKER])


def _entries(person: Person) -> set[tuple[str, str]]:
    rows = db.session.execute(
        select(PersonSearchIndex.index_name, PersonSearchIndex.value).where(PersonSearchIndex.person_id == person.id)
    )
    return {(r.index_name, r.value) for r in rows}


def test_index_is_written_at_flush_and_follows_changes():
    person = make_person("Jansen-de Vries", bsn="123456782")
    names = [name for name, _ in sorted(_entries(person))]
    # BSN + name + birth date of "jansen de vries", "jansen", "vries"; the same three by name only
    assert names == ["bsn", "family_name", "family_name", "family_name", "name_dob", "name_dob", "name_dob"]
    assert all(len(value) == 32 and "jansen" not in value for _, value in _entries(person))
    before = _entries(person)
    person.family_name = "Bakker"
    db.session.flush()
    after = _entries(person)
    assert len(after) == 3 and ("bsn", dict(before)["bsn"]) in after and after != before


def test_unrelated_changes_leave_the_index_alone():
    person = make_person("Jansen")
    ids_before = set(db.session.scalars(select(PersonSearchIndex.id).where(PersonSearchIndex.person_id == person.id)))
    person.phone = "06-12345678"
    db.session.flush()
    assert ids_before == set(
        db.session.scalars(select(PersonSearchIndex.id).where(PersonSearchIndex.person_id == person.id))
    )


def test_search_by_bsn_finds_only_persons_in_visible_cases_and_audits_no_values(team):
    org, user = team
    mine = make_person("Visser", bsn="123456782")
    make_case(lead=org, subjects=[mine])
    elsewhere = make_person("Visser", bsn="111222333")
    make_case(lead=make_org(), subjects=[elsewhere])

    assert people.search_persons(user, bsn="1234 56 782") == [mine]
    assert people.search_persons(user, bsn="111222333") == []
    event = last_event("person.search")
    assert event.actor_user_id == user.id and event.outcome is Outcome.ALLOWED
    assert event.details == {"kind": "bsn", "results": 0}
    assert "111222333" not in str(event.details)


def test_jansen_finds_van_jansen_only_with_the_same_birth_date(team):
    org, user = team
    van_jansen = make_person("van Jansen", birth_date=BIRTH)
    other_day = make_person("Jansen", birth_date=date(2008, 5, 18))
    double = make_person("Jansen-de Vries", birth_date=BIRTH)
    de_vries = make_person("de Vries", birth_date=BIRTH)
    make_case(lead=org, subjects=[van_jansen, other_day, double, de_vries])

    assert people.search_persons(user, family_name="Jansen", birth_date=BIRTH) == [van_jansen, double]
    assert people.search_persons(user, family_name="JANSEN, van", birth_date=date(2008, 5, 18)) == [other_day]
    assert people.search_persons(user, family_name="Jansen-de Vries", birth_date=BIRTH) == [double]
    assert people.search_persons(user, family_name="Öztürk", birth_date=BIRTH) == []
    assert last_event("person.search").details == {"kind": "name_dob", "results": 0}


def test_khatib_finds_el_khatib_and_al_khatib_with_the_birth_date(team):
    org, user = team
    el_khatib = make_person("El Khatib", birth_date=BIRTH)
    hyphenated = make_person("al-Khatib", birth_date=BIRTH)
    make_case(lead=org, subjects=[el_khatib, hyphenated, make_person("Khatibi", birth_date=BIRTH)])
    assert people.search_persons(user, family_name="Khatib", birth_date=BIRTH) == [el_khatib, hyphenated]
    assert people.search_persons(user, family_name="el-khatib", birth_date=BIRTH) == [el_khatib, hyphenated]
    assert people.search_persons(user, family_name="Khatib", birth_date=date(2008, 5, 18)) == []  # never name alone


def test_search_confirms_candidates_by_decrypting(team):
    org, user = team
    person = make_person("Jansen", bsn="123456782")
    make_case(lead=org, subjects=[person])
    # A stale or colliding digest: the candidate's BSN is not the one searched for.
    other_digest = people.person_index_entries(
        people.current_keyring(), family_name=None, birth_date=None, bsn="111222333"
    ).pop()[1]
    db.session.add(PersonSearchIndex(person_id=person.id, index_name="bsn", value=other_digest))
    db.session.flush()
    assert people.search_persons(user, bsn="111222333") == []


def test_search_is_refused_to_roles_without_it_and_audited():
    admin = make_user(roles=[Role.ADMIN])
    with pytest.raises(AccessDenied):
        people.search_persons(admin, bsn="123456782")
    assert last_event("person.search").outcome is Outcome.DENIED


def test_search_needs_a_valid_bsn_or_name_and_birth_date(team):
    _, user = team
    with pytest.raises(people.SearchCriteriaError):
        people.search_persons(user, bsn="123456789")
    with pytest.raises(people.SearchCriteriaError):
        people.search_persons(user, family_name="Jansen")


def test_shredded_person_is_no_longer_findable(team):
    org, user = team
    person = make_person("Mulder", bsn="123456782")
    make_case(lead=org, subjects=[person])
    assert shred(db.session(), person, by=user)
    assert _entries(person) == set()
    assert people.search_persons(user, bsn="123456782") == []
    event = last_event("crypto.shred")
    assert event.actor_user_id == user.id and event.object_id == str(person.id)
    assert event.details["owner_type"] == "person" and set(event.details) == {"owner_type", "data_key"}


def test_load_person_for_needs_a_visible_case_and_audits_denials(team):
    org, user = team
    mine = make_person("Smit")
    make_case(lead=org, subjects=[mine])
    theirs = make_person("Smit")
    make_case(lead=make_org(), subjects=[theirs])
    assert people.load_person_for(user, mine.id) is mine
    assert last_event("person.view").object_id == str(mine.id)
    for hidden in (theirs.id, 999_999):
        with pytest.raises(AccessDenied):
            people.load_person_for(user, hidden)
        event = last_event("person.view")
        assert event.outcome is Outcome.DENIED and event.details["requested_id"] == str(hidden)


def test_person_outside_all_cases_is_visible_to_nobody(team):
    _, user = team
    loose = make_person("Bos")
    with pytest.raises(AccessDenied):
        people.load_person_for(user, loose.id)


def test_cases_of_person_lists_only_cases_the_viewer_may_see(team):
    org, user = team
    person = make_person("Kok")
    mine = make_case(lead=org, subjects=[person])
    make_case(lead=make_org(), subjects=[person])
    observed = make_case(lead=make_org(), subjects=[person], participants=[(org, Involvement.OBSERVER)])
    assert {case.id for case, _ in people.cases_of_person(user, person)} == {mine.id, observed.id}


def test_reveal_bsn_is_audited_as_its_own_action(team):
    org, user = team
    person = make_person("Dekker", bsn="123456782")
    make_case(lead=org, subjects=[person])
    assert people.reveal_bsn(user, people.load_person_for(user, person.id)) == "123456782"
    event = last_event("person.bsn.reveal")
    assert event.actor_user_id == user.id and event.object_id == str(person.id) and event.details == {}


def test_supervisors_see_the_person_but_may_not_reveal_the_bsn():
    org = make_org()
    supervisor = make_user(org=org, roles=[Role.SUPERVISOR])
    person = make_person("Dekker", bsn="123456782")
    make_case(lead=org, subjects=[person])
    loaded = people.load_person_for(supervisor, person.id)
    with pytest.raises(AccessDenied):
        people.reveal_bsn(supervisor, loaded)
    assert last_event("person.bsn.reveal").outcome is Outcome.DENIED


def _data(**values) -> people.PersonData:
    return people.PersonData(**{"family_name": "Jansen", "birth_date": BIRTH, "given_names": "Daan", **values})


def test_register_creates_a_person_in_the_case_when_nothing_matches(team):
    org, user = team
    case = make_case(lead=org)
    person = people.register_person(user, case, _data(bsn="123456782"), role=SubjectRole.VICTIM)
    assert (person.family_name, person.bsn) == ("Jansen", "123456782")
    assert [(s.person_id, s.role) for s in case.subjects] == [(person.id, SubjectRole.VICTIM)]
    assert people.search_persons(user, bsn="123456782") == [person]
    created = last_event("person.create")
    assert created.case_id == case.id and created.details == {"confirmed_new": False, "candidates": 0}
    assert last_event("case.subject.add").details["existing_person"] is False


def test_register_offers_a_name_match_and_needs_confirmation(team):
    org, user = team
    existing = make_person("van Jansen", birth_date=BIRTH)
    make_case(lead=org, subjects=[existing])
    case = make_case(lead=org)
    with pytest.raises(people.DuplicatesFound) as found:
        people.register_person(user, case, _data(), role=SubjectRole.SUBJECT)
    assert [(m.person, m.by_bsn) for m in found.value.matches] == [(existing, False)]
    assert found.value.overridable and case.subjects == []
    assert last_event("person.search").details == {"kind": "duplicate_check", "results": 1, "outside_scope": 0}

    person = people.register_person(user, case, _data(), role=SubjectRole.SUBJECT, confirmed_new=True)
    assert person is not existing
    assert last_event("person.create").details == {"confirmed_new": True, "candidates": 1}


def test_register_links_the_offered_person_instead_of_a_duplicate(team):
    org, user = team
    existing = make_person("Jansen", birth_date=BIRTH)
    make_case(lead=org, subjects=[existing])
    case = make_case(lead=org)
    linked = people.register_person(user, case, _data(), role=SubjectRole.SUBJECT, use_existing=existing.id)
    assert linked is existing
    assert db.session.scalar(select(CaseSubject.person_id).where(CaseSubject.case_id == case.id)) == existing.id
    assert db.session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) == existing.id
    assert last_event("case.subject.add").details == {
        "person_id": existing.id,
        "role": "subject",
        "existing_person": True,
    }


def test_a_bsn_known_only_in_hidden_cases_is_registered_pending_and_matched_for_the_zvh(team):
    """Leak 1: the hidden person is neither offered nor linkable; the BSN index stays unique."""
    org, user = team
    elsewhere = make_person("Yilmaz", bsn="123456782")
    make_case(lead=make_org(), subjects=[elsewhere])
    case = make_case(lead=org)
    with pytest.raises(people.DuplicatesFound) as found:  # naming the hidden person: as an unknown id
        people.register_person(user, case, _data(bsn="123456782"), role=SubjectRole.SUBJECT, use_existing=elsewhere.id)
    assert found.value.matches == [] and case.subjects == []

    person = people.register_person(user, case, _data(bsn="123456782"), role=SubjectRole.SUBJECT)
    assert person is not elsewhere and person.bsn == "123456782" and person.bsn_pending
    assert people.search_persons(user, bsn="123456782") == [person]  # as typed, as for an unknown BSN
    with pytest.raises(AccessDenied):
        people.load_person_for(user, elsewhere.id)
    bsn_rows = db.session.scalars(select(PersonSearchIndex.person_id).where(PersonSearchIndex.index_name == "bsn"))
    assert list(bsn_rows) == [elsewhere.id]
    (match,) = db.session.scalars(select(PersonMatch))
    assert (match.person_id, match.matched_person_id, match.kind) == (person.id, elsewhere.id, "bsn")
    assert (match.case_id, match.created_by_id, match.resolved_at) == (case.id, user.id, None)
    event = last_event("person.match")
    assert event.object_id == str(person.id) and event.details == {"by_number": 1, "by_name_dob": 0}
    assert "123456782" not in str(event.details)
    assert last_event("person.create").details == {"confirmed_new": False, "candidates": 0}


def test_a_bsn_taken_by_a_concurrent_registration_becomes_pending_not_an_error(team):
    org, user = team
    case = make_case(lead=org)
    # the check saw nothing; meanwhile another registration took the BSN into the register
    check = people.RegisterCheck()
    first = make_person("Eerst", bsn="123456782")
    person = people.create_person(user, _data(bsn="123456782"), check, case=case)
    assert person.id != first.id and person.bsn == "123456782" and person.bsn_pending
    (match,) = db.session.scalars(select(PersonMatch))
    assert (match.person_id, match.matched_person_id, match.kind) == (person.id, first.id, "bsn")
    assert (match.case_id, match.created_by_id, match.case_type_id) == (case.id, user.id, case.case_type_id)
    assert last_event("person.match").details == {"by_number": 1, "by_name_dob": 0}


def test_any_writer_keeps_the_bsn_index_unique():
    """Imports, the demo, benches: a second holder of a BSN is indexed pending, with a match."""
    first, second = make_person("Een", bsn="123456782"), make_person("Twee", bsn="123456782")
    assert not first.bsn_pending and second.bsn_pending
    assert {name for name, _ in _entries(second)} == {"bsn_pending", "name_dob", "family_name"}
    (match,) = db.session.scalars(select(PersonMatch))
    assert (match.person_id, match.matched_person_id, match.created_by_id) == (second.id, first.id, None)


def test_a_hidden_name_match_is_not_offered_and_gets_the_answer_of_no_match(team):
    org, user = team
    elsewhere = make_person("Jansen", birth_date=BIRTH, bsn="111222333")
    make_case(lead=make_org(), subjects=[elsewhere])
    case = make_case(lead=org)
    with pytest.raises(people.DuplicatesFound) as found:
        people.register_person(user, case, _data(), role=SubjectRole.SUBJECT, use_existing=elsewhere.id)
    assert found.value.matches == []
    with pytest.raises(people.DuplicatesFound):  # an arbitrary id is refused the same way
        people.register_person(user, case, _data(), role=SubjectRole.SUBJECT, use_existing=123_456)
    assert case.subjects == []
    person = people.register_person(user, case, _data(), role=SubjectRole.SUBJECT)  # no confirmation asked
    assert person is not elsewhere and not person.bsn_pending
    assert [m.kind for m in db.session.scalars(select(PersonMatch))] == ["name_dob"]


def test_register_needs_permission_to_change_the_case():
    org = make_org()
    observer_org = make_org()
    user = make_user(org=observer_org, roles=[Role.CASEWORKER])
    case = make_case(lead=org, participants=[(observer_org, Involvement.OBSERVER)])
    with pytest.raises(AccessDenied):
        people.register_person(user, case, _data(), role=SubjectRole.SUBJECT)
    assert audit_events("person.create") == []
