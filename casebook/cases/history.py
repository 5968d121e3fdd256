"""Reading a case's own history (status, closure steps, field edits, participants).

Shared by the timeline sources and by the conflict report of optimistic locking, so both show
the same facts in the same words.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook.auth.models import User
from casebook.cases.errors import ChangeSummary
from casebook.cases.extensions import read_once
from casebook.cases.models import (
    Case,
    CaseClosureStep,
    CaseFieldChange,
    CaseStatusChange,
    ClosureStepKind,
)
from casebook.db import db
from casebook.i18n import select_locale

FIELD_LABELS = {
    "district": "Wijk",
    "confidentiality": "Vertrouwelijkheid",
    "next_evaluation_on": "Volgende evaluatie",
    "process_coordinator": "Procesregisseur",
    "case_manager": "Casusregisseur",
    "problem_analysis": "Probleemanalyse",
    "help_request": "Hulpvraag",
    "flags": "Signaleringen",
}


def field_label(field: str) -> str:
    return _(FIELD_LABELS.get(field, field))


def status_changes(case: Case, since_version: int = 0) -> list[CaseStatusChange]:
    return list(
        db.session.scalars(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case.id, CaseStatusChange.version > since_version)
            .options(joinedload(CaseStatusChange.changed_by).lazyload(User.role_rows))  # one statement
            .order_by(CaseStatusChange.id)
        )
    )


def closure_steps(case: Case, since_version: int = 0) -> list[CaseClosureStep]:
    """The closing steps, oldest first. All of them are read once per case page (``read_once``):
    the timeline shows them and the pending proposal is the last of them."""

    def read() -> list[CaseClosureStep]:
        return list(
            db.session.scalars(
                select(CaseClosureStep)
                .where(CaseClosureStep.case_id == case.id, CaseClosureStep.version > since_version)
                .options(joinedload(CaseClosureStep.by).lazyload(User.role_rows), joinedload(CaseClosureStep.result))
                .order_by(CaseClosureStep.id)
            )
        )

    return read() if since_version else read_once("closure-steps", None, case, read)


def field_changes(case: Case, since_version: int = 0) -> list[CaseFieldChange]:
    return list(
        db.session.scalars(
            select(CaseFieldChange)
            .where(CaseFieldChange.case_id == case.id, CaseFieldChange.version > since_version)
            .options(joinedload(CaseFieldChange.changed_by).lazyload(User.role_rows))
            .order_by(CaseFieldChange.id)
        )
    )


def status_title(change: CaseStatusChange) -> str:
    locale = select_locale()
    if change.from_status is None:
        return _("Casus geopend in status %(status)s", status=change.to_status.label(locale))
    if change.reopened:
        return _("Casus heropend in status %(status)s", status=change.to_status.label(locale))
    return _(
        "Status gewijzigd van %(old)s naar %(new)s",
        old=change.from_status.label(locale),
        new=change.to_status.label(locale),
    )


def closure_title(step: CaseClosureStep, *, with_result: bool = True) -> str:
    """``with_result=False`` for viewers who see metadata only: the proposed result is content."""
    locale = select_locale()
    if step.kind is ClosureStepKind.PROPOSED and not with_result:
        return _("Afsluiten voorgesteld")
    if step.kind is ClosureStepKind.PROPOSED:
        result = step.result.label(locale) if step.result else "—"
        return _("Afsluiten voorgesteld (resultaat: %(result)s)", result=result)
    if step.kind is ClosureStepKind.APPROVED:
        return _("Afsluiten goedgekeurd")
    return _("Voorstel tot afsluiten teruggestuurd")


def changes_since(case: Case, version: int) -> list[ChangeSummary]:
    """Everything that changed the case after ``version``, oldest first (for the conflict page)."""
    summaries: list[ChangeSummary] = []
    for change in field_changes(case, version):
        summaries.append(
            ChangeSummary(
                at=change.changed_at,
                actor=change.changed_by.display_name,
                organisation=change.changed_by.organisation.name,
                what=field_label(change.field),
                old=change.old_value,
                new=change.new_value,
            )
        )
    for status_change in status_changes(case, version):
        by = status_change.changed_by
        summaries.append(
            ChangeSummary(
                at=status_change.changed_at,
                actor=by.display_name if by else None,
                organisation=by.organisation.name if by else None,
                what=status_title(status_change),
            )
        )
    for step in closure_steps(case, version):
        summaries.append(
            ChangeSummary(
                at=step.at,
                actor=step.by.display_name,
                organisation=step.by.organisation.name,
                what=closure_title(step),
            )
        )
    return sorted(summaries, key=lambda s: s.at)
