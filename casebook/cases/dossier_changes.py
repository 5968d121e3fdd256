"""Changing the dossier's summary (probleemanalyse, hulpvraag) and its signaleringen.

Both are changes of the case: whoever may edit the case (``UPDATE_CASE``) may make them, on an open
case, against the version the form or request was loaded at (optimistic locking: ``StaleCase`` and
nothing written when it moved on). Each change bumps the case's version and is kept in the field
history (``CaseFieldChange``) — for the summary only *that* a field changed, never its text; for
flags the labels before and after, which are reference data. The audit events name the fields or
the flag codes, never what a user typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casebook import audit
from casebook.access import Action, require_audited
from casebook.auth.models import User
from casebook.cases.dossier_models import CaseFlag, CaseFlagType
from casebook.cases.errors import CaseRuleError
from casebook.cases.lifecycle import case_change, check_version, require_open
from casebook.cases.models import Case, CaseFieldChange
from casebook.cases.summary_flags import SUMMARY_FIELDS, SUMMARY_MAX_LENGTH, current_flags
from casebook.db import db, utcnow

FLAGS_FIELD = "flags"
CHANGE_SUMMARY_EVENT = "case.summary.change"
CHANGE_FLAGS_EVENT = "case.flags.change"


@dataclass(frozen=True)
class SummaryEdit:
    """The wanted texts; None or blank clears a field."""

    problem_analysis: str | None
    help_request: str | None


@dataclass(frozen=True)
class FlagChange:
    """What ``set_flags`` did: the codes added and ended (both empty: nothing changed)."""

    added: tuple[str, ...]
    removed: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


def _clean(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def update_summary(case: Case, edit: SummaryEdit, *, by: User, expected_version: int | None) -> list[str]:
    """Write the changed summary fields (encrypted with the case's key); returns their names.

    :raises AccessDenied: ``by`` may not edit the case (audited).
    :raises StaleCase: the case changed since the form was loaded; nothing written.
    :raises CaseRuleError: a text longer than ``SUMMARY_MAX_LENGTH``, or the case is closed.
    """
    require_audited(by, Action.UPDATE_CASE, case)
    check_version(case, expected_version)
    require_open(case)
    wanted = {name: _clean(getattr(edit, name)) for name in SUMMARY_FIELDS}
    for name, value in wanted.items():
        if value is not None and len(value) > SUMMARY_MAX_LENGTH:
            raise CaseRuleError(_l("Maximaal %(max)d tekens.", max=SUMMARY_MAX_LENGTH), name)
    changed = sorted(name for name, value in wanted.items() if (getattr(case, name) or None) != value)
    if not changed:
        return []
    with case_change(case, expected_version):
        for name in changed:
            setattr(case, name, wanted[name])
        db.session.flush()
    _history(case, by, [(name, None, None) for name in changed])
    audit.record(by, CHANGE_SUMMARY_EVENT, case, details={"fields": changed, "version": case.version})
    return changed


def _history(case: Case, by: User, rows: list[tuple[str, str | None, str | None]]) -> None:
    now = utcnow()
    db.session.add_all(
        CaseFieldChange(
            case_id=case.id,
            field=name,
            old_value=old,
            new_value=new,
            changed_by=by,
            changed_at=now,
            version=case.version,
        )
        for name, old, new in rows
    )
    db.session.flush()


def _labels(types: Iterable[CaseFlagType]) -> str | None:
    text = ", ".join(t.label_nl for t in sorted(types, key=lambda t: (t.position, t.id)))
    return text[:200] or None


def set_flags(case: Case, codes: Iterable[str], *, by: User, expected_version: int | None) -> FlagChange:
    """Make the case's current flags exactly ``codes``: new ones are set, missing ones ended (kept
    in the history with who ended them and when). A type no longer active may be kept, not set anew.

    :raises AccessDenied: ``by`` may not edit the case (audited).
    :raises StaleCase: the case changed since the form was loaded; nothing written.
    :raises CaseRuleError: on ``flags`` for a code that is not an active flag type; the case is closed.
    """
    require_audited(by, Action.UPDATE_CASE, case)
    check_version(case, expected_version)
    require_open(case)
    wanted_codes = set(codes)
    current = {flag.flag_type.code: flag for flag in current_flags(case)}
    found = {t.code: t for t in db.session.scalars(select(CaseFlagType).where(CaseFlagType.code.in_(wanted_codes)))}
    if any(code not in found or (not found[code].active and code not in current) for code in wanted_codes):
        raise CaseRuleError(_l("Kies alleen signaleringen uit de lijst."), FLAGS_FIELD)
    added = sorted(wanted_codes - current.keys())
    removed = sorted(current.keys() - wanted_codes)
    if not added and not removed:
        return FlagChange((), ())
    before = _labels(flag.flag_type for flag in current.values())
    now = utcnow()
    with case_change(case, expected_version):
        for code in added:
            db.session.add(CaseFlag(case_id=case.id, flag_type=found[code], set_by=by, set_at=now))
        for code in removed:
            current[code].ended_at, current[code].ended_by = now, by
        case.version = case.version + 1  # flags are rows of their own: the case moves on with them
        db.session.flush()
    _history(case, by, [(FLAGS_FIELD, before, _labels(found.values()))])
    audit.record(
        by,
        CHANGE_FLAGS_EVENT,
        case,
        details={"added": added, "removed": removed, "flags": sorted(wanted_codes), "version": case.version},
    )
    return FlagChange(tuple(added), tuple(removed))
