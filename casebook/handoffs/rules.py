"""Data-driven sharing rules: who may receive a case, which legal bases exist.

``receivers_allowed_for(case)`` is a contract other modules call. Who may process the BSN is the
policy's (``casebook.access.may_process_bsn`` / ``Action.PROCESS_BSN``).
"""

from __future__ import annotations

from sqlalchemy import and_, or_, select

from casebook.access.models import Authorisation
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.models import LegalBasis, RestrictedTypeReceiverKind
from casebook.organisations.models import Organisation

# --- Restricted case types --------------------------------------------------------------------
# A restricted case goes only to an organisation with an active user authorised for the case type
# at the case's confidentiality (``casebook.access`` authorisations: personal, per organisation and
# role, or per role everywhere). ``restricted_type_receiver_kind`` narrows that further by data:
# when it lists organisation kinds for a type, only those kinds qualify.


def _organisations_authorised_for(case: Case, candidates: list[Organisation]) -> list[Organisation]:
    grants = (
        select(Authorisation)
        .where(
            Authorisation.case_type_id == case.case_type_id,
            Authorisation.revoked_at.is_(None),
            Authorisation.max_confidentiality >= case.confidentiality,
        )
        .subquery()
    )
    authorised_users = (
        select(User.organisation_id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(
            grants,
            or_(
                grants.c.user_id == User.id,
                and_(
                    grants.c.user_id.is_(None),
                    grants.c.role == UserRole.role,
                    or_(grants.c.organisation_id.is_(None), grants.c.organisation_id == User.organisation_id),
                ),
            ),
        )
        .where(User.active)
    )
    authorised = set(db.session.scalars(authorised_users))
    kinds = set(
        db.session.scalars(
            select(RestrictedTypeReceiverKind.organisation_kind).where(
                RestrictedTypeReceiverKind.case_type_id == case.case_type_id
            )
        )
    )
    return [org for org in candidates if org.id in authorised and (not kinds or org.kind in kinds)]


# ----------------------------------------------------------------------------------------------


def receivers_allowed_for(case: Case) -> list[Organisation]:
    """Active organisations that may receive a handoff of ``case`` (never its lead), by name.

    Unrestricted case types: every other active organisation. Restricted types: only those the
    authorisation hook above allows; the rest are not offered and refused when sent.
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
    return _organisations_authorised_for(case, candidates)


def legal_bases() -> list[LegalBasis]:
    return list(db.session.scalars(select(LegalBasis).where(LegalBasis.active).order_by(LegalBasis.position)))
