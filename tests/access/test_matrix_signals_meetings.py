"""The authorisation matrix for signals and the casusoverleg, as tables.

Signals: role × relation (registered it, or not) × type (open; restricted and authorised for it;
restricted and authorised only below its default confidentiality) → view / weigh.
Meetings: role × relation to the meeting (organiser, invited, other) × relation to the case on
the agenda (takes part, or not) → view the meeting / run it / see the item / read its decision.

Each cell runs through the policy, the loader (outcome and audit event) and the screen.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.meetings import preparation
from casebook.meetings import services as meetings
from casebook.meetings.briefs import agenda_for
from casebook.meetings.models import AgendaItem, Meeting, MeetingInvitation
from casebook.signals import services as signals
from tests.access.helpers import add_participant
from tests.factories import authorise_roles, login_as, make_case, make_case_type, make_org, make_signal, make_user
from tests.helpers import last_event
from tests.printing.support import all_text, read_pdf

ROLES = ("caseworker", "coordinator", "supervisor", "admin")
WORK = {"caseworker", "coordinator"}

# --- signals ------------------------------------------------------------------------------------

S_RELATIONS = ("registrant", "other")
S_TYPES = ("open", "restricted_authorised", "restricted_below_default")
S_CELLS = list(itertools.product(ROLES, S_RELATIONS, S_TYPES))


def signal_expected(role: str, relation: str, type_: str, action: Action) -> bool:
    weighs = role == "coordinator" and type_ != "restricted_below_default"
    if action is Action.TRIAGE_SIGNALS:
        return weighs
    return weighs or (relation == "registrant" and role in WORK)


def build_signal(role: str, relation: str, type_: str):
    home = make_org()
    user = make_user(org=home, roles=[role])
    if type_ == "open":
        case_type = make_case_type("matrix-open")
    else:
        case_type = make_case_type(f"matrix-{type_}", restricted=True, confidentiality=Confidentiality.GEHEIM)
        maximum = Confidentiality.GEHEIM if type_ == "restricted_authorised" else Confidentiality.VERTROUWELIJK
        authorise_roles(case_type, roles=[role], max_confidentiality=maximum, organisation=home)
    registrant = user if relation == "registrant" else make_user(org=make_org(), roles=["caseworker"])
    return user, make_signal(registrant, type=case_type.code)


@pytest.mark.parametrize(("role", "relation", "type_"), S_CELLS)
def test_signal_cell(client, role, relation, type_):
    user, signal = build_signal(role, relation, type_)
    for action in (Action.VIEW_SIGNAL, Action.TRIAGE_SIGNALS):
        assert can(user, action, signal) is signal_expected(role, relation, type_, action), action
    visible = signal_expected(role, relation, type_, Action.VIEW_SIGNAL)
    if visible:
        assert signals.load_signal_for(user, signal.id) is signal
    else:
        with pytest.raises(AccessDenied):
            signals.load_signal_for(user, signal.id)
    assert last_event("signal.view", actor_user_id=user.id).outcome is (Outcome.ALLOWED if visible else Outcome.DENIED)
    if role == "coordinator":
        listed = signal in [i.signal for i in signals.queue(user)]
        assert listed is signal_expected(role, relation, type_, Action.TRIAGE_SIGNALS)
        assert signals.queue_counts(user)[0] == int(listed)
    signal_id, reference = signal.id, signal.reference
    login_as(client, user)
    assert client.get(f"/signals/{signal_id}").status_code == (200 if visible else 404)
    if role == "coordinator":
        assert (reference in client.get("/signals").get_data(as_text=True)) is signal_expected(
            role, relation, type_, Action.TRIAGE_SIGNALS
        )


# --- meetings -----------------------------------------------------------------------------------

M_RELATIONS = ("organiser", "invited", "other")
CASE_RELATIONS = ("takes_part", "not")
M_CELLS = list(itertools.product(ROLES, M_RELATIONS, CASE_RELATIONS))
DECISION = "Besluit: schuldhulp en huisbezoek."


def meeting_expected(role: str, relation: str, case_relation: str, action: Action) -> bool:
    sees_meeting = role != "admin" and relation != "other"
    if action is Action.VIEW_MEETING:
        return sees_meeting
    if action is Action.MANAGE_MEETINGS:
        return role == "coordinator" and relation == "organiser"
    sees_item = sees_meeting and case_relation == "takes_part"
    if action is Action.VIEW_AGENDA_ITEM:
        return sees_item
    return sees_item and role in WORK  # the decision is case content: not for supervisors


def build_meeting(role: str, relation: str, case_relation: str):
    home, organiser, lead = make_org(), make_org(), make_org()
    user = make_user(org=home, roles=[role])
    meeting = Meeting(
        title="Casusoverleg",
        held_on=date.today() - timedelta(days=1),
        organiser_organisation_id=(home if relation == "organiser" else organiser).id,
    )
    meeting.invitations.append(MeetingInvitation(organisation=organiser))
    if relation == "invited":
        meeting.invitations.append(MeetingInvitation(organisation=home))
    db.session.add(meeting)
    case = make_case(lead=lead)
    if case_relation == "takes_part":
        add_participant(case, home, Involvement.CONTRIBUTOR)
    item = AgendaItem(meeting=meeting, case=case, position=1, decided_at=utcnow(), decision_ciphertext=None)
    item.decision = DECISION
    db.session.add(item)
    db.session.flush()
    return user, meeting, item


ACTIONS = (Action.VIEW_MEETING, Action.MANAGE_MEETINGS, Action.VIEW_AGENDA_ITEM, Action.READ_AGENDA_DECISION)


@pytest.mark.parametrize(("role", "relation", "case_relation"), M_CELLS)
def test_meeting_cell(client, role, relation, case_relation):
    user, meeting, item = build_meeting(role, relation, case_relation)
    for action in ACTIONS:
        obj = meeting if action in (Action.VIEW_MEETING, Action.MANAGE_MEETINGS) else item
        assert can(user, action, obj) is meeting_expected(role, relation, case_relation, action), action
    sees = meeting_expected(role, relation, case_relation, Action.VIEW_MEETING)
    sees_item = meeting_expected(role, relation, case_relation, Action.VIEW_AGENDA_ITEM)
    reads = meeting_expected(role, relation, case_relation, Action.READ_AGENDA_DECISION)
    if sees:
        assert meetings.load_meeting(user, meeting.id) is meeting
        assert meetings.visible_items(user, meeting) == ([item] if sees_item else [])
    else:
        with pytest.raises(AccessDenied):
            meetings.load_meeting(user, meeting.id)
        assert last_event("meeting.view", actor_user_id=user.id).outcome is Outcome.DENIED
    meeting_id, item_id = meeting.id, item.id
    login_as(client, user)
    page = client.get(f"/meetings/{meeting_id}")
    assert page.status_code == (200 if sees else 404)
    assert (DECISION in page.get_data(as_text=True)) is reads
    item_page = client.get(f"/meetings/{meeting_id}/items/{item_id}")
    assert item_page.status_code == (200 if sees_item else 404)
    assert (DECISION in item_page.get_data(as_text=True)) is reads
    # the preparation's screens and the verslag: run by who manages, read as the meeting page
    manages = meeting_expected(role, relation, case_relation, Action.MANAGE_MEETINGS)
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == (200 if manages else 404)
    report = client.get(f"/meetings/{meeting_id}/report.pdf")
    assert report.status_code == (200 if sees else 404)
    if sees:
        assert (DECISION in all_text(read_pdf(report.data))) is reads


@pytest.mark.parametrize(("role", "relation", "case_relation"), M_CELLS)
def test_agenda_brief_cell(role, relation, case_relation):
    """What the agenda hands out per item: present for viewers of the case, its content for readers of it."""
    user, meeting, item = build_meeting(role, relation, case_relation)
    if not meeting_expected(role, relation, case_relation, Action.VIEW_MEETING):
        return
    briefs = agenda_for(user, meeting)
    assert [b.item for b in briefs] == (
        [item] if meeting_expected(role, relation, case_relation, Action.VIEW_AGENDA_ITEM) else []
    )
    reads = meeting_expected(role, relation, case_relation, Action.READ_AGENDA_DECISION)
    assert all(b.content is reads and (b.decision == DECISION) is reads for b in briefs)


@pytest.mark.parametrize(("role", "relation", "case_relation"), M_CELLS)
def test_agenderen_cell(client, role, relation, case_relation):
    """Putting a case on a coming meeting from the case: a coordinator taking part in the case, on a
    meeting of their own organisation; a case they may not place is a 404, a meeting not theirs a 422."""
    user, meeting, _item = build_meeting(role, relation, case_relation)
    meeting.held_on = date.today() + timedelta(days=1)
    case = make_case(lead=meeting.invitations[0].organisation)
    if case_relation == "takes_part":
        add_participant(case, user.organisation, Involvement.CONTRIBUTOR)
    places = role == "coordinator" and case_relation == "takes_part"
    assert can(user, Action.PLACE_ON_AGENDA, case) is places
    offered = places and relation == "organiser"
    assert preparation.meetings_open_for(user, case) == ([meeting] if offered else [])
    case_id, meeting_id = case.id, meeting.id
    db.session.commit()
    login_as(client, user)
    response = client.post(f"/cases/{case_id}/agenda", data={"meeting": str(meeting_id)})
    assert response.status_code == (303 if offered else 422 if places else 404)
