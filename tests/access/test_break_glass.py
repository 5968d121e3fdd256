"""Break-the-glass: offered from an exact-reference search only, reason ≥ 20 characters, read-only for
``BREAK_GLASS_MINUTES``, a banner on the case, audited as its own action, reviewed by a supervisor.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.access import AccessDenied, Action, break_glass_active, can
from casebook.access import break_glass as glass
from casebook.access.models import BreakGlassAccess, ReviewStatus
from casebook.audit import Outcome
from casebook.cases import services as cases
from casebook.cases.models import CaseParticipant, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from tests.factories import login_as, make_case, make_case_type, make_org, make_user
from tests.helpers import audit_events, last_event

REASON = "Acute melding van buren, context nodig voor inzet."


@pytest.fixture
def setting():
    police, wijkteam = make_org("politie-bg"), make_org("wijkteam-bg")
    return {
        "police": police,
        "wijkteam": wijkteam,
        "officer": make_user(org=police, roles=["caseworker"]),
        "case": make_case(lead=wijkteam),
        "lead_supervisor": make_user(org=wijkteam, roles=["supervisor"]),
        "police_supervisor": make_user(org=police, roles=["supervisor"]),
    }


def test_search_finds_an_eligible_case_by_exact_reference_only(setting):
    officer, case = setting["officer"], setting["case"]
    assert glass.find_case(officer, case.reference.lower()).case is case
    assert glass.find_case(officer, case.reference[:-1]).case is None
    event = last_event("break_glass.search", actor_user_id=officer.id)
    assert event.outcome is Outcome.DENIED and event.details == {"reference_shaped": False, "found": False}


def test_search_answers_the_same_for_missing_restricted_and_too_confidential_cases(setting):
    officer, wijkteam = setting["officer"], setting["wijkteam"]
    make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
    restricted = make_case(lead=wijkteam, type="radicalisation")
    secret = make_case(lead=wijkteam, confidentiality=Confidentiality.CONFIDENTIEEL)
    for reference in (restricted.reference, secret.reference, "PGA-1999-99999"):
        assert glass.find_case(officer, reference) == glass.Lookup(None)
    event = last_event("break_glass.search", actor_user_id=officer.id)
    assert event.details == {"reference": "PGA-1999-99999", "found": False}


def test_breaking_the_glass_gives_read_only_access_audited_with_the_grant(setting):
    officer, case = setting["officer"], setting["case"]
    assert not can(officer, Action.VIEW_CASE, case)
    grant = glass.break_glass(officer, case.reference, REASON)
    assert grant.expires_at - grant.started_at == timedelta(minutes=60)
    assert break_glass_active(officer, case) is grant
    assert can(officer, Action.VIEW_CASE, case) and can(officer, Action.READ_NOTES, case)
    assert not can(officer, Action.ADD_NOTE, case) and not can(officer, Action.UPDATE_CASE, case)
    assert cases.list_for(officer, cases.CaseFilters()).total == 1
    event = last_event("case.break_glass", actor_user_id=officer.id)
    assert (event.outcome, event.case_id) == (Outcome.ALLOWED, case.id)
    assert event.details == {"grant_id": grant.id, "minutes": 60}
    assert grant.reason == REASON


def test_the_grant_expires(setting):
    officer, case = setting["officer"], setting["case"]
    start = utcnow() - timedelta(minutes=61)
    glass.break_glass(officer, case.reference, REASON, now=start)
    assert break_glass_active(officer, case) is None
    assert not can(officer, Action.VIEW_CASE, case)
    assert cases.list_for(officer, cases.CaseFilters()).total == 0


def test_the_duration_is_configurable(app, setting):
    app.config["BREAK_GLASS_MINUTES"] = 15
    try:
        grant = glass.break_glass(setting["officer"], setting["case"].reference, REASON)
    finally:
        app.config["BREAK_GLASS_MINUTES"] = 60
    assert grant.expires_at - grant.started_at == timedelta(minutes=15)


def test_a_short_reason_is_refused(setting):
    with pytest.raises(glass.BreakGlassError, match="20 tekens"):
        glass.break_glass(setting["officer"], setting["case"].reference, "te kort " * 2)
    assert db.session.scalar(db.session.query(BreakGlassAccess.id).statement) is None


def test_supervisors_and_admins_cannot_break_the_glass(setting):
    for user in (setting["police_supervisor"], make_user(org=setting["police"], roles=["admin"])):
        with pytest.raises(AccessDenied):
            glass.break_glass(user, setting["case"].reference, REASON)
        assert last_event("case.break_glass", actor_user_id=user.id).outcome is Outcome.DENIED


def test_a_grant_stops_working_when_the_case_becomes_more_confidential(setting):
    officer, case = setting["officer"], setting["case"]
    glass.break_glass(officer, case.reference, REASON)
    case.confidentiality = Confidentiality.CONFIDENTIEEL
    db.session.flush()
    assert not can(officer, Action.VIEW_CASE, case)
    assert cases.list_for(officer, cases.CaseFilters()).total == 0


def test_review_queue_and_verdict(setting):
    officer, case = setting["officer"], setting["case"]
    grant = glass.break_glass(officer, case.reference, REASON)
    for supervisor in (setting["lead_supervisor"], setting["police_supervisor"]):
        assert glass.review_queue(supervisor) == [grant]
    stranger = make_user(org=make_org(), roles=["supervisor"])
    assert glass.review_queue(stranger) == []
    with pytest.raises(AccessDenied):
        glass.load_grant_for_review(stranger, grant.id)
    gemeente = make_user(org=make_org("gemeente-bg", kind=OrganisationKind.MUNICIPALITY), roles=["supervisor"])
    assert glass.review_queue(gemeente) == [grant]
    glass.review(setting["lead_supervisor"], grant, ReviewStatus.UNJUSTIFIED, "Geen spoed.")
    assert grant.review_status is ReviewStatus.UNJUSTIFIED
    assert glass.review_queue(setting["police_supervisor"]) == []
    event = last_event("break_glass.review", actor_user_id=setting["lead_supervisor"].id)
    assert event.details == {"grant_id": grant.id, "verdict": "unjustified", "grant_user_id": officer.id, "note": True}
    assert (event.case_id, grant.review_note) == (case.id, "Geen spoed.")


def test_a_grant_is_not_what_lets_a_participant_in(setting):
    """Once the officer's organisation takes part, the participation lets them in (and lets them
    write): no grant is consulted, so no banner says they see the case without taking part."""
    officer, case = setting["officer"], setting["case"]
    glass.break_glass(officer, case.reference, REASON)
    case.participants.append(CaseParticipant(organisation=setting["police"], involvement=Involvement.CONTRIBUTOR))
    db.session.flush()
    assert break_glass_active(officer, case) is None
    assert can(officer, Action.VIEW_CASE, case) and can(officer, Action.ADD_NOTE, case)


def test_break_glass_over_http_with_banner_on_the_case(client, setting):
    officer, case = setting["officer"], setting["case"]
    case_id, reference = case.id, case.reference
    login_as(client, officer)
    assert client.get(f"/cases/{case_id}").status_code == 404
    found = client.get(f"/access/break-glass?reference={reference}")
    assert found.status_code == 200 and "Open met noodtoegang" in found.get_data(as_text=True)
    short = client.post("/access/break-glass", data={"reference": reference, "reason": "te kort"})
    assert short.status_code == 422 and "te kort" in short.get_data(as_text=True)
    response = client.post("/access/break-glass", data={"reference": reference, "reason": REASON})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case_id}")
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "Noodtoegang (break-the-glass)" in page.get_data(as_text=True)
    reads = [e.action for e in audit_events(request_id=page.headers["X-Request-Id"])]
    assert reads[0] == "case.view" and "note.list" in reads  # read-only access reads the whole case, audited
    assert all(action.endswith((".view", ".list")) for action in reads), reads


def test_the_404_page_of_an_out_of_scope_case_offers_no_break_glass(client, setting):
    reference, case_id = setting["case"].reference, setting["case"].id
    login_as(client, setting["officer"])
    html = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert reference not in html and "reference=" not in html and "Open met noodtoegang" not in html


def test_review_over_http(client, setting):
    grant = glass.break_glass(setting["officer"], setting["case"].reference, REASON)
    grant_id = grant.id
    login_as(client, setting["lead_supervisor"])
    queue = client.get("/access/break-glass/reviews")
    assert queue.status_code == 200 and REASON in queue.get_data(as_text=True)
    bad = client.post(f"/access/break-glass/{grant_id}/review", data={"verdict": "maybe"})
    assert bad.status_code == 422
    ok = client.post(f"/access/break-glass/{grant_id}/review", data={"verdict": "justified", "note": "Terecht."})
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(BreakGlassAccess, grant_id).review_status is ReviewStatus.JUSTIFIED
