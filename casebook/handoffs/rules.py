"""Data-driven sharing rules: who may receive a case, who may process the BSN, which legal bases exist.

``receivers_allowed_for(case)`` and ``may_process_bsn(organisation)`` are contracts other modules
call (the persons screens mask the BSN with ``may_process_bsn``).
"""

from __future__ import annotations

from sqlalchemy import select

from casebook.access.rules.handoffs import organisations_authorised_for
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.models import BsnProcessingRule, LegalBasis, RestrictedTypeReceiverKind
from casebook.organisations.models import Organisation


def may_process_bsn(organisation: Organisation | None) -> bool:
    """May users of ``organisation`` see the BSN? Per organisation kind; a kind without a rule may not.

    The persons screens call this for the viewer's organisation and show ``mask_bsn`` otherwise,
    without a reveal button.
    """
    if organisation is None:
        return False
    rule = db.session.scalar(
        select(BsnProcessingRule.may_process).where(BsnProcessingRule.organisation_kind == organisation.kind)
    )
    return bool(rule)


def user_may_see_bsn(user: User) -> bool:
    return may_process_bsn(getattr(user, "organisation", None))


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
