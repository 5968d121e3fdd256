"""A property-based test: random sequences of create, add/remove participant, name a user, hand over
the lead, break the glass and read, compared with a small reference model of who may see a case.
The audit chain must verify at the end of every run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule, run_state_machine_as_test

from casebook import audit
from casebook.access import AccessDenied, Action, can
from casebook.access import break_glass as glass
from casebook.audit import Outcome, chain
from casebook.cases import services as cases
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.pagination import PageRequest
from tests.factories import make_case, make_case_type, make_org, make_user
from tests.helpers import last_event

ROLES = ("caseworker", "coordinator", "supervisor", "caseworker")  # user i belongs to organisation i % 3
REASON = "Spoedeisende situatie, toegang nodig voor veiligheid."


@dataclass
class ModelCase:
    lead: int
    secret: bool
    organisations: dict[int, Involvement] = field(default_factory=dict)
    named: set[int] = field(default_factory=set)
    glass: set[int] = field(default_factory=set)


class PolicyMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.orgs = [make_org() for _ in range(3)]
        self.users = [make_user(org=self.orgs[i % 3], roles=[role]) for i, role in enumerate(ROLES)]
        self.case_type = make_case_type("model")  # every case role authorised up to vertrouwelijk
        self.model: dict[int, ModelCase] = {}

    # --- the reference model -------------------------------------------------------------
    def expected_view(self, user_index: int, case_id: int) -> bool:
        m, role = self.model[case_id], ROLES[user_index]
        if m.secret:
            return False
        if (user_index % 3) in m.organisations or user_index in m.named:
            return True
        return user_index in m.glass and role in ("caseworker", "coordinator")

    def expected_write(self, user_index: int, case_id: int) -> bool:
        """Lead and contributor organisations and named users write; observers and glass breakers read."""
        m = self.model[case_id]
        if m.secret or ROLES[user_index] == "supervisor":
            return False
        involvement = m.organisations.get(user_index % 3)
        return user_index in m.named or involvement in (Involvement.LEAD, Involvement.CONTRIBUTOR)

    # --- rules ---------------------------------------------------------------------------
    @rule(target=cases, lead=st.integers(0, 2), secret=st.booleans())
    def create(self, lead, secret):
        level = Confidentiality.GEHEIM if secret else Confidentiality.ZAAKVERTROUWELIJK
        case = make_case(lead=self.orgs[lead], type="model", confidentiality=level)
        self.model[case.id] = ModelCase(lead, secret, {lead: Involvement.LEAD})
        return case.id

    def _end(self, case: Case, org_index: int) -> None:
        for p in case.participants:
            if p.organisation_id == self.orgs[org_index].id and p.user_id is None and p.ended_at is None:
                p.ended_at = utcnow()

    @rule(case_id=cases, org=st.integers(0, 2), observer=st.booleans())
    def add_participant(self, case_id, org, observer):
        m = self.model[case_id]
        if org in m.organisations:
            return
        involvement = Involvement.OBSERVER if observer else Involvement.CONTRIBUTOR
        case = db.session.get(Case, case_id)  # held: the session keeps objects only weakly
        case.participants.append(CaseParticipant(organisation=self.orgs[org], involvement=involvement))
        db.session.flush()
        m.organisations[org] = involvement

    @rule(case_id=cases, org=st.integers(0, 2))
    def remove_participant(self, case_id, org):
        m = self.model[case_id]
        if org == m.lead or org not in m.organisations:
            return
        self._end(db.session.get(Case, case_id), org)
        db.session.flush()
        del m.organisations[org]

    @rule(case_id=cases, user=st.integers(0, len(ROLES) - 1))
    def name_user(self, case_id, user):
        named, case = self.users[user], db.session.get(Case, case_id)
        case.participants.append(
            CaseParticipant(organisation=named.organisation, user=named, involvement=Involvement.CONTRIBUTOR)
        )
        db.session.flush()
        self.model[case_id].named.add(user)

    @rule(case_id=cases, org=st.integers(0, 2))
    def hand_over(self, case_id, org):
        m = self.model[case_id]
        if org == m.lead:
            return
        case = db.session.get(Case, case_id)
        self._end(case, m.lead)
        self._end(case, org)
        case.lead_organisation = self.orgs[org]
        case.participants.append(CaseParticipant(organisation=self.orgs[org], involvement=Involvement.LEAD))
        db.session.flush()
        del m.organisations[m.lead]
        m.lead, m.organisations[org] = org, Involvement.LEAD

    @rule(case_id=cases, user=st.integers(0, len(ROLES) - 1))
    def break_the_glass(self, case_id, user):
        m, actor = self.model[case_id], self.users[user]
        reference = db.session.get(Case, case_id).reference
        may_break = ROLES[user] in ("caseworker", "coordinator") and not m.secret
        if may_break and self.expected_view(user, case_id):
            with pytest.raises(glass.BreakGlassError):
                glass.break_glass(actor, reference, REASON)
        elif may_break:
            glass.break_glass(actor, reference, REASON)
            m.glass.add(user)
            assert last_event("case.break_glass", actor_user_id=actor.id).case_id == case_id
        else:
            with pytest.raises(AccessDenied):
                glass.break_glass(actor, reference, REASON)
            assert last_event("case.break_glass", actor_user_id=actor.id).outcome is Outcome.DENIED

    @rule(case_id=cases, user=st.integers(0, len(ROLES) - 1))
    def read(self, case_id, user):
        actor, expected = self.users[user], self.expected_view(user, case_id)
        case = db.session.get(Case, case_id)
        assert can(actor, Action.VIEW_CASE, case) is expected
        if expected:
            assert cases.load_for(actor, case_id) is case
        else:
            with pytest.raises(AccessDenied):
                cases.load_for(actor, case_id)
        event = last_event("case.view", actor_user_id=actor.id)
        assert (event.case_id, event.outcome) == (case_id, Outcome.ALLOWED if expected else Outcome.DENIED)
        listed = {c.id for c in cases.list_for(actor, cases.CaseFilters(), PageRequest(per_page=500)).items}
        assert (case_id in listed) is expected
        assert can(actor, Action.ADD_NOTE, case) is self.expected_write(user, case_id)

    def teardown(self) -> None:
        result = chain.verify(db.session(), audit.chain_key())
        assert result.ok, result.describe()


def test_policy_matches_the_reference_model():
    run_state_machine_as_test(
        PolicyMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
