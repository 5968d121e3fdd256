"""Data-driven sharing rules: who may receive a case, which legal bases exist.

``receivers_allowed_for(case)`` is a contract other modules call. Who may process the BSN is the
policy's (``casebook.access.may_process_bsn`` / ``Action.PROCESS_BSN``).
"""

from __future__ import annotations

from sqlalchemy import select

from casebook.access.rules.handoffs import organisations_authorised_for
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.models import LegalBasis, RestrictedTypeReceiverKind
from casebook.organisations.models import Organisation

# --- Restricted case types --------------------------------------------------------------------
# A restricted case goes only to an organisation with an active user authorised for the case type
# at the case's confidentiality — the policy decides that (``access.rules.handoffs``).
# ``restricted_type_receiver_kind`` narrows it further by data: when it lists organisation kinds
# for a type, only those kinds qualify.


def receivers_allowed_for(case: Case) -> list[Organisation]:
    """Active organisations that may receive a handoff of ``case`` (never its lead), by name.

    Unrestricted case types: every other active organisation. Restricted types: only those the
    policy allows; the rest are not offered and refused when sent.
    """
    candidates = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.active, Organisation.id != case.lead_organisation_id)
            .order_by(Organisation.name)
        )
    )
    if not case.case_type.restricted:
        return candidates
    authorised = organisations_authorised_for(case.case_type_id, case.confidentiality)
    kinds = set(
        db.session.scalars(
            select(RestrictedTypeReceiverKind.organisation_kind).where(
                RestrictedTypeReceiverKind.case_type_id == case.case_type_id
            )
        )
    )
    return [org for org in candidates if org.id in authorised and (not kinds or org.kind in kinds)]


def legal_bases() -> list[LegalBasis]:
    return list(db.session.scalars(select(LegalBasis).where(LegalBasis.active).order_by(LegalBasis.position)))
