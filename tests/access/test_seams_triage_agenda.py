"""Two more seams found by attacking the demo: the weegtafel could open a geheim case with a lead
and a procesregisseur who cannot see it (a case nobody can see), and break-the-glass — read only —
let a coordinator put a case on a casusoverleg agenda.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casebook.access import Refused
from casebook.access import break_glass as glass
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import Case
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.meetings import services as meetings
from casebook.meetings.models import AgendaItem
from casebook.signals import services as signals
from casebook.signals.models import TriageDecision
from tests.factories import (
    authorise_roles,
    make_case,
    make_case_type,
    make_meeting,
    make_org,
    make_person,
    make_signal,
    make_user,
)

REASON = "Acute melding van buren, context nodig voor inzet."


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


@pytest.mark.parametrize("who", ["lead", "process_coordinator"])
def test_the_weegtafel_never_opens_a_case_for_a_lead_or_procesregisseur_who_cannot_see_it(who):
    secret = make_case_type_geheim()
    zvh, wijkteam = make_org("zvh-seam"), make_org("wijkteam-seam")
    authorise_roles(secret, roles=["coordinator"], max_confidentiality=Confidentiality.GEHEIM, organisation=zvh)
    weigher = make_user(org=zvh, roles=["coordinator"])
    zvh_other = make_user(org=zvh, roles=["coordinator"])
    outsider = make_user(org=wijkteam, roles=["coordinator"])  # no authorisation for the type
    signal = make_signal(weigher, type=secret.code, persons=[make_person()])
    lead, coordinator = (wijkteam, outsider) if who == "lead" else (zvh, make_user(org=zvh, roles=["caseworker"]))
    before = _cases()
    with pytest.raises((CaseRuleError, Refused)):
        signals.triage(
            signal,
            signals.Triage(
                True, True, True, False, TriageDecision.OPEN_CASE, "Meerdere leefgebieden",
                lead_organisation_id=lead.id, process_coordinator_id=coordinator.id,
            ),
            by=weigher,
        )  # fmt: skip
    assert _cases() == before and not signal.is_triaged
    # the same triage with a lead and procesregisseur who can see the case goes through
    case = signals.triage(
        signal,
        signals.Triage(
            True, True, True, False, TriageDecision.OPEN_CASE, "Meerdere leefgebieden",
            lead_organisation_id=zvh.id, process_coordinator_id=zvh_other.id,
        ),
        by=weigher,
    )  # fmt: skip
    assert case.lead_organisation is zvh


def make_case_type_geheim():
    return make_case_type("geheim-seam", restricted=True, confidentiality=Confidentiality.GEHEIM)


def test_break_the_glass_never_puts_a_case_on_an_agenda():
    zvh = make_org("zvh-agenda")
    coordinator = make_user(org=zvh, roles=["coordinator"])
    case = make_case(lead=make_org("wijkteam-agenda"))
    glass.break_glass(coordinator, case.reference, REASON)
    meeting = make_meeting(coordinator, date(2026, 12, 10), organisations=[zvh])
    assert case not in meetings.agenda_candidates(coordinator, meeting)
    with pytest.raises(meetings.MeetingRefused, match="Geen casus met dit kenmerk"):  # as for an unknown one
        meetings.add_to_agenda(meeting, by=coordinator, reference=case.reference)
    assert db.session.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.case_id == case.id)) == 0
