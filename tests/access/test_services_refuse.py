"""Every state-changing service refuses a user without the right, and writes nothing but the denial.

The services call the policy themselves (never their callers), so each is called here directly,
as a user who may not do it: it must raise the policy's refusal (``Refused``), leave every table
as it was, and add exactly one audit event — the denial.

The set of services is found by introspection: every public function of the modules in
``SERVICE_MODULES`` is either a case in ``REFUSALS`` or listed in ``EXEMPT`` with the reason it
needs no case (a read, a rule helper, a system job). A new service function therefore fails
``test_every_service_is_refused_or_exempt`` until someone writes its case — one line in the table.

To add a case: ``Refusal("module:function", lambda w: <the call as w.outsider or w.admin>)``.
``w`` is ``World``: a case full of content and the objects around it (meeting, handoffs, request,
signal, person, household), built fresh for every case.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from casebook import audit
from casebook.access import Refused
from casebook.audit.models import AuditEvent
from casebook.auth.models import Role
from casebook.cases import dossier_changes, editing, lifecycle, participants
from casebook.cases import services as cases
from casebook.cases.models import Involvement, SubjectRole
from casebook.confidentiality import Confidentiality
from casebook.db import Base, db
from casebook.handoffs import requests as transfer_requests
from casebook.handoffs import services as handoffs
from casebook.handoffs.models import HandoffKind, LegalBasis, SenderAfterTransfer
from casebook.households import services as households
from casebook.interventions import services as interventions
from casebook.interventions.models import InterventionKind
from casebook.journal import services as journal
from casebook.meetings import services as meetings
from casebook.organisations.models import OrganisationKind
from casebook.people import services as people
from casebook.people.models import Household, HouseholdMember, HouseholdRelation
from casebook.plans import evaluations as plan_evaluations
from casebook.plans import services as plans
from casebook.plans import steering
from casebook.reports import services as reports
from casebook.reports.filters import ReportFilters
from casebook.signals import services as signals
from casebook.signals.models import TriageDecision
from tests.documents.support import new_version, upload
from tests.factories import (
    make_action,
    make_case,
    make_case_type,
    make_goal,
    make_note,
    make_org,
    make_person,
    make_results,
    make_signal,
    make_user,
    status_of,
)
from tests.helpers import audit_events

SERVICE_MODULES = (
    "casebook.cases.services",
    "casebook.cases.lifecycle",
    "casebook.cases.participants",
    "casebook.cases.editing",
    "casebook.cases.dossier_changes",
    "casebook.plans.services",
    "casebook.plans.steering",
    "casebook.plans.evaluations",
    "casebook.interventions.services",
    "casebook.journal.services",
    "casebook.documents.services",
    "casebook.meetings.services",
    "casebook.handoffs.services.sending",
    "casebook.handoffs.services.deciding",
    "casebook.handoffs.requests",
    "casebook.signals.services",
    "casebook.people.services",
    "casebook.households.services",
    "casebook.reports.services",
)

READ = "a read: audited by the read itself and tested with its screen"
RULE = "a rule or choice helper: decides or lists, writes nothing"
SYSTEM = "a system job (no user): run by the command line, not on anyone's behalf"
INSIDE = "a step inside another service's transaction, never called on its own"

EXEMPT: dict[str, str] = {
    # cases
    "casebook.cases.services:list_for": READ,
    "casebook.cases.services:case_list_query": INSIDE + " (list_for, the export: the scope is in the query)",
    "casebook.cases.services:check_search": RULE,
    "casebook.cases.services:list_details": RULE,
    "casebook.cases.services:load_for": READ,
    "casebook.cases.services:next_reference": INSIDE + " (open_case)",
    "casebook.cases.lifecycle:local_date": RULE,
    "casebook.cases.lifecycle:check_version": RULE,
    "casebook.cases.lifecycle:case_change": INSIDE + " (the savepoint of every case change)",
    "casebook.cases.lifecycle:ordered_statuses": RULE,
    "casebook.cases.lifecycle:next_status": RULE,
    "casebook.cases.lifecycle:transition_targets": RULE,
    "casebook.cases.lifecycle:end_status": RULE,
    "casebook.cases.lifecycle:in_first_phase": RULE,
    "casebook.cases.lifecycle:may_propose_closure": RULE,
    "casebook.cases.lifecycle:results_for": RULE,
    "casebook.cases.lifecycle:record_opening": INSIDE + " (open_case)",
    "casebook.cases.lifecycle:pending_proposal": RULE,
    "casebook.cases.lifecycle:proposal_for_approval": READ,
    "casebook.cases.lifecycle:archive_action_date": RULE,
    "casebook.cases.participants:organisation_choices": RULE,
    "casebook.cases.participants:user_choices": RULE,
    "casebook.cases.editing:coordinator_choices": RULE,
    # plans
    "casebook.plans.services:plan_for": READ,
    "casebook.plans.services:evaluation_due": RULE,
    "casebook.plans.services:load_goal": READ,
    "casebook.plans.services:load_action": READ,
    "casebook.plans.services:owner_organisations": RULE,
    "casebook.plans.services:owner_users": RULE,
    "casebook.plans.services:open_actions_for": READ,
    "casebook.plans.services:open_action_counts_for": READ,
    "casebook.plans.services:overdue_actions_for": READ,
    "casebook.plans.services:evaluations_due_for": READ,
    "casebook.plans.services:goals_of": INSIDE + " (choices on a page that read the plan, audited)",
    "casebook.plans.services:evaluations_of": INSIDE + " (plan_for, evaluations_for: they check and audit)",
    "casebook.plans.services:check_goal_target": RULE,
    "casebook.plans.services:check_goal_owner": RULE,
    "casebook.plans.services:check_item_version": RULE,
    "casebook.plans.services:item_change": INSIDE + " (the savepoint of every goal or action change)",
    "casebook.plans.steering:read_action": READ,
    "casebook.plans.evaluations:participant_organisations": RULE,
    "casebook.plans.evaluations:evaluations_for": READ,
    "casebook.plans.services:open_actions_of": INSIDE + " (closing a case, a partner leaving: they decide)",
    "casebook.plans.services:withdraw_action": INSIDE + " (closing a case, a partner leaving: they decide)",
    "casebook.plans.services:reassign_action": INSIDE + " (a partner leaving, handing its actions over)",
    # documents
    "casebook.documents.services:max_bytes": RULE,
    "casebook.documents.services:document_types": RULE,
    "casebook.documents.services:documents_for": READ,
    "casebook.documents.services:load_document": READ,
    "casebook.documents.services:download": READ,
    "casebook.documents.services:open_version": INSIDE + " (download and the handoff's download authorise first)",
    "casebook.documents.services:may_upload": RULE,
    "casebook.documents.services:may_add_version": RULE,
    "casebook.documents.services:readable_by": RULE + " (the visibility clause the reads put in their SQL)",
    # interventions, journal
    "casebook.interventions.services:active_kinds": RULE,
    "casebook.interventions.services:participating_organisations": RULE,
    "casebook.interventions.services:balance": READ,
    "casebook.interventions.services:interventions_for": READ,
    "casebook.interventions.services:interventions_page": READ,
    "casebook.journal.services:notes_for": READ,
    "casebook.journal.services:notes_page": READ,
    "casebook.journal.services:load_note": READ,
    # meetings
    "casebook.meetings.services:meeting_scope": RULE,
    "casebook.meetings.services:can_manage": RULE,
    "casebook.meetings.services:require_manage": RULE,
    "casebook.meetings.services:meetings_for": READ,
    "casebook.meetings.services:load_meeting": READ,
    "casebook.meetings.services:visible_items": READ,
    "casebook.meetings.services:read_item": READ,
    "casebook.meetings.services:minutes": READ,
    "casebook.meetings.services:load_item": READ,
    "casebook.meetings.services:inviteable_organisations": RULE,
    "casebook.meetings.services:agenda_candidates": READ,
    "casebook.meetings.services:case_agenda": READ,
    # handoffs and transfer requests
    "casebook.handoffs.services.deciding:eligible_process_coordinators": RULE,
    "casebook.handoffs.services.deciding:expire_due": SYSTEM,
    "casebook.handoffs.requests:load_for": READ,
    "casebook.handoffs.requests:expire_due": SYSTEM,
    # signals
    "casebook.signals.services:load_signal_for": READ,
    "casebook.signals.services:may_edit": RULE,
    "casebook.signals.services:view_for": READ + " (of a signal its loader authorised)",
    "casebook.signals.services:overdue_after": RULE,
    "casebook.signals.services:local_today": RULE,
    "casebook.signals.services:queue": READ,
    "casebook.signals.services:queue_page": READ,
    "casebook.signals.services:queue_counts": READ,
    "casebook.signals.services:inclusion_met": RULE,
    "casebook.signals.services:coordinators_of": RULE,
    "casebook.signals.services:lead_choices": RULE,
    "casebook.cases.lifecycle:accepts_changes": RULE,
    "casebook.cases.lifecycle:require_open": RULE,
    "casebook.signals.services:origin_for": READ,
    # reports (aggregates: a build is refused by the policy before any query)
    "casebook.reports.services:available": RULE,
    "casebook.reports.services:parse": RULE + " (the filters within the scope context_for checked)",
    "casebook.reports.services:threshold": RULE,
    # people and households
    "casebook.people.services:require_search": RULE,
    "casebook.people.services:search_persons": READ,
    "casebook.people.services:check_register": READ + " (the duplicate check, audited as person.search)",
    "casebook.people.services:require_bsn_processing": RULE,
    "casebook.people.services:create_person": INSIDE + " (register_person, create_person_for_signal: needs the"
    " RegisterCheck that the policy-checked check_register returns)",
    "casebook.people.services:find_duplicates": READ,
    "casebook.people.services:load_person_for": READ,
    "casebook.people.services:cases_of_person": READ,
    "casebook.households.services:visible_cases": READ,
    "casebook.households.services:load_household_for": READ,
    "casebook.households.services:members_with_cases": READ,
    "casebook.households.services:coordination_of": READ,
    "casebook.households.services:coordinator_choices": RULE,
    "casebook.households.services:may_set_coordinator": RULE,
    "casebook.households.services:coordination_version": RULE,
}


class World:
    """A youth case led by ZVH with a contributing wijkteam and content of every kind, and the
    objects around it. ``outsider``: a police user with every case role (coordinator, caseworker,
    supervisor) but no relation to anything here; ``admin``: a user with no case role at all."""

    def __init__(self) -> None:
        today = date.today()
        self.today = today
        zvh = make_org("zvh", kind=OrganisationKind.ZVH)
        west = make_org("wijkteam-west", kind=OrganisationKind.WIJKTEAM)
        police = make_org("politie", kind=OrganisationKind.POLICE)
        self.zvh, self.west = zvh, west
        self.partner = make_org("ggz", kind=OrganisationKind.MENTAL_HEALTH)  # receives referrals
        self.coordinator = make_user("zvh.coordinator", zvh, [Role.COORDINATOR])
        self.worker = make_user("zvh.worker", zvh, [Role.CASEWORKER])
        self.west_coordinator = make_user("west.coordinator", west, [Role.COORDINATOR])
        self.outsider = make_user("police.all", police, [Role.COORDINATOR, Role.CASEWORKER, Role.SUPERVISOR])
        self.admin = make_user("zvh.admin", zvh, [Role.ADMIN])
        self.restricted_type = make_case_type("radicalisation", restricted=True)
        self.person = make_person("Refusalsen")
        self.case = make_case(lead=zvh, participants=[(west, Involvement.CONTRIBUTOR)], subjects=[self.person])
        make_results(self.case.case_type)
        self.goal = make_goal(self.case, self.worker)
        self.action = make_action(self.case, self.worker, today + timedelta(days=3), goal=self.goal, today=today)
        self.note = make_note(self.case, self.worker)
        self.document = upload(self.case, self.worker)
        self.kind = db.session.scalar(select(InterventionKind).where(InterventionKind.code == "gesprek"))
        self.meeting = meetings.schedule_meeting(
            by=self.coordinator, title="Casusoverleg", held_on=today, organisations=[west], today=today
        )
        self.item = meetings.add_to_agenda(self.meeting, by=self.coordinator, reference=self.case.reference)
        self.basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant"))
        self.draft = handoffs.draft(self.case, self.referral_input(), by=self.worker)
        self.transfer = handoffs.send(self.case, self.transfer_input(), by=self.coordinator)
        self.signal = make_signal(self.worker)
        self.household = Household(reference="HH-REFUSE-1")
        self.household.members.append(HouseholdMember(person=self.person, relation=HouseholdRelation.CHILD))
        db.session.add(self.household)
        db.session.flush()

    def transfer_input(self) -> handoffs.HandoffInput:
        return handoffs.HandoffInput(
            kind=HandoffKind.TRANSFER,
            receiver=self.west,
            summary="Regie past beter bij het wijkteam.",
            legal_basis=self.basis,
            person_informed=True,
            sender_after=SenderAfterTransfer.OBSERVER,
        )

    def referral_input(self) -> handoffs.HandoffInput:
        return handoffs.HandoffInput(
            kind=HandoffKind.REFERRAL,
            receiver=self.partner,
            summary="Verwijzing voor schuldhulp.",
            legal_basis=self.basis,
            person_informed=True,
            receiver_involvement=Involvement.CONTRIBUTOR,
        )

    def transfer_request(self):
        """A pending request of the contributing wijkteam (the pending transfer withdrawn first)."""
        handoffs.cancel(self.transfer, by=self.coordinator)
        return transfer_requests.create(self.case.reference, "Wij kennen het gezin het best.", by=self.west_coordinator)


@dataclass(frozen=True)
class Refusal:
    service: str  # "module:function"
    call: Callable[[World], Any]  # the call as a user without the right
    xfail: str | None = None  # a known defect of that module, to be fixed there (strict: fails when fixed)

    def __str__(self) -> str:
        return self.service


REFUSALS: list[Refusal] = [
    # --- cases ---------------------------------------------------------------------------------
    Refusal(
        "casebook.cases.services:open_case",
        lambda w: cases.open_case(cases.NewCase(w.restricted_type, w.outsider.organisation), by=w.outsider),
    ),
    Refusal(
        "casebook.cases.lifecycle:transition",
        lambda w: lifecycle.transition(
            w.case, status_of(w.case, "plan_van_aanpak").id, reason="", by=w.outsider, expected_version=w.case.version
        ),
    ),
    Refusal(
        "casebook.cases.lifecycle:propose_closure",
        lambda w: lifecycle.propose_closure(
            w.case, lifecycle.results_for(w.case)[0].id, "Klaar.", by=w.outsider, expected_version=w.case.version
        ),
    ),
    Refusal(
        "casebook.cases.lifecycle:decide_closure",
        lambda w: lifecycle.decide_closure(
            w.case, approve=True, comment="", by=w.outsider, expected_version=w.case.version
        ),
    ),
    Refusal(
        "casebook.cases.lifecycle:reopen",
        lambda w: lifecycle.reopen(
            w.case, status_of(w.case, "nazorg").id, reason="x", by=w.outsider, expected_version=w.case.version
        ),
    ),
    Refusal(
        "casebook.cases.participants:add_participant",
        lambda w: participants.add_participant(
            w.case, w.outsider.organisation_id, Involvement.CONTRIBUTOR, by=w.outsider
        ),
    ),
    Refusal(
        "casebook.cases.participants:end_participant",
        lambda w: participants.end_participant(w.case, w.case.participants[-1].id, by=w.outsider),
    ),
    Refusal(
        "casebook.cases.editing:update_case",
        lambda w: editing.update_case(
            w.case,
            editing.CaseEdit(None, Confidentiality.VERTROUWELIJK, None, None),
            by=w.outsider,
            expected_version=w.case.version,
        ),
    ),
    Refusal(
        "casebook.cases.dossier_changes:update_summary",
        lambda w: dossier_changes.update_summary(
            w.case, dossier_changes.SummaryEdit("x", None), by=w.outsider, expected_version=w.case.version
        ),
    ),
    Refusal(
        "casebook.cases.dossier_changes:set_flags",
        lambda w: dossier_changes.set_flags(w.case, ["agressie"], by=w.outsider, expected_version=w.case.version),
    ),
    # --- plans, interventions, journal -----------------------------------------------------------
    Refusal(
        "casebook.plans.services:add_goal", lambda w: plans.add_goal(w.case, by=w.outsider, domain="housing", text="x")
    ),
    Refusal(
        "casebook.plans.services:add_action",
        lambda w: plans.add_action(
            w.case, by=w.outsider, description="x", owner_organisation=w.zvh, due_on=w.today, today=w.today
        ),
    ),
    Refusal(
        "casebook.plans.services:change_action_status",
        lambda w: plans.change_action_status(w.action, by=w.outsider, status="done"),
    ),
    Refusal(
        "casebook.plans.steering:edit_goal",
        lambda w: steering.edit_goal(
            w.goal,
            by=w.outsider,
            text="x",
            target_on=None,
            status="achieved",
            owner_organisation=None,
            expected_version=w.goal.version,
        ),
    ),
    Refusal(
        "casebook.plans.steering:edit_action",
        lambda w: steering.edit_action(
            w.action,
            by=w.outsider,
            description="x",
            due_on=w.today,
            owner_organisation=w.zvh,
            owner_user=None,
            expected_version=w.action.version,
            today=w.today,
        ),
    ),
    Refusal(
        "casebook.plans.steering:move_action",
        lambda w: steering.move_action(w.action, by=w.outsider, goal=w.goal, expected_version=w.action.version),
    ),
    Refusal(
        "casebook.plans.evaluations:record_evaluation",
        lambda w: plan_evaluations.record_evaluation(
            w.case,
            by=w.outsider,
            held_on=w.today,
            participants=[w.zvh],
            goals=[],
            decision="close",
            next_evaluation_on=None,
            expected_version=w.case.version,
            today=w.today,
        ),
    ),
    Refusal(
        "casebook.plans.services:set_next_evaluation",
        lambda w: plans.set_next_evaluation(
            w.case, by=w.outsider, on=w.today, expected_version=w.case.version, today=w.today
        ),
    ),
    Refusal(
        "casebook.plans.services:set_case_manager",
        lambda w: plans.set_case_manager(w.case, by=w.outsider, manager=w.worker, expected_version=w.case.version),
    ),
    Refusal(
        "casebook.interventions.services:add_intervention",
        lambda w: interventions.add_intervention(
            w.case, by=w.outsider, kind=w.kind, occurred_on=w.today, organisation=w.zvh, today=w.today
        ),
    ),
    Refusal(
        "casebook.journal.services:add_note",
        lambda w: journal.add_note(w.case, by=w.outsider, body="x", visibility="shared"),
    ),
    Refusal("casebook.journal.services:correct_note", lambda w: journal.correct_note(w.note, by=w.outsider, body="x")),
    # --- documents -------------------------------------------------------------------------------
    Refusal("casebook.documents.services:upload_document", lambda w: upload(w.case, w.outsider)),
    Refusal("casebook.documents.services:add_version", lambda w: new_version(w.document, w.outsider)),
    # --- meetings --------------------------------------------------------------------------------
    Refusal(
        "casebook.meetings.services:schedule_meeting",
        lambda w: meetings.schedule_meeting(by=w.admin, title="x", held_on=w.today, organisations=[], today=w.today),
    ),
    Refusal(
        "casebook.meetings.services:add_to_agenda",
        lambda w: meetings.add_to_agenda(w.meeting, by=w.outsider, reference=w.case.reference),
    ),
    Refusal(
        "casebook.meetings.services:remove_from_agenda", lambda w: meetings.remove_from_agenda(w.item, by=w.outsider)
    ),
    Refusal(
        "casebook.meetings.services:record_decision",
        lambda w: meetings.record_decision(
            w.item, by=w.outsider, decision="x", expected_version=w.item.decision_version, today=w.today
        ),
    ),
    Refusal(
        "casebook.meetings.services:add_meeting_action",
        lambda w: meetings.add_meeting_action(
            w.item, by=w.outsider, today=w.today, description="x", owner_organisation=w.zvh, due_on=w.today
        ),
    ),
    # --- handoffs and transfer requests ------------------------------------------------------------
    Refusal(
        "casebook.handoffs.services.sending:draft", lambda w: handoffs.draft(w.case, w.referral_input(), by=w.outsider)
    ),
    Refusal(
        "casebook.handoffs.services.sending:send", lambda w: handoffs.send(w.case, w.referral_input(), by=w.outsider)
    ),
    Refusal("casebook.handoffs.services.sending:send_draft", lambda w: handoffs.send_draft(w.draft, by=w.outsider)),
    Refusal(
        "casebook.handoffs.services.deciding:accept",
        lambda w: handoffs.accept(w.transfer, by=w.outsider, process_coordinator=w.outsider),
    ),
    Refusal(
        "casebook.handoffs.services.deciding:reject", lambda w: handoffs.reject(w.transfer, by=w.outsider, reason="x")
    ),
    Refusal("casebook.handoffs.services.deciding:cancel", lambda w: handoffs.cancel(w.transfer, by=w.outsider)),
    Refusal("casebook.handoffs.services.deciding:complete", lambda w: handoffs.complete(w.transfer, by=w.outsider)),
    Refusal(
        "casebook.handoffs.requests:create",
        lambda w: transfer_requests.create(w.case.reference, "x", by=w.admin),
    ),
    Refusal(
        "casebook.handoffs.requests:decline",
        lambda w: transfer_requests.decline(w.request, by=w.outsider, reason="x"),
    ),
    Refusal("casebook.handoffs.requests:withdraw", lambda w: transfer_requests.withdraw(w.request, by=w.outsider)),
    # --- signals -----------------------------------------------------------------------------------
    Refusal(
        "casebook.signals.services:register_signal",
        lambda w: signals.register_signal(
            signals.NewSignal(w.admin.organisation_id, w.signal.channel, w.case.case_type_id, None, "x", True),
            by=w.admin,
        ),
    ),
    Refusal(
        "casebook.signals.services:link_person",
        lambda w: signals.link_person(w.signal, w.person.id, SubjectRole.SUBJECT, None, by=w.admin),
    ),
    Refusal(
        "casebook.signals.services:create_person_for_signal",
        lambda w: signals.create_person_for_signal(
            w.signal, None, SubjectRole.SUBJECT, confirmed_distinct=set(), by=w.admin, today=w.today
        ),
    ),
    Refusal(
        "casebook.signals.services:unlink_person",
        lambda w: signals.unlink_person(w.signal, None, by=w.admin),
    ),
    Refusal(
        "casebook.signals.services:triage",
        lambda w: signals.triage(
            w.signal,
            signals.Triage(False, False, False, False, TriageDecision.ADVICE, "x"),
            by=w.admin,
        ),
    ),
    # --- reports -------------------------------------------------------------------------------------
    Refusal("casebook.reports.services:reader_scope", lambda w: reports.reader_scope(w.admin)),
    Refusal("casebook.reports.services:context_for", lambda w: reports.context_for(w.worker, "caseload")),
    Refusal(
        "casebook.reports.services:build_report",
        lambda w: reports.build_report(w.admin, "caseload", ReportFilters(w.today - timedelta(days=30), w.today)),
    ),
    # --- people and households ---------------------------------------------------------------------
    Refusal(
        "casebook.people.services:register_person",
        lambda w: people.register_person(
            w.outsider, w.case, people.PersonData("Nieuw", date(2001, 1, 1)), role=SubjectRole.SUBJECT
        ),
    ),
    Refusal("casebook.people.services:reveal_bsn", lambda w: people.reveal_bsn(w.admin, w.person)),
    Refusal(
        "casebook.households.services:set_coordinator",
        lambda w: households.set_coordinator(
            w.household, [w.case], w.coordinator.id, by=w.outsider, expected_version=0
        ),
    ),
]


def _public_functions(module_name: str) -> set[str]:
    module = importlib.import_module(module_name)
    return {
        f"{module_name}:{name}"
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and value.__module__ == module_name
    }


def test_every_service_is_refused_or_exempt():
    found = set().union(*(_public_functions(name) for name in SERVICE_MODULES))
    covered = {refusal.service for refusal in REFUSALS}
    assert not covered & set(EXEMPT), "a service is both covered and exempt"
    missing = found - covered - set(EXEMPT)
    assert not missing, f"new service functions: add a Refusal (or an EXEMPT reason) for {sorted(missing)}"
    gone = (covered | set(EXEMPT)) - found
    assert not gone, f"listed but no longer there: {sorted(gone)}"


def _row_counts() -> dict[str, int]:
    db.session.flush()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
        if table.name != AuditEvent.__tablename__
    }


def _last_seq() -> int:
    audit.seal_pending()  # the set-up's events: record() chains at commit
    return db.session.scalar(select(func.max(AuditEvent.seq))) or 0


@pytest.mark.parametrize(
    "refusal",
    [pytest.param(r, marks=pytest.mark.xfail(reason=r.xfail, strict=True)) if r.xfail else r for r in REFUSALS],
    ids=str,
)
def test_a_service_refuses_and_writes_nothing_but_the_denial(app, refusal):
    with app.test_request_context():
        world = World()
        if refusal.service.startswith("casebook.handoffs.requests:") and refusal.service != (
            "casebook.handoffs.requests:create"
        ):
            world.request = world.transfer_request()
        before, last = _row_counts(), _last_seq()
        with pytest.raises(Refused):
            refusal.call(world)
        assert _row_counts() == before, "the refused call wrote rows"
        events = [e for e in audit_events() if e.seq > last]
        assert [(e.action, str(e.outcome)) for e in events if str(e.outcome) != "denied"] == []
        assert len(events) == 1, [(e.action, str(e.outcome)) for e in events]
