"""Faults of the policy's seams found by trying the demo as an attacker, beyond the issue's list:
a user moved to another organisation keeps no access through named participations or running
break-the-glass grants; an admin never also holds a case role (not even through a puppet
account); a break-the-glass verdict is given once and never silently overwritten.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook.access import Action, can, case_scope
from casebook.access import break_glass as glass
from casebook.access import services as grants
from casebook.access.models import ReviewStatus
from casebook.admin import services as admin_services
from casebook.auth.models import User
from casebook.auth.services import UserError, create_user
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db
from tests.factories import login_as, make_case, make_case_type, make_org, make_user
from tests.helpers import last_event

REASON = "Acute melding van buren, context nodig voor inzet."


def _visible(user) -> set[int]:
    return set(db.session.scalars(select(Case.id).where(case_scope(user))))


def test_a_named_participation_stops_counting_when_the_user_moves_organisation(client):
    zvh, housing = make_org("zvh-move"), make_org("woningcorporatie-move")
    worker = make_user(org=zvh, roles=["caseworker"])
    case = make_case(lead=make_org("wijkteam-move"))
    case.participants.append(CaseParticipant(organisation=zvh, user=worker, involvement=Involvement.CONTRIBUTOR))
    db.session.flush()
    assert can(worker, Action.ADD_NOTE, case) and case.id in _visible(worker)

    admin = make_user(org=make_org("gemeente-move"), roles=["admin"])
    assert admin_services.change_roles(admin, worker, list(worker.roles), housing)
    db.session.expire_all()
    assert not can(worker, Action.VIEW_CASE, case)
    assert not can(worker, Action.ADD_NOTE, case)
    assert case.id not in _visible(worker)  # the SQL twin agrees
    login_as(client, worker)
    assert client.get(f"/cases/{case.id}").status_code == 404


def test_moving_a_user_ends_their_running_break_the_glass_grants():
    police = make_org("politie-move")
    officer = make_user(org=police, roles=["caseworker"])
    case = make_case(lead=make_org("wijkteam-move2"))
    glass.break_glass(officer, case.reference, REASON)
    assert can(officer, Action.VIEW_CASE, case)
    admin = make_user(org=make_org("gemeente-move2"), roles=["admin"])
    admin_services.change_roles(admin, officer, list(officer.roles), make_org("veilig-thuis-move"))
    db.session.expire_all()
    assert not can(officer, Action.VIEW_CASE, case)
    assert last_event("break_glass.end_all", actor_user_id=admin.id).details == {"grants_ended": 1}


@pytest.mark.parametrize("case_role", ["caseworker", "coordinator", "supervisor"])
def test_an_admin_never_also_holds_a_case_role(case_role):
    org = make_org("gemeente-sep")
    with pytest.raises(UserError, match="scheiding van taken"):
        create_user("puppet.admin", "Puppet", org, ["admin", case_role], None)
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "puppet.admin")) == 0
    admin = make_user(org=org, roles=["admin"])
    other_admin = make_user(org=org, roles=["admin"])
    with pytest.raises(UserError, match="scheiding van taken"):
        admin_services.change_roles(admin, other_admin, ["admin", case_role], org)
    db.session.expire_all()
    assert set(map(str, other_admin.roles)) == {"admin"}


def test_no_authorisation_for_an_account_that_holds_the_admin_role():
    org = make_org("zvh-sep")
    # written directly, as an old database or a faulty import could hold it
    hybrid = make_user(org=org, roles=["admin", "coordinator"])
    granting_admin = make_user(org=make_org("gemeente-sep2"), roles=["admin"])
    with pytest.raises(grants.AuthorisationError, match="Functioneel beheerders"):
        grants.grant_authorisation(
            granting_admin,
            user=hybrid,
            case_type=make_case_type("radicalisation"),
            actions=[str(Action.VIEW_CASE)],
            max_confidentiality=Confidentiality.GEHEIM,
        )


def test_a_break_the_glass_verdict_is_given_once(client):
    wijkteam = make_org("wijkteam-verdict")
    officer = make_user(org=make_org("politie-verdict"), roles=["caseworker"])
    first, second = (make_user(org=wijkteam, roles=["supervisor"]) for _ in range(2))
    grant = glass.break_glass(officer, make_case(lead=wijkteam).reference, REASON)
    glass.review(first, grant, ReviewStatus.UNJUSTIFIED, "Geen spoed.")
    with pytest.raises(glass.ReviewConflict):
        glass.review(second, grant, ReviewStatus.JUSTIFIED, "")
    db.session.expire_all()
    assert (grant.review_status, grant.reviewed_by_id, grant.review_note) == (
        ReviewStatus.UNJUSTIFIED,
        first.id,
        "Geen spoed.",
    )
    login_as(client, second)
    response = client.post(f"/access/break-glass/{grant.id}/review", data={"verdict": "justified"})
    assert response.status_code == 409 and "al beoordeeld" in response.get_data(as_text=True)
    db.session.expire_all()
    assert grant.review_status is ReviewStatus.UNJUSTIFIED
