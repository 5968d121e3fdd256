"""Data-driven sharing rules: who may receive a case, which legal bases exist.

``receivers_allowed_for(case)`` is a contract other modules call. Who may process the BSN is the
policy's (``casebook.access.may_process_bsn`` / ``Action.PROCESS_BSN``).
"""

from __future__ import annotations

from sqlalchemy import select

from casebook.access import organisations_allowed_in
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.models import LegalBasis
from casebook.organisations.models import Organisation


def receivers_allowed_for(case: Case) -> list[Organisation]:
    """Active organisations that may receive a handoff of ``case`` (never its lead), by name.

    The policy's answer to "may this organisation take part in this case"
    (``access.organisations_allowed_in``): the same list the participants screen offers.
    """
    allowed = organisations_allowed_in(case.case_type, case.confidentiality)
    return [org for org in allowed if org.id != case.lead_organisation_id]


def legal_bases() -> list[LegalBasis]:
    return list(db.session.scalars(select(LegalBasis).where(LegalBasis.active).order_by(LegalBasis.position)))
