"""Participants of a case: coordinators of the lead organisation add and end participations.

A participation is never deleted: ending it sets ``ended_at`` (and who ended it), so history
stays complete; the policy reads active participations on every request, so a change takes
effect on the next request. The lead organisation changes only through a handoff (transfer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import (
    Action,
    could_see,
    may_take_part_in,
    organisations_allowed_in,
    prime_grants,
    require_audited,
)
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.cases.extensions import read_once
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.db import db, utcnow
from casebook.organisations.models import Organisation, OrganisationKind
from casebook.reference import reference_values


@dataclass(frozen=True)
class OrganisationChoice:
    """An active organisation as the participant form offers it (kept per process)."""

    id: int
    name: str
    kind: OrganisationKind


def _active_organisations() -> tuple[OrganisationChoice, ...]:
    def read() -> tuple[OrganisationChoice, ...]:
        rows = db.session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name))
        return tuple(OrganisationChoice(o.id, o.name, o.kind) for o in rows)

    return reference_values("active-organisations", read, models=(Organisation,))


def organisation_choices(case: Case) -> list[OrganisationChoice]:
    """The organisations the policy lets take part in ``case`` (``access.organisations_allowed_in``),
    chosen from the active organisations kept per process: adding one decides on a fresh read."""
    return organisations_allowed_in(case.case_type, case.confidentiality, _active_organisations())


def user_choices(case: Case) -> list[User]:
    """Active users of the organisations that take part (a named user joins through their org) who
    would see the case once named (``access.could_see``).

    Read once per case page (``read_once``): the participant form and the plan's owner choices
    both list them."""
    org_ids = {p.organisation_id for p in case.active_participants}

    def read() -> list[User]:
        query = (
            select(User)
            .where(User.active, User.organisation_id.in_(org_ids))
            .options(joinedload(User.role_rows))  # one statement: the plan asks the policy about each
            .order_by(User.display_name)
        )
        users = list(db.session.scalars(query).unique())
        prime_grants(users, case.case_type_id)  # one statement for every candidate's authorisations
        return [u for u in users if could_see(u, case.case_type_id, case.confidentiality)]

    return read_once("participant-users", None, case, read)


def _refuse(by: User, case: Case, message: Any, field: str) -> CaseRuleError:
    """A participant the policy does not let into the case: audited as a denial, a form error."""
    audit.record(
        by, str(Action.MANAGE_PARTICIPANTS), case, outcome=Outcome.DENIED, details={"refused": f"{field}_not_allowed"}
    )
    return CaseRuleError(message, field)


def add_participant(
    case: Case,
    organisation_id: int | None,
    involvement: Involvement,
    *,
    user_id: int | None = None,
    by: User,
    now: datetime | None = None,
) -> CaseParticipant:
    """Add an organisation, or a named user of an organisation, to the case.

    :raises AccessDenied: ``by`` is not a coordinator of the lead organisation.
    :raises CaseRuleError: closed case, unknown organisation or user, another organisation as
        lead, a user of another organisation, or an active duplicate.
    """
    require_audited(by, Action.MANAGE_PARTICIPANTS, case)
    require_open(case)
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not organisation.active:
        raise CaseRuleError(_l("Kies een actieve organisatie."), "organisation")
    if not may_take_part_in(organisation, case):
        raise _refuse(by, case, _l("Deze organisatie mag dit type casus niet ontvangen."), "organisation")
    if involvement is Involvement.LEAD and organisation.id != case.lead_organisation_id:
        raise CaseRuleError(
            _l("Alleen de regiehouder heeft de rol regiehouder; de regie overdragen gaat via een overdracht."),
            "involvement",
        )
    user = None
    if user_id:
        user = db.session.get(User, user_id)
        if user is None or not user.active or user.organisation_id != organisation.id:
            raise CaseRuleError(_l("Kies een actieve medewerker van deze organisatie."), "user")
        if not could_see(user, case.case_type_id, case.confidentiality):
            raise _refuse(by, case, _l("Deze medewerker mag dit type casus niet inzien."), "user")
    for existing in case.active_participants:
        if existing.organisation_id == organisation.id and existing.user_id == (user.id if user else None):
            raise CaseRuleError(_l("Deze deelnemer neemt al deel aan de casus."), "organisation")
    participant = CaseParticipant(
        organisation=organisation, user=user, involvement=involvement, started_at=now or utcnow(), added_by=by
    )
    case.participants.append(participant)
    db.session.flush()
    audit.record(
        by,
        str(Action.MANAGE_PARTICIPANTS),
        case,
        details={
            "op": "add",
            "participant": participant.id,
            "organisation": organisation.slug,
            "involvement": involvement.value,
            "named_user": user is not None,
        },
    )
    return participant


def end_participant(
    case: Case, participant_id: int | None, *, by: User, now: datetime | None = None
) -> CaseParticipant:
    """End a participation. The lead organisation's own participation cannot be ended here.

    :raises CaseRuleError: unknown or already ended participation, or the lead organisation.
    """
    require_audited(by, Action.MANAGE_PARTICIPANTS, case)
    require_open(case)
    participant = next((p for p in case.active_participants if p.id == participant_id), None)
    if participant is None:
        raise CaseRuleError(_l("Deze deelname bestaat niet of is al beëindigd."))
    if participant.user_id is None and participant.organisation_id == case.lead_organisation_id:
        raise CaseRuleError(_l("De regiehouder kan niet worden verwijderd; draag de regie over via een overdracht."))
    participant.ended_at = now or utcnow()
    participant.ended_by = by
    db.session.flush()
    audit.record(
        by,
        str(Action.MANAGE_PARTICIPANTS),
        case,
        details={
            "op": "end",
            "participant": participant.id,
            "organisation": participant.organisation.slug,
            "named_user": participant.user_id is not None,
        },
    )
    return participant
