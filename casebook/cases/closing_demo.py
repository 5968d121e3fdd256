"""Demo: a transferred case whose closing awaits the fallback supervisor.

The ZVH handed a case to wijkteam West (``handoffs.demo``); West has no teamleider in the demo, so
West's coordinator's proposal to close goes to the ZVH's supervisors (``zvh.supervisor`` sees the
decision form and a notification). Made through the services, so it carries its history, audit
events and notice. Idempotent: nothing is made while a West-led case has a proposal pending.
"""

from __future__ import annotations

from sqlalchemy import select

from casebook.auth.models import User
from casebook.cases import lifecycle
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import Case
from casebook.db import db
from casebook.organisations.models import Organisation

SUMMARY = "Dagbesteding loopt, schulden zijn in beheer; het netwerk rond betrokkene is stabiel."


def seed_closure_after_transfer() -> dict[str, int]:
    west = db.session.scalar(select(Organisation).where(Organisation.slug == "wijkteam-west"))
    coordinator = db.session.scalar(select(User).where(User.username == "wijkteam-west.coordinator"))
    if west is None or coordinator is None:
        return {"closures awaiting the fallback supervisor": 0}
    led = list(
        db.session.scalars(
            select(Case).where(Case.lead_organisation_id == west.id, Case.closed_at.is_(None)).order_by(Case.id)
        )
    )
    if any(c.closure_proposed_at is not None for c in led):
        return {"closures awaiting the fallback supervisor": 0}
    observed = [c for c in led if any(p.involvement.value == "observer" for p in c.active_participants)]
    # the case the ZVH handed over and still reads along in first (``handoffs.demo``)
    transferred = sorted(observed, key=lambda c: all(p.organisation.slug != "zvh" for p in c.active_participants))
    for case in transferred:
        results = lifecycle.results_for(case)
        if not results:
            continue
        try:
            if lifecycle.in_first_phase(case):
                step = lifecycle.next_status(case)
                lifecycle.transition(case, step.id, reason="", by=coordinator, expected_version=case.version)
            lifecycle.propose_closure(case, results[0].id, SUMMARY, by=coordinator, expected_version=case.version)
        except CaseRuleError:
            continue
        return {"closures awaiting the fallback supervisor": 1}
    return {"closures awaiting the fallback supervisor": 0}
