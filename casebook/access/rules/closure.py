"""Who decides a proposal to close a case: the approving supervisor, with a configurable fallback.

A case's lead organisation (regiehouder) usually has a supervisor (teamleider) who approves the
closing its coordinator proposes. After a transfer the lead may be a partner without one (a
wijkteam): the proposal would wait for nobody. ``CLOSURE_APPROVERS`` lists where to look, in order
— ``"lead"`` for the lead organisation, or an organisation kind (``"zvh"``, ``"municipality"`` …) —
and the first organisation with a supervisor who may decide (active, authorised for the case's
type and confidentiality with ``case.close.approve``, not the proposer: four eyes) is the one whose
supervisors decide. It is fixed on the case when the proposal is made
(``Case.closure_approver_organisation_id``), so the decision, the supervisor's view of the case
while it waits, the lists of "My work" and the notifications all ask the same question.

A supervisor of the deciding organisation that does not take part in the case (the gemeente) sees
its metadata while the proposal waits — nothing else, and not once it is decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import ColumnElement, and_, false, select
from sqlalchemy.orm import joinedload

from casebook.access.actions import Action
from casebook.access.scope import is_authorised, prime_grants
from casebook.auth.models import Role, User, UserRole
from casebook.cases.models import Case
from casebook.db import db
from casebook.organisations.models import Organisation, OrganisationKind

LEAD = "lead"


def approver_order() -> list[str]:
    """The configured order (``CLOSURE_APPROVERS``); unknown entries are ignored."""
    known = {kind.value for kind in OrganisationKind} | {LEAD}
    return [step for step in current_app.config["CLOSURE_APPROVERS"] if step in known]


def _candidate_organisations(case: Case, step: str) -> list[Organisation]:
    """The organisations one step of the order names: the lead, or those of a kind — the ones that
    take or took part in the case first, else every active one of that kind."""
    if step == LEAD:
        return [case.lead_organisation]
    kind = OrganisationKind(step)
    involved = {p.organisation_id for p in case.participants}
    of_kind = list(
        db.session.scalars(
            select(Organisation).where(Organisation.active, Organisation.kind == kind).order_by(Organisation.name)
        )
    )
    taking_part = [o for o in of_kind if o.id in involved]
    return taking_part or of_kind


def eligible_supervisors(case: Case, organisation_id: int, proposer: User | None = None) -> list[User]:
    """Active supervisors of the organisation authorised to decide a closure of this case (not the proposer)."""
    users = list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.active, User.organisation_id == organisation_id, UserRole.role == Role.SUPERVISOR)
            .options(joinedload(User.role_rows))
            .order_by(User.display_name, User.id)
        ).unique()
    )
    prime_grants(users, case.case_type_id)
    return [
        u
        for u in users
        if (proposer is None or u.id != proposer.id)
        and is_authorised(u, Action.APPROVE_CLOSURE, case.case_type_id, case.confidentiality)
    ]


def approving_organisation(case: Case, proposer: User | None) -> Organisation | None:
    """The first organisation in the configured order with a supervisor who may decide ``proposer``'s
    proposal; None when nobody can (the proposal is then refused before it is made)."""
    for step in approver_order():
        for organisation in _candidate_organisations(case, step):
            if organisation is not None and eligible_supervisors(case, organisation.id, proposer):
                return organisation
    return None


def deciding_organisation_id(case: Case) -> int:
    """Whose supervisors decide: the organisation fixed with the pending proposal, else the lead."""
    if case.closure_proposed_at is not None and case.closure_approver_organisation_id is not None:
        return case.closure_approver_organisation_id
    return case.lead_organisation_id


def decides_closure(user: User, case: Case) -> bool:
    """Role × organisation for ``case.close.approve`` (the authorisation is asked by the case rule)."""
    return user.has_role(Role.SUPERVISOR) and user.organisation_id == deciding_organisation_id(case)


def sees_as_approver(user: User, case: Case) -> bool:
    """A supervisor of the deciding organisation sees the case (metadata) while a proposal waits,
    also when their organisation does not take part in it."""
    return (
        case.closure_proposed_at is not None
        and case.closure_approver_organisation_id is not None
        and user.has_role(Role.SUPERVISOR)
        and user.organisation_id == case.closure_approver_organisation_id
    )


def deciding_clause(user: User) -> ColumnElement[bool]:
    """SQL twin of ``decides_closure`` for pending proposals (My work's list of closures)."""
    if not user.has_role(Role.SUPERVISOR):
        return false()
    return and_(
        Case.closure_proposed_at.is_not(None),
        Case.closure_approver_organisation_id == user.organisation_id,
    ) | and_(
        Case.closure_proposed_at.is_not(None),
        Case.closure_approver_organisation_id.is_(None),
        Case.lead_organisation_id == user.organisation_id,
    )


def deciders(case: Case, proposer: User | None = None) -> Sequence[User]:
    """The supervisors who may decide the pending proposal (they are told of it)."""
    return eligible_supervisors(case, deciding_organisation_id(case), proposer)
