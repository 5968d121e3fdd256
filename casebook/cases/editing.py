"""Editing a case's own fields with optimistic locking.

A form carries the case version it was loaded at. When the case moved on meanwhile, nothing is
written: ``StaleCase`` lists what changed, by whom and when, and the view re-renders the form
with the user's input kept (409). Every edit is kept in an append-only field history.

Who may change what: the next evaluation date is part of the plan's rhythm, so every working
participant (``UPDATE_CASE``) may set it; district, confidentiality and procesregisseur direct
the process and need ``TRANSITION_CASE`` (coordinators of the lead organisation).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casebook import audit
from casebook.access import Action, can, could_see, may_take_part, require_audited
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.cases.lifecycle import case_change, check_version, local_date, require_open
from casebook.cases.models import Case, CaseFieldChange
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.organisations.models import District

PROCESS_FIELDS = frozenset({"district", "confidentiality", "process_coordinator"})


@dataclass(frozen=True)
class CaseEdit:
    """The wanted values of the editable fields (ids as posted; resolved and checked here)."""

    district_id: int | None
    confidentiality: Confidentiality
    next_evaluation_on: date | None
    process_coordinator_id: int | None


def coordinator_choices(case: Case) -> list[User]:
    """Who can be procesregisseur: active users of the lead organisation whom the policy lets direct
    this case's process (``TRANSITION_CASE``: coordinators of the lead authorised for its type)."""
    users = db.session.scalars(
        select(User).where(User.organisation_id == case.lead_organisation_id, User.active).order_by(User.display_name)
    )
    return [u for u in users if can(u, Action.TRANSITION_CASE, case)]


def _shown(field: str, value: Any) -> str | None:
    """The value as the history shows it: names and codes only, never personal data."""
    if value is None:
        return None
    if field == "district":
        return value.name
    if field == "process_coordinator":
        return value.display_name
    if field == "confidentiality":
        return Confidentiality(value).label
    if field == "next_evaluation_on":
        return value.isoformat()
    return str(value)


def _resolve(case: Case, edit: CaseEdit) -> dict[str, Any]:
    district = None
    if edit.district_id is not None:
        district = db.session.get(District, edit.district_id)
        if district is None:
            raise CaseRuleError(_l("Kies een bestaande wijk."), "district")
    coordinator = None
    if edit.process_coordinator_id is not None:
        coordinator = next((u for u in coordinator_choices(case) if u.id == edit.process_coordinator_id), None)
        if coordinator is None:
            raise CaseRuleError(
                _l("De procesregisseur moet een actieve procesregisseur van de regiehouder zijn."),
                "process_coordinator",
            )
    if edit.confidentiality < case.case_type.default_confidentiality:
        raise CaseRuleError(
            _l(
                "Dit casustype vraagt minstens vertrouwelijkheid '%(level)s'.",
                level=case.case_type.default_confidentiality.label,
            ),
            "confidentiality",
        )
    if edit.confidentiality != case.confidentiality and not all(
        may_take_part(p.organisation, case.case_type, edit.confidentiality)
        and (p.user is None or not p.user.active or could_see(p.user, case.case_type_id, edit.confidentiality))
        for p in case.active_participants
    ):
        raise CaseRuleError(
            _l("Met deze vertrouwelijkheid zou een deelnemer niet meer aan de casus mogen deelnemen."),
            "confidentiality",
        )
    if edit.next_evaluation_on is not None and edit.next_evaluation_on < local_date(case.opened_at):
        raise CaseRuleError(_l("De evaluatiedatum ligt vóór de opening van de casus."), "next_evaluation_on")
    return {
        "district": district,
        "confidentiality": edit.confidentiality,
        "next_evaluation_on": edit.next_evaluation_on,
        "process_coordinator": coordinator,
    }


def update_case(case: Case, edit: CaseEdit, *, by: User, expected_version: int | None) -> list[CaseFieldChange]:
    """Apply the changed fields (none changed: nothing written) and record each in the history.

    :raises AccessDenied: no edit rights, or a process field changed without process rights.
    :raises StaleCase: the case changed since the form was loaded; nothing written.
    :raises CaseRuleError: closed case, unknown district, wrong procesregisseur, confidentiality
        below the type's minimum or one that would shut the editor out, evaluation before opening.
    """
    require_audited(by, Action.UPDATE_CASE, case)
    check_version(case, expected_version)
    require_open(case)
    wanted = _resolve(case, edit)
    changed = {name: value for name, value in wanted.items() if getattr(case, name) != value}
    if not changed:
        return []
    if PROCESS_FIELDS.intersection(changed):
        require_audited(by, Action.TRANSITION_CASE, case)
    old = {name: getattr(case, name) for name in changed}
    with case_change(case, expected_version):  # a refusal below undoes the change, nothing else
        for name, value in changed.items():
            setattr(case, name, value)
        db.session.flush()
        if not can(by, Action.VIEW_CASE, case):
            raise CaseRuleError(
                _l("Met deze vertrouwelijkheid zou u de casus zelf niet meer kunnen zien."), "confidentiality"
            )
    now = utcnow()
    rows = [
        CaseFieldChange(
            case_id=case.id,
            field=name,
            old_value=_shown(name, old[name]),
            new_value=_shown(name, value),
            changed_by=by,
            changed_at=now,
            version=case.version,
        )
        for name, value in changed.items()
    ]
    db.session.add_all(rows)
    db.session.flush()
    audit.record(by, str(Action.UPDATE_CASE), case, details={"fields": sorted(changed), "version": case.version})
    return rows
