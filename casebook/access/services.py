"""Granting and revoking authorisations: audited here, so no caller can forget.

Separation of duties: admins and supervisors manage authorisations, supervisors only within
their own organisation, and nobody grants an authorisation that would apply to themselves
(a second admin or a supervisor must). ``by=None`` is the system itself (the demo seed, the CLI).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from casebook import audit
from casebook.access.actions import Action
from casebook.access.models import Authorisation
from casebook.access.policy import AccessDenied, can
from casebook.access.scope import AUTHORISABLE_ACTIONS, CASE_ROLES
from casebook.audit import Outcome
from casebook.auth.models import Role, User
from casebook.cases.models import CaseType
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.organisations.models import Organisation


class AuthorisationError(ValueError):
    """A grant that is not allowed or not well-formed; the message is fit to show (in Dutch)."""


def _is_admin_only(user: User) -> bool:
    """No case role, or an admin role beside it: neither may be authorised for cases."""
    return user.has_role(Role.ADMIN) or not user.has_role(*CASE_ROLES)


def _supervisor_only(by: User) -> bool:
    return not by.has_role(Role.ADMIN)


def _deny(by: User | None, action: str, reason: str, **details: Any) -> None:
    audit.record(by, action, outcome=Outcome.DENIED, details={"refused": reason, **details}, durable=True)


def _subject_details(user: User | None, organisation: Organisation | None, role: Role | None) -> dict[str, Any]:
    if user is not None:
        return {"user_id": user.id}
    return {"organisation": organisation.slug if organisation else "*", "role": str(role)}


def _applies_to(by: User, user: User | None, organisation: Organisation | None, role: Role | None) -> bool:
    if user is not None:
        return user.id == by.id
    return role in by.roles and (organisation is None or organisation.id == by.organisation_id)


def find_grantee(by: User, username: str) -> User | None:
    """The user named ``username`` if ``by`` could grant them an authorisation: any user for an
    admin, a user of their own organisation for a supervisor. Everyone else is, for ``by``, a name
    nobody has — the lookup must not tell a supervisor which usernames exist elsewhere."""
    name = username.strip().lower()
    if not name or not can(by, Action.MANAGE_AUTHORISATIONS):
        return None
    query = select(User).where(func.lower(User.username) == name)
    if _supervisor_only(by):
        query = query.where(User.organisation_id == by.organisation_id)
    return db.session.scalar(query)


def grant_authorisation(
    by: User | None,
    *,
    case_type: CaseType,
    actions: Iterable[Action | str],
    max_confidentiality: Confidentiality,
    user: User | None = None,
    organisation: Organisation | None = None,
    role: Role | None = None,
    now: datetime | None = None,
) -> Authorisation:
    """Grant ``actions`` on cases of ``case_type`` up to ``max_confidentiality``.

    The subject is one ``user``, or a ``role`` within ``organisation`` (all organisations when
    ``organisation`` is None; admins only).

    :raises AccessDenied: ``by`` may not manage authorisations (audited).
    :raises AuthorisationError: a self-grant, a grant outside the supervisor's organisation, a grant
        to admins, or unknown actions (audited as a denial).
    """
    if by is not None and not can(by, Action.MANAGE_AUTHORISATIONS):
        _deny(by, "authorisation.grant", "not_a_manager")
        raise AccessDenied()
    wanted = {Action(a) for a in actions} | {Action.VIEW_CASE}
    details = {"case_type": case_type.code, **_subject_details(user, organisation, role)}
    if (user is None) == (role is None) or (user is not None and organisation is not None):
        raise AuthorisationError("Kies één gebruiker, of een rol (eventueel binnen een organisatie).")
    if not wanted <= AUTHORISABLE_ACTIONS:
        raise AuthorisationError("Onbekende handeling voor een autorisatie.")
    if (user is not None and _is_admin_only(user)) or role is Role.ADMIN:
        _deny(by, "authorisation.grant", "admin_sees_no_case_content", **details)
        raise AuthorisationError("Functioneel beheerders krijgen geen toegang tot casussen.")
    if by is not None and _applies_to(by, user, organisation, role):
        _deny(by, "authorisation.grant", "self_grant", **details)
        raise AuthorisationError(
            "U kunt uzelf geen autorisatie geven; een andere beheerder of teamleider moet dat doen."
        )
    if by is not None and _supervisor_only(by):
        own = (user.organisation_id if user is not None else organisation.id if organisation else None) == (
            by.organisation_id
        )
        if not own:
            _deny(by, "authorisation.grant", "other_organisation", **details)
            raise AuthorisationError("Een teamleider autoriseert alleen binnen de eigen organisatie.")
    grant = Authorisation(
        user=user,
        organisation=organisation,
        role=role,
        case_type=case_type,
        actions=sorted(str(a) for a in wanted),
        max_confidentiality=Confidentiality(max_confidentiality),
        granted_by=by,
        granted_at=now or utcnow(),
    )
    db.session.add(grant)
    db.session.flush()
    audit.record(
        by,
        "authorisation.grant",
        grant,
        details={**details, "actions": grant.actions, "max_confidentiality": grant.max_confidentiality.code},
    )
    return grant


def _manages(by: User, grant: Authorisation) -> bool:
    if not can(by, Action.MANAGE_AUTHORISATIONS):
        return False
    if not _supervisor_only(by):
        return True
    owner_org = grant.user.organisation_id if grant.user is not None else grant.organisation_id
    return owner_org == by.organisation_id


def load_authorisation_for(by: User, authorisation_id: int) -> Authorisation:
    """The authorisation if ``by`` may manage it; else audit the denial and 404."""
    grant = db.session.get(Authorisation, authorisation_id)
    if grant is None or not _manages(by, grant):
        audit.record(
            by,
            "authorisation.view",
            outcome=Outcome.DENIED,
            details={"requested_id": str(authorisation_id)},
        )
        raise AccessDenied()
    return grant


def revoke_authorisation(by: User | None, grant: Authorisation, now: datetime | None = None) -> Authorisation:
    """End an authorisation; it takes effect on the next policy decision. Idempotent.

    :raises AccessDenied: ``by`` may not manage this authorisation (audited).
    """
    if by is not None and not _manages(by, grant):
        _deny(by, "authorisation.revoke", "not_a_manager", authorisation_id=grant.id)
        raise AccessDenied()
    if grant.revoked_at is None:
        grant.revoked_at = now or utcnow()
        grant.revoked_by = by
        db.session.flush()
    audit.record(by, "authorisation.revoke", grant, details={"case_type": grant.case_type.code, **_subject(grant)})
    return grant


def _subject(grant: Authorisation) -> dict[str, Any]:
    return _subject_details(grant.user, grant.organisation, grant.role)


def list_authorisations(by: User, *, include_revoked: bool = False) -> list[Authorisation]:
    """The authorisations ``by`` manages (admins: all; supervisors: their organisation's). Audited."""
    if not can(by, Action.MANAGE_AUTHORISATIONS):
        _deny(by, "authorisation.list", "not_a_manager")
        raise AccessDenied()
    query = select(Authorisation).order_by(Authorisation.case_type_id, Authorisation.id)
    if not include_revoked:
        query = query.where(Authorisation.revoked_at.is_(None))
    if _supervisor_only(by):
        own_users = select(User.id).where(User.organisation_id == by.organisation_id)
        query = query.where(
            or_(Authorisation.organisation_id == by.organisation_id, Authorisation.user_id.in_(own_users))
        )
    result = list(db.session.scalars(query))
    audit.record(by, "authorisation.list", details={"include_revoked": include_revoked, "count": len(result)})
    return result
