"""Four eyes: a municipal supervisor and the privacy officer, two people, approve a list; either can
take an item off it first. Everyone else gets a 404, audited."""

from __future__ import annotations

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.cli import cli
from casebook.db import db
from casebook.errors import Conflict, RuleViolation
from casebook.organisations.models import OrganisationKind
from casebook.people.models import Person
from casebook.retention import plan, services
from casebook.retention.models import DestructionList, ItemKind, ItemStatus, ListStatus
from tests.factories import make_org, make_user
from tests.helpers import audit_events, last_event
from tests.retention.support import AS_OF, closed_case, gemeente, privacy_officer, supervisor


@pytest.fixture
def listing():
    closed_case(subjects=[Person(family_name="Kok", given_names="Anna")])
    return plan.draw_up(AS_OF)


def test_a_supervisor_and_a_privacy_officer_approve_it_in_either_order(listing):
    officer, boss = privacy_officer(), supervisor()
    services.approve(listing, by=officer)
    assert listing.status is ListStatus.AWAITING_APPROVAL and listing.privacy_approved_by_id == officer.id
    services.approve(listing, by=boss)
    assert listing.status is ListStatus.APPROVED and listing.supervisor_approved_by_id == boss.id
    assert [e.details["as"] for e in audit_events("destruction_list.approve")] == ["privacy_officer", "supervisor"]


def test_the_same_person_approving_twice_is_refused(listing):
    officer = privacy_officer()
    services.approve(listing, by=officer)
    with pytest.raises(services.AlreadyApproved):
        services.approve(listing, by=officer)
    assert listing.status is ListStatus.AWAITING_APPROVAL
    assert last_event("destruction_list.approve").outcome is Outcome.DENIED


def test_one_person_holding_both_roles_cannot_give_both_approvals(listing):
    both = make_user(org=gemeente(), roles=["supervisor", "privacy_officer"])
    services.approve(listing, by=both)
    with pytest.raises(services.AlreadyApproved):
        services.approve(listing, by=both)
    assert listing.supervisor_approved_by_id is None and listing.status is ListStatus.AWAITING_APPROVAL


def test_two_supervisors_are_not_four_eyes(listing):
    services.approve(listing, by=supervisor())
    with pytest.raises(services.AlreadyApproved):
        services.approve(listing, by=supervisor())
    assert listing.status is ListStatus.AWAITING_APPROVAL


ROLES = [
    ("privacy_officer", OrganisationKind.MUNICIPALITY, True),
    ("supervisor", OrganisationKind.MUNICIPALITY, True),
    ("supervisor", OrganisationKind.ZVH, False),  # a partner's supervisor sees their organisation only
    ("coordinator", OrganisationKind.MUNICIPALITY, False),
    ("caseworker", OrganisationKind.ZVH, False),
    ("admin", OrganisationKind.MUNICIPALITY, False),
]


@pytest.mark.parametrize(("role", "kind", "allowed"), ROLES)
def test_policy_matrix(client, listing, role, kind, allowed):
    from tests.factories import login_as

    org = gemeente() if kind is OrganisationKind.MUNICIPALITY else make_org(kind=kind)
    user = make_user(org=org, roles=[role])
    actions = (
        Action.VIEW_DESTRUCTION_LISTS,
        Action.DRAW_UP_DESTRUCTION_LIST,
        Action.APPROVE_DESTRUCTION_LIST,
        Action.WITHHOLD_DESTRUCTION_ITEM,
    )
    for action in actions:
        assert can(user, action, listing) is allowed, action
    if not allowed:
        with pytest.raises(AccessDenied):
            services.approve(listing, by=user)
        with pytest.raises(AccessDenied):
            services.lists_for(user)
        with pytest.raises(AccessDenied):
            services.draw_up(AS_OF, by=user)
        item = listing.items[0]
        with pytest.raises(AccessDenied):
            services.withhold(item, by=user, reason="legal_hold")
        assert item.status is ItemStatus.LISTED
    list_id, version = listing.id, listing.version
    login_as(client, user)
    expected = 200 if allowed else 404
    assert client.get("/retention").status_code == expected
    assert client.get(f"/retention/{list_id}").status_code == expected
    response = client.post(f"/retention/{list_id}/approve", data={"version": version})
    assert response.status_code == (302 if allowed else 404)
    assert client.post("/retention/plan", data={"as_of": "2026-12-01"}).status_code == (302 if allowed else 404)
    assert (db.session.get(DestructionList, list_id).approvers == set()) is not allowed


def test_withholding_takes_the_case_documents_and_persons_off_with_a_reason_code(listing):
    case_item = next(i for i in listing.items if i.kind is ItemKind.CASE)
    with pytest.raises(RuleViolation):
        services.withhold(case_item, by=supervisor(), reason="omdat ik het zeg")
    services.withhold(case_item, by=supervisor(), reason="pending_request")
    assert {(i.status, i.withheld_reason) for i in (case_item, *case_item.children)} == {
        (ItemStatus.WITHHELD, "pending_request")
    }
    event = last_event("destruction_list.withhold")
    assert event.details["reason"] == "pending_request" and event.details["reference"] == case_item.reference


def test_nothing_comes_off_an_approved_list(listing):
    services.approve(listing, by=supervisor())
    services.approve(listing, by=privacy_officer())
    with pytest.raises(Conflict):
        services.withhold(listing.items[0], by=privacy_officer(), reason="legal_hold")


def test_a_stale_version_is_refused(listing):
    version = listing.version
    services.withhold(listing.items[0], by=supervisor(), reason="legal_hold")
    with pytest.raises(Conflict):
        services.approve(listing, by=privacy_officer(), version=version)


def test_the_command_approves_and_refuses_a_second_approval_by_the_same_person(app, listing):
    officer = privacy_officer("privacy.cli")
    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["retention", "approve", str(listing.id), "--by", "privacy.cli"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["retention", "approve", str(listing.id), "--by", "privacy.cli"])
    assert second.exit_code == 1 and "refused" in second.output
    nobody = runner.invoke(cli, ["retention", "approve", str(listing.id), "--by", "niemand"])
    assert nobody.exit_code == 1
    listing = db.session.get(DestructionList, listing.id)
    assert listing.privacy_approved_by_id == officer.id and listing.supervisor_approved_by_id is None


def test_a_document_goes_or_stays_with_its_case():
    from tests.documents.support import upload
    from tests.factories import make_case
    from tests.retention.support import close, participant

    case = make_case()
    upload(case, participant(case))
    close(case)
    listing = plan.draw_up(AS_OF)
    document_item = next(i for i in listing.items if i.kind is ItemKind.DOCUMENT)
    with pytest.raises(RuleViolation):
        services.withhold(document_item, by=supervisor(), reason="legal_hold")
    assert document_item.status is ItemStatus.LISTED
