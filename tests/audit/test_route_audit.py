"""Every route that shows personal data (or the trail about it) writes its audit event.

The table below enumerates them; a new GET route must either join it or be declared free of
personal data in ``NO_PERSONAL_DATA`` — the first test fails until one of the two is done.
"""

from __future__ import annotations

from datetime import date

import pytest

from casebook.audit import Outcome
from casebook.cases.models import CaseSubject, Involvement, SubjectRole
from casebook.db import db
from casebook.meetings.services import add_to_agenda
from casebook.organisations.models import OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation
from casebook.web import is_public_endpoint
from tests.documents.support import upload
from tests.factories import (
    bearer,
    login_as,
    make_api_token,
    make_case,
    make_goal,
    make_meeting,
    make_note,
    make_org,
    make_person,
    make_signal,
    make_user,
)
from tests.helpers import audit_events

# endpoint → (role of the reader, path with {case}, {user} and {reference} filled in, expected action)
PERSONAL_DATA_ROUTES = {
    "cases.index": ("caseworker", "/cases", "case.list"),
    "cases.export": ("caseworker", "/cases/export", "case.export"),
    "cases.detail": ("caseworker", "/cases/{case}", "case.view"),
    "cases.section": ("caseworker", "/cases/{case}/journal", "case.view"),
    "audit.index": ("supervisor", "/audit/", "audit.list"),
    "audit.export": ("supervisor", "/audit/export.csv", "audit.export"),
    "audit.user_history": ("supervisor", "/audit/users/{user}", "audit.user.view"),
    "audit.case_history": ("supervisor", "/audit/cases/{case}", "audit.case.view"),
    "audit.unusual": ("supervisor", "/audit/unusual", "audit.unusual.list"),
    "break_glass.reviews": ("supervisor", "/access/break-glass/reviews", "break_glass.list"),
    "authorisations.index": ("admin", "/access/authorisations", "authorisation.list"),
    "break_glass.search": ("caseworker", "/access/break-glass?reference={reference}", "break_glass.search"),
    "admin.users": ("admin", "/admin/users", "user.list"),
    "admin.user_detail": ("admin", "/admin/users/{user}", "user.view"),
    "admin.access_review": ("supervisor", "/admin/access-review", "user.access_review.list"),
    "people.detail": ("caseworker", "/persons/{person}", "person.view"),
    "people.register": ("caseworker", "/cases/{case}/persons/new", "case.update"),
    "people.matches": ("coordinator", "/persons/matches", "person.match.list"),
    "account.sessions_list": ("caseworker", "/account/sessions", "auth.session.list"),
    "signals.queue": ("coordinator", "/signals", "signal.list"),
    "signals.detail": ("coordinator", "/signals/{signal}", "signal.view"),
    "signals.mine": ("caseworker", "/signals/mine", "signal.own.list"),
    "work.actions": ("caseworker", "/work/actions", "plan.action.list"),
    "work.evaluations": ("caseworker", "/work/evaluations", "case.list"),
    "work.closures": ("supervisor", "/work/closures", "case.list"),
    "households.detail": ("coordinator", "/households/{household}", "household.view"),
    "cases.edit": ("coordinator", "/cases/{case}/edit", "case.update"),
    "cases.edit_summary": ("coordinator", "/cases/{case}/summary/edit", "case.dossier.view"),
    "cases.edit_flags": ("coordinator", "/cases/{case}/flags/edit", "case.dossier.view"),
    "journal.correct": ("caseworker", "/cases/{case}/notes/{note}/correction", "note.view"),
    "plans.add_action": ("coordinator", "/cases/{case}/plan/goals/{goal}/actions", "plan.goal.view"),
    "plans.edit_goal": ("coordinator", "/cases/{case}/plan/goals/{goal}/edit", "plan.goal.view"),
    "plans.record": ("coordinator", "/cases/{case}/plan/evaluations/new", "plan.view"),
    "meetings.index": ("coordinator", "/meetings", "meeting.list"),
    "meetings.detail": ("coordinator", "/meetings/{meeting}", "meeting.view"),
    "meetings.item": ("coordinator", "/meetings/{meeting}/items/{item}", "meeting.item.view"),
    # the API: every use of a token is itself an event, before the read
    "api.list_cases": ("caseworker", "/api/v1/cases", "case.list"),
    "api.get_case": ("caseworker", "/api/v1/cases/{case}", "case.view"),
    "api.list_participants": ("caseworker", "/api/v1/cases/{case}/participants", "case.view"),
    "api.list_notes": ("caseworker", "/api/v1/cases/{case}/notes", "note.list"),
    "api.list_interventions": ("caseworker", "/api/v1/cases/{case}/interventions", "intervention.list"),
    "api.get_plan": ("caseworker", "/api/v1/cases/{case}/plan", "plan.view"),
    "api.get_goal": ("caseworker", "/api/v1/cases/{case}/plan/goals/{goal}", "plan.goal.view"),
    "api.list_evaluations": ("caseworker", "/api/v1/cases/{case}/plan/evaluations", "plan.evaluation.list"),
    "api.get_person": ("caseworker", "/api/v1/persons/{person}", "person.view"),
    "api.get_household": ("coordinator", "/api/v1/households/{household}", "household.view"),
    "api.search_persons": ("caseworker", "/api/v1/persons?family_name=Doe&birth_date=2008-05-17", "person.search"),
    "api.list_signals": ("coordinator", "/api/v1/signals", "signal.list"),
    "api.get_signal": ("coordinator", "/api/v1/signals/{signal}", "signal.view"),
    "api.list_audit": ("supervisor", "/api/v1/audit", "audit.list"),
    "notifications.index": ("caseworker", "/notifications", "notification.list"),
    # printed files: their reads audit themselves, then the export (``PRINTED``)
    "printing.case_dossier": ("caseworker", "/cases/{case}/dossier.pdf", "case.dossier.export"),
    "printing.meeting": ("coordinator", "/meetings/{meeting}/report.pdf", "meeting.report.export"),
    "api.list_meetings": ("coordinator", "/api/v1/meetings", "meeting.list"),
    "api.get_agenda": ("coordinator", "/api/v1/meetings/{meeting}/agenda", "meeting.view"),
    "api.get_meeting_report_pdf": ("coordinator", "/api/v1/meetings/{meeting}/report.pdf", "meeting.report.export"),
    "api.get_case_dossier_pdf": ("caseworker", "/api/v1/cases/{case}/dossier.pdf", "case.dossier.export"),
    "documents.detail": ("caseworker", "/documents/{document}", "document.view"),
    "documents.download": ("caseworker", "/documents/{document}/download", "document.download"),
    "api.list_documents": ("caseworker", "/api/v1/cases/{case}/documents", "document.list"),
    "api.get_document": ("caseworker", "/api/v1/documents/{document}", "document.view"),
    "api.document_content": ("caseworker", "/api/v1/documents/{document}/content", "document.download"),
    # reports: aggregates without personal data, audited all the same (who read which figures)
    "reports.show": ("supervisor", "/reports/caseload", "report.view"),
    "reports.download": ("supervisor", "/reports/signals/export.csv", "report.export"),
    "api.get_report": ("supervisor", "/api/v1/reports/throughput", "report.view"),
    # the register holds no personal data; its exports are audited all the same
    "privacy.register_export_csv": ("privacy_officer", "/privacy/register.csv", "register.export"),
    "privacy.register_export_pdf": ("privacy_officer", "/privacy/register.pdf", "register.export"),
}
# Routes with personal data whose audit event is tested where their set-up lives.
TESTED_ELSEWHERE = {
    "documents.shared_download": "tests/handoffs/test_shared_documents.py (needs an accepted handoff)",
    "signals.inbox": "tests/signals/test_weegtafel_views.py (needs a question to the reader's organisation)",
    "signals.request_detail": "tests/signals/test_weegtafel_views.py",
    "api.list_information_requests": "tests/api/test_weegtafel_api.py",
    "api.get_information_request": "tests/api/test_weegtafel_api.py",
    "plans.edit_action": "tests/plans/test_plan_steering_views.py (needs an action; plan.action.view)",
    "api.get_action": "tests/plans/test_plan_steering_views.py and tests/api/test_plan_steering_api.py (an action)",
    **dict.fromkeys(
        (
            "subject_requests.index",
            "subject_requests.detail",
            "subject_requests.export_json",
            "subject_requests.export_pdf",
            "api.list_subject_requests",
            "api.get_subject_request",
            "api.export_subject_request",
            "api.list_rectifications",
            "api.list_restrictions",
        ),
        "tests/subject_requests/test_route_audit.py (a privacy officer and a request)",
    ),
}
PRINTED = {"printing.case_dossier", "printing.meeting", "api.get_case_dossier_pdf", "api.get_meeting_report_pdf"}
NO_PERSONAL_DATA = {
    "cases.saved_filters",  # the user's own saved filters: codes and the names they gave them
    "site.index",  # my work: only the viewer's own lists, each through audited services
    "admin.create_user",  # an empty form
    "signals.new",  # an empty form
    "meetings.new",  # an empty form
    "meetings.edit",  # a meeting's practical details (time, place, employees invited): no case data
    "api.get_meeting",  # the same details through the API
    "handoffs.new_request",  # an empty form; the request itself is a POST
    "people.search",  # an empty form; the search itself is a POST, audited as person.search
    "account.change_password",  # the user's own form
    "account.mfa_status",  # the user's own second factor
    "api_tokens.index",  # the user's own tokens
    "auth.reauth",  # a password form
    "api.openapi",  # the API description
    "api.me",  # the caller's own account
    "notifications.preferences",  # the user's own address and reminder choices
    "reports.index",  # the names of the reports the reader may read
    "api.list_reports",  # the names of the reports the caller may read
    "subject_requests.new",  # an empty form
    "journal.index",  # the journal's old address: a redirect to its tab (cases.section), which audits
    # destruction lists: references, codes, dates and rules, no content; audited all the same
    # (destruction_list.list / .view / .certificate.export: tests/retention/test_views.py)
    "retention.index",
    "retention.detail",
    "retention.certificate_pdf",
    "api.list_destruction_lists",
    "api.get_destruction_list",
    "api.destruction_certificate",
    # the register of processing activities: descriptions of processing, no personal data
    "privacy.register_index",
    "privacy.activity_detail",
    "privacy.activity_edit",
    "api.list_register",
    "api.get_activity",
    "privacy.processing_log",  # counts per activity; a subject's lines are a POST (audited, tests/privacy)
}


