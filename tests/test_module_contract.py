"""The module contract holds: a module added by one entry in the module list wires itself.

``tests/example_module`` is added to an app of its own (``EXTRA_MODULES``); its route works, is
closed to anonymous visitors and out-of-scope readers, is audited, shows in the header only when
the policy allows, contributes to the case page — and none of it leaks into the ordinary app,
because contributions live in the app, not in the process. The product's errors are mapped once
for the screens and once for the API.
"""

from __future__ import annotations

import pytest
from flask import Flask

from casebook import MODULES, create_app
from casebook.access import Action, can
from casebook.access.rules import RULES
from casebook.audit import Outcome
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.errors import Conflict, Refused, RuleViolation
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.items import ItemRefused
from casebook.interventions.services import InterventionRefused
from casebook.journal.services import NoteRefused
from casebook.meetings.services import MeetingRefused
from casebook.modules import contributions
from casebook.plans.services import PlanRefused
from casebook.web import is_public_endpoint
from tests.audit.test_route_audit import HANDOFF_ROUTES, NO_PERSONAL_DATA, PERSONAL_DATA_ROUTES, TESTED_ELSEWHERE
from tests.conftest import TEST_SETTINGS, IsolatedClient
from tests.example_module import ACTIONS
from tests.factories import login_as, make_case, make_org, make_user
from tests.helpers import audit_events

# the example's route-audit entries, as a real module adds them to tests/audit/test_route_audit.py
EXAMPLE_ROUTES = {
    "example.index": ("caseworker", "/example/", "case.list"),
    "example.case_summary": ("caseworker", "/example/cases/{case}", "case.view"),
}


@pytest.fixture(scope="module")
def example_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance = tmp_path_factory.mktemp("example-instance")
    application = create_app(
        {
            **TEST_SETTINGS,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(instance),
            "EXTRA_MODULES": ("tests.example_module",),
        }
    )
    application.test_client_class = IsolatedClient
    return application


@pytest.fixture
def example_client(example_app: Flask):
    return example_app.test_client()


def test_create_app_walks_the_modules_and_the_extra_ones(example_app, app):
    walked = contributions(example_app).modules
    assert walked == [f"casebook.{name}" for name in MODULES] + ["tests.example_module"]
    assert "example" in example_app.blueprints and "example" not in app.blueprints


def test_contributions_stay_in_their_app(example_app, app):
    assert "example" in contributions(example_app).case_sections
    assert "example" not in contributions(app).case_sections
    assert "example.index" not in {entry.key for entry in contributions(app).navigation.entries()}
    # both apps got every ordinary contribution of their own
    assert set(contributions(app).timeline_sources) == set(contributions(example_app).timeline_sources)


def test_the_route_works_and_is_audited(example_client):
    org = make_org()
    reader = make_user(org=org)
    case = make_case(lead=org)
    reader_id, case_id, reference = reader.id, case.id, case.reference
    login_as(example_client, reader)
    response = example_client.get(f"/example/cases/{case_id}")
    assert response.status_code == 200 and f"summary of {reference}" in response.get_data(as_text=True)
    [event] = audit_events("case.view", actor_user_id=reader_id)
    assert event.outcome is Outcome.ALLOWED and event.case_id == case_id
    # the dossier has a tab for the module's section, at a page of its own
    assert f'href="/cases/{case_id}/example"' in example_client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"example section of {reference}" in example_client.get(f"/cases/{case_id}/example").get_data(as_text=True)


def test_the_route_is_protected(example_client):
    case = make_case(lead=make_org())
    case_id = case.id
    response = example_client.get(f"/example/cases/{case_id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    outsider = make_user(org=make_org())
    outsider_id = outsider.id
    login_as(example_client, outsider)
    assert example_client.get(f"/example/cases/{case_id}").status_code == 404
    assert audit_events("case.view", actor_user_id=outsider_id)[-1].outcome is Outcome.DENIED


def test_the_navigation_entry_follows_the_policy(example_client):
    org = make_org()
    worker = make_user(org=org)
    admin = make_user(org=org, roles=["admin"])
    assert can(worker, Action.LIST_CASES) and not can(admin, Action.LIST_CASES)
    login_as(example_client, worker)
    page = example_client.get("/example/").get_data(as_text=True)
    assert 'href="/example/" aria-current="page">Voorbeeld' in page
    example_client.post("/logout")
    login_as(example_client, admin)
    assert 'href="/example/"' not in example_client.get("/admin/users").get_data(as_text=True)


def test_the_actions_of_the_module_have_rules_and_unknown_ones_are_refused():
    assert all(action in RULES for action in ACTIONS)
    nobody_special = make_user(org=make_org())
    assert not can(nobody_special, "example.anything")  # an action without a rule: closed by default


def test_the_route_audit_knows_every_get_route_of_the_module(example_app):
    gets = {
        rule.endpoint
        for rule in example_app.url_map.iter_rules()
        if "GET" in rule.methods and not is_public_endpoint(example_app, rule.endpoint)
    }
    known = (
        set(PERSONAL_DATA_ROUTES) | set(HANDOFF_ROUTES) | NO_PERSONAL_DATA | set(EXAMPLE_ROUTES) | set(TESTED_ELSEWHERE)
    )
    assert gets - known == set()


# --- one error mapping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "base"),
    [
        (CaseRuleError, RuleViolation),
        (HandoffError, RuleViolation),
        (PlanRefused, RuleViolation),
        (NoteRefused, RuleViolation),
        (InterventionRefused, RuleViolation),
        (MeetingRefused, RuleViolation),
        (ItemRefused, RuleViolation),
        (StaleCase, Conflict),
        (HandoffConflict, Conflict),
    ],
)
def test_domain_errors_derive_from_the_three(error, base):
    assert issubclass(error, base)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (MeetingRefused("Dit agendapunt bestaat al."), 422),
        (HandoffConflict("Iemand anders besliste al."), 409),
        (StaleCase(3, []), 409),
        (Refused(), 404),
    ],
)
def test_the_screens_map_the_errors_once(app, exc, status):
    with app.test_request_context("/cases"):
        response = app.make_response(app.handle_user_exception(exc))
    assert response.status_code == status
    if status != 404:
        assert str(getattr(exc, "message", exc)) in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("exc", "status", "slug"),
    [
        (MeetingRefused("Geen datum.", "held_on"), 422, "rule-violation"),
        (ItemRefused("Interne notities worden nooit gedeeld."), 409, "conflict"),
        (HandoffConflict("Iemand anders besliste al."), 409, "conflict"),
        (StaleCase(3, []), 409, "stale"),
    ],
)
def test_the_api_maps_the_errors_once(app, exc, status, slug):
    with app.test_request_context("/api/v1/cases"):
        response = app.make_response(app.handle_user_exception(exc))
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.json["type"] == f"urn:casebook:problem:{slug}"
