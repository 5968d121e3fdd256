"""Property-based contract test: Schemathesis fuzzes every operation of the live OpenAPI document.

The document is fetched from the running app with a valid token (as a partner would), then each
operation gets positive (schema-valid) and negative (schema-violating) examples. Every default
check applies: no 5xx, status codes, content types, headers and bodies as documented. The number
of examples is bounded so the whole run stays well under a minute.
"""

from __future__ import annotations

import contextvars
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from flask.globals import _cv_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db, utcnow
from casebook.meetings.services import add_to_agenda
from casebook.signals.models import InformationRequest
from tests.documents.support import upload
from tests.factories import (
    bearer,
    make_action,
    make_api_token,
    make_case,
    make_case_type,
    make_district,
    make_goal,
    make_meeting,
    make_org,
    make_person,
    make_signal,
    make_user,
)

EXAMPLES_PER_OPERATION = 25


def isolated(app: Any) -> Any:
    """The app as a WSGI callable whose requests get their own app context (as in production)."""

    def wsgi(environ: dict, start_response: Any) -> list[bytes]:
        def run() -> list[bytes]:
            _cv_app.set(None)
            return list(app(environ, start_response))

        return contextvars.copy_context().run(run)

    return wsgi


@pytest.fixture
def api_headers(app, monkeypatch) -> dict[str, str]:
    """A coordinator with a token, some reference data and cases in and out of scope."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000 per minute")
    zvh, west = make_org("zvh"), make_org("wijkteam-west")
    make_case_type("youth")
    make_district("wielwijk")
    # Coordinator, supervisor and privacy officer at once, so every operation (the audit log, the
    # register of processing activities and the requests of persons concerned too) is reachable.
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR, Role.SUPERVISOR, Role.PRIVACY_OFFICER])
    cases = [make_case(lead=zvh, participants=[(west, Involvement.CONTRIBUTOR)]) for _ in range(3)]
    make_case(lead=west)
    upload(cases[0], coordinator)  # a document (id 1), so its metadata, content and versions are reached
    # a casusoverleg (id 1) that took place, with a case on its agenda: its agenda, report and attendance
    meeting = make_meeting(coordinator, date.today() - timedelta(days=1), [west])
    add_to_agenda(meeting, by=coordinator, reference=cases[1].reference)
    _household_with_a_member(cases[0])  # household 1 with member 1, so their operations are reached
    # a signal (id 1) with a question to the caller's own organisation (id 1): the weegtafel's operations
    # and the partner's inbox are reached by the one token
    signal = make_signal(coordinator, persons=[cases[0].subjects[0].person] if cases[0].subjects else [])
    question = InformationRequest(organisation=zvh, asked_by=coordinator, asked_at=utcnow())
    question.question = "Is er een lopend traject?"
    signal.information_requests.append(question)
    db.session.flush()
    # goals (ids 1, 2) and an action (id 1) on the first case, so the plan's steering is reached
    goal = make_goal(cases[0], coordinator)
    make_goal(cases[0], coordinator, domain="finances")
    make_action(cases[0], coordinator, date.today() + timedelta(days=10), goal=goal)
    _subject_request(coordinator, zvh)  # a request (id 1) of a person in a case, so its operations are reached
    return bearer(make_api_token(coordinator))


def _household_with_a_member(case: Any) -> None:
    from casebook.cases.models import CaseSubject, SubjectRole
    from casebook.db import db
    from casebook.people.models import Household, HouseholdMember, HouseholdRelation
    from tests.factories import make_person

    person = make_person("Visser")
    case.subjects.append(CaseSubject(person=person, role=SubjectRole.SUBJECT))
    household = Household(
        reference="HH-00001", members=[HouseholdMember(person=person, relation=HouseholdRelation.PARENT)]
    )
    case.household = household
    db.session.add(household)
    db.session.flush()


def _subject_request(officer: Any, lead: Any) -> None:
    from datetime import date

    from casebook.subject_requests import services
    from casebook.subject_requests.models import RequestKind

    make_case(lead=lead, subjects=[make_person("Visser", bsn="123456782")])
    services.register(officer, services.NewRequest(kind=RequestKind.ACCESS, received_on=date.today(), bsn="123456782"))


def _operations() -> list[tuple[str, str]]:
    import casebook.api.views  # registers every endpoint
    import casebook.privacy.api
    import casebook.reports.api  # the reports module's operations (joined by its init_app)
    import casebook.retention.api
    import casebook.subject_requests.api  # noqa: F401 - the modules' operations (joined by their init_app)
    from casebook.api import api
    from casebook.api.registry import _openapi_path

    return [(op.method, _openapi_path("/api/v1", op.rule)) for op in api.operations]


OPERATIONS = _operations()
# Operations whose schema-valid input the screens' rules may still refuse: codes of reference data
# (a well-formed but unknown code is a documented 422), rules across members and against the stored
# state (a skip without a reason, a due date in the past, an invalid BSN checksum, a stale If-Match
# → 412). Only Schemathesis' "positive data accepted" check is relaxed there; no 5xx, documented
# statuses, headers and response schemas are still checked on every operation.
DATA_RULE_OPERATIONS = {
    ("POST", "/api/v1/cases"),
    ("PATCH", "/api/v1/cases/{case_id}"),
    ("PUT", "/api/v1/cases/{case_id}/flags"),
    ("POST", "/api/v1/cases/{case_id}/transitions"),
    # closing: a result code of the case type, a proposal waiting (or not), a closed case (or not)
    ("POST", "/api/v1/cases/{case_id}/closure"),
    ("POST", "/api/v1/cases/{case_id}/closure/decision"),
    ("POST", "/api/v1/cases/{case_id}/reopen"),
    ("POST", "/api/v1/cases/{case_id}/participants"),
    ("POST", "/api/v1/cases/{case_id}/interventions"),
    ("POST", "/api/v1/cases/{case_id}/plan/goals"),  # its owner organisation is a code of data
    ("POST", "/api/v1/cases/{case_id}/plan/actions"),
    # steering the plan: a stale If-Match (412), a date in the past, a goal of another case, a
    # participant that does not take part, a status only the action's owner may set (403)
    ("PATCH", "/api/v1/cases/{case_id}/plan/goals/{goal_id}"),
    ("PATCH", "/api/v1/cases/{case_id}/plan/actions/{action_id}"),
    ("POST", "/api/v1/cases/{case_id}/plan/actions/{action_id}/move"),
    ("POST", "/api/v1/cases/{case_id}/plan/evaluations"),
    ("POST", "/api/v1/cases/{case_id}/handoffs"),
    # a search term must read as a case reference or a family name: a rule on its content
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/persons"),
    ("POST", "/api/v1/persons"),
    ("POST", "/api/v1/signals"),
    ("POST", "/api/v1/signals/{signal_id}/triage"),
    # the weegtafel: an assignee is a username of data, a partner an organisation's slug; If-Match → 412
    ("PATCH", "/api/v1/signals/{signal_id}"),
    ("POST", "/api/v1/signals/{signal_id}/information-requests"),
    ("POST", "/api/v1/information-requests/{request_id}/answer"),
    ("POST", "/api/v1/handoffs/{handoff_id}/accept"),
    # an upload's type is a code of reference data, and its file is checked on its content (the allow-list)
    ("POST", "/api/v1/cases/{case_id}/documents"),
    ("POST", "/api/v1/documents/{document_id}/versions"),
    # a report's name, wijk, case type and organisation are codes of data; its period at most ten years
    ("GET", "/api/v1/reports/{name}"),
    # a meeting's organisations and persons are codes and usernames of data, its date today or later
    ("POST", "/api/v1/meetings"),
    ("PATCH", "/api/v1/meetings/{meeting_id}"),
    ("PUT", "/api/v1/meetings/{meeting_id}/attendance"),
    ("POST", "/api/v1/cases/{case_id}/agenda"),
    # a planned intervention marked done against its stored version and state (412, 409 once settled)
    ("PATCH", "/api/v1/cases/{case_id}/interventions/{intervention_id}"),
    # households: the case's or household's version (412), a second household (409), a member among the
    # subjects of its cases and a coordinator of a lead organisation (422)
    ("POST", "/api/v1/cases/{case_id}/household"),
    ("POST", "/api/v1/households/{household_id}/members"),
    ("DELETE", "/api/v1/households/{household_id}/members/{member_id}"),
    ("PUT", "/api/v1/households/{household_id}/coordinator"),
    # break-the-glass: a BSN's elfproef or one criterion of three (422), a reason of 20 characters (422)
    ("POST", "/api/v1/break-glass/search"),
    ("POST", "/api/v1/break-glass"),
    # an activity's code is data; a subject's BSN must pass the elfproef
    ("GET", "/api/v1/privacy/register/{code}"),
    ("POST", "/api/v1/privacy/processing-log/search"),
    # a request's BSN checksum and receipt date, an extension within the first month, a person to rectify
    ("POST", "/api/v1/subject-requests"),
    ("POST", "/api/v1/subject-requests/{request_id}/extension"),
    ("POST", "/api/v1/subject-requests/{request_id}/completion"),
    ("POST", "/api/v1/subject-requests/{request_id}/rectifications"),
    ("POST", "/api/v1/subject-requests/{request_id}/restrictions"),
    ("POST", "/api/v1/subject-requests/{request_id}/restrictions/{restriction_id}/lift"),
}
# A list's cursor (``after`` / ``before``) is opaque: any string fits its schema, and one the list did
# not issue is the documented 400 ``invalid-cursor``. Only "positive data accepted" is relaxed for
# such examples; every other check still applies to them.
CURSOR_PARAMETERS = frozenset({"after", "before"})
cases_run: dict[tuple[str, str], int] = {}


def test_the_document_lists_exactly_the_registered_operations(app, api_headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app), headers=api_headers)
    listed = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert listed | {("GET", "/api/v1/openapi.json")} == set(OPERATIONS)  # Schemathesis skips the document itself


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_operation_honours_its_openapi_document(app, api_headers, method, path):
    """(Schemathesis' own pytest plugin fails on pytest 9's node ids, so the strategies drive Hypothesis here.)"""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app), headers=api_headers)
    operation = schema[path][method]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def fuzz(case: Any) -> None:
        cases_run[(method, path)] = cases_run.get((method, path), 0) + 1
        with_cursor = bool(CURSOR_PARAMETERS & set(case.query or {}))
        excluded = [positive_data_acceptance] if (method, path) in DATA_RULE_OPERATIONS or with_cursor else []
        # a null query value goes over the wire as an empty one, which the API documents as absent
        # (``allowEmptyValue``): not a schema violation the server could see
        if any(value in ("", None) for value in (case.query or {}).values()):
            excluded.append(negative_data_rejection)
        case.call_and_validate(headers=api_headers, excluded_checks=excluded)

    fuzz()
    assert cases_run[(method, path)] >= EXAMPLES_PER_OPERATION // 2
    print(f"schemathesis: {method} {path}: {cases_run[(method, path)]} cases")