def test_every_get_route_is_enumerated(app):
    gets = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not is_public_endpoint(app, rule.endpoint)
    }
    missing = gets - set(PERSONAL_DATA_ROUTES) - set(HANDOFF_ROUTES) - NO_PERSONAL_DATA - set(TESTED_ELSEWHERE)
    assert not missing, f"say whether these routes show personal data, and test their audit event: {missing}"


@pytest.mark.parametrize("endpoint", sorted(PERSONAL_DATA_ROUTES))
def test_the_route_writes_its_event(client, endpoint):
    role, path, action = PERSONAL_DATA_ROUTES[endpoint]
    org = make_org(kind=OrganisationKind.ZVH)
    reader = make_user(org=org, roles=[role])
    colleague = make_user(org=org)
    case = make_case(lead=org)
    person = make_person("Doe")
    case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    household = Household(reference=f"HH-AUDIT-{case.id}")
    household.members.append(HouseholdMember(person=person, relation=HouseholdRelation.PARENT))
    case.household = household
    signal = make_signal(reader, persons=[person])
    coordinator = make_user(org=org, roles=["coordinator"])
    note = make_note(case, reader if role in ("caseworker", "coordinator") else coordinator)
    goal = make_goal(case, coordinator)
    meeting = make_meeting(coordinator, held_on=date.today(), organisations=[org])
    item = add_to_agenda(meeting, by=coordinator, reference=case.reference)
    document = upload(case, reader if role in ("caseworker", "coordinator") else coordinator)
    db.session.flush()
    path = path.format(
        case=case.id,
        user=colleague.id,
        reference=case.reference,
        person=person.id,
        household=household.id,
        signal=signal.id,
        note=note.id,
        goal=goal.id,
        meeting=meeting.id,
        item=item.id,
        document=document.id,
    )
    reader_id = reader.id
    expected = [(action, Outcome.ALLOWED, reader_id)]
    if path.startswith("/api/"):
        response = client.get(path, headers=bearer(make_api_token(reader)))
        expected.insert(0, ("api.token.use", Outcome.ALLOWED, reader_id))
    else:
        login_as(client, reader)
        response = client.get(path)
    assert response.status_code == 200, path
    events = audit_events(request_id=response.headers["X-Request-Id"])
    found = [(e.action, e.outcome, e.actor_user_id) for e in events]
    # sections (and the case resource's dossier read) audit their own reads after the page's; the case
    # list its page's subjects' names; the weegtafel what is known of the persons on its signals
    if endpoint in (
        "cases.detail",
        "cases.section",
        "households.detail",
        "api.get_household",
        "api.get_case",
        "cases.index",
        *("signals.queue", "signals.detail", "api.list_signals", "api.get_signal"),
    ):
        assert found[: len(expected)] == expected
        assert all(a.endswith((".view", ".list")) and o is Outcome.ALLOWED for a, o, _u in found[len(expected) :])
        return
    if endpoint in PRINTED:  # the token's use, the reads the file is gathered from, the export last
        assert found[: len(expected) - 1] == expected[:-1] and found[-1] == expected[-1], found
        reads = found[len(expected) - 1 : -1]
        assert reads and all(a.endswith((".view", ".list")) and o is Outcome.ALLOWED for a, o, _u in reads)
        return
    assert found == expected


