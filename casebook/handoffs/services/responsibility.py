"""A transfer moves responsibility, not only the regie: the casusregisseur and the open actions.

When the receiver accepts a transfer, the organisation handing over becomes an observer (read
only) or leaves. Whatever it was responsible for would otherwise stay with someone who can no
longer act on it: its worker as casusregisseur, its open plan actions. In the same transaction as
the acceptance the receiver therefore names the new casusregisseur (or none yet: the dossier then
says one is missing) and the sender's open actions are given to the receiver or withdrawn, each
with the transfer as the reason on the action's history.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import could_see
from casebook.access.scope import WORK_ROLES, prime_grants
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case, CaseFieldChange
from casebook.db import db, utcnow
from casebook.handoffs.errors import HandoffError
from casebook.handoffs.models import Handoff, SenderActions
from casebook.plans import services as plans
from casebook.plans.models import CasePlan

REASSIGNED_REASON = "Overgedragen aan %(org)s bij de overdracht van de regie"
WITHDRAWN_REASON = "Vervallen bij de overdracht van de regie aan %(org)s"


def eligible_case_managers(handoff: Handoff) -> list[User]:
    """Workers of the receiver who would see the case: the casusregisseur the receiver may name."""
    case = handoff.case
    users = list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(
                User.organisation_id == handoff.receiver_organisation_id,
                User.active,
                UserRole.role.in_(WORK_ROLES),
            )
            .options(joinedload(User.role_rows))
            .order_by(User.display_name, User.id)
        ).unique()
    )
    prime_grants(users, case.case_type_id)
    return [u for u in users if could_see(u, case.case_type_id, case.confidentiality)]


def check_choices(
    handoff: Handoff, case_manager: User | None, sender_actions: SenderActions | str | None
) -> SenderActions:
    """:raises HandoffError: a casusregisseur the receiver may not name, or an unknown choice."""
    if case_manager is not None and case_manager.id not in {u.id for u in eligible_case_managers(handoff)}:
        raise HandoffError(
            _l("Kies een medewerker van uw organisatie als casusregisseur, of nog niemand."),
            field="case_manager",
            code="case_manager",
        )
    try:
        return SenderActions(sender_actions or SenderActions.REASSIGN)
    except ValueError:
        raise HandoffError(
            _l("Kies wat er met de open acties gebeurt."), field="sender_actions", code="sender_actions"
        ) from None


def move_responsibility(
    case: Case, handoff: Handoff, *, by: User, case_manager: User | None, sender_actions: SenderActions
) -> int:
    """After the regie moved (the receiver leads): name the casusregisseur and hand over or withdraw
    the sender's open actions. Called inside the acceptance; flushes. Returns the actions moved."""
    _name_case_manager(case, case_manager, by=by)
    handoff.new_case_manager = case_manager
    handoff.sender_actions = sender_actions
    org = handoff.receiver_organisation
    moved = 0
    for action in plans.open_actions_of(case):
        if action.owner_organisation_id != handoff.sender_organisation_id:
            continue
        if sender_actions is SenderActions.REASSIGN:
            plans.reassign_action(action, by=by, organisation=org, reason=REASSIGNED_REASON % {"org": org.name})
        else:
            plans.withdraw_action(action, by=by, reason=WITHDRAWN_REASON % {"org": org.name})
        moved += 1
    return moved


def _name_case_manager(case: Case, manager: User | None, *, by: User) -> None:
    """The receiver's choice replaces the casusregisseur (kept in the case's field history)."""
    plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id))
    old = plan.case_manager if plan is not None else None
    if old == manager:
        return
    if plan is None:
        plan = CasePlan(case=case)
        db.session.add(plan)
    plan.case_manager = manager
    plan.updated_at = utcnow()
    db.session.add(
        CaseFieldChange(
            case_id=case.id,
            field="case_manager",
            old_value=old.display_name if old else None,
            new_value=manager.display_name if manager else None,
            changed_by=by,
            changed_at=utcnow(),
            version=case.version,
        )
    )
    db.session.flush()
    audit.record(
        by,
        "plan.case_manager",
        case,
        details={"case_manager_user_id": manager.id if manager else None, "via": "handoff.accept"},
    )