# Handoffs are read by the organisations on either side: endpoint → (who reads, path, expected action).
HANDOFF_ROUTES = {
    "handoffs.inbox": ("receiver", "/handoffs", "handoff.list"),
    "handoffs.detail": ("receiver", "/handoffs/{handoff}", "handoff.view"),
    "handoffs.new": ("sender", "/cases/{case}/handoffs/new", "handoff.draft"),
    "handoffs.request_detail": ("asker", "/handoffs/requests/{request}", "handoff.request.view"),
    "api.list_handoffs": ("receiver", "/api/v1/handoffs?box=incoming", "handoff.list"),
    "api.get_handoff": ("receiver", "/api/v1/handoffs/{handoff}", "handoff.view"),
}


@pytest.mark.parametrize("endpoint", sorted(HANDOFF_ROUTES))
def test_the_handoff_route_writes_its_event(client, endpoint):
    from sqlalchemy import select

    from casebook.handoffs import requests as handoff_requests
    from casebook.handoffs import services as handoffs
    from casebook.handoffs.models import HandoffKind, LegalBasis, SenderAfterTransfer

    who, path, action = HANDOFF_ROUTES[endpoint]
    lead = make_org(kind=OrganisationKind.ZVH)
    receiving = make_org(kind=OrganisationKind.WIJKTEAM)
    readers = {
        "sender": make_user(org=lead, roles=["coordinator"]),
        "receiver": make_user(org=receiving, roles=["coordinator"]),
        "asker": make_user(org=make_org(kind=OrganisationKind.WIJKTEAM), roles=["coordinator"]),
    }
    asking = readers["asker"].organisation
    case = make_case(lead=lead, participants=[(asking, Involvement.OBSERVER)])  # only a participant may ask
    request = handoff_requests.create(case.reference, "Besproken in casusoverleg.", by=readers["asker"])
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant"))
    handoff = handoffs.send(
        case,
        handoffs.HandoffInput(
            kind=HandoffKind.TRANSFER,
            receiver=receiving,
            summary="Regie past beter bij het wijkteam.",
            legal_basis=basis,
            person_informed=True,
            sender_after=SenderAfterTransfer.OBSERVER,
        ),
        by=readers["sender"],
    )
    reader = readers[who]
    reader_id = reader.id
    path = path.format(case=case.id, handoff=handoff.id, request=request.id)
    expected = [(action, Outcome.ALLOWED, reader_id)]
    if path.startswith("/api/"):
        response = client.get(path, headers=bearer(make_api_token(reader)))
        expected.insert(0, ("api.token.use", Outcome.ALLOWED, reader_id))
    else:
        login_as(client, reader)
        response = client.get(path)
    assert response.status_code == 200
    events = audit_events(request_id=response.headers["X-Request-Id"])
    assert [(e.action, e.outcome, e.actor_user_id) for e in events] == expected
