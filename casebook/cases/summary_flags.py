"""The dossier header's summary and signaleringen: what a viewer of the case may see of them.

Two kinds of reader: every viewer of the case (``VIEW_CASE``, supervisors included) sees the flags —
they are safety information for whoever visits or meets the people in the case; only readers of
case content (``READ_CASE_CONTENT``) see the probleemanalyse and hulpvraag, which are free text.
``summary_flags_for`` is the one audited read, done once per case page (``read_once``): the header
partial, the API's case and anything else showing them on the same page share it.

Changes are in ``casebook.cases.dossier_changes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.dossier_models import CaseFlag, CaseFlagType
from casebook.cases.extensions import read_once
from casebook.cases.lifecycle import accepts_changes
from casebook.cases.models import Case
from casebook.db import db
from casebook.i18n import select_locale
from casebook.reference import reference_values

SUMMARY_FIELDS = ("problem_analysis", "help_request")
SUMMARY_MAX_LENGTH = 2000
READ_EVENT = "case.dossier.view"


@dataclass(frozen=True)
class FlagChoice:
    """A flag type as the screens show and offer it (kept per process, ``casebook.reference``)."""

    id: int
    code: str
    label_nl: str
    label_en: str
    safety: bool
    active: bool
    position: int

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


def flag_types() -> tuple[FlagChoice, ...]:
    """Every flag type (inactive ones too: a case may still carry one), safety first, then in order.

    What a user picks is resolved against the database again by ``dossier_changes.set_flags``."""

    def read() -> tuple[FlagChoice, ...]:
        rows = db.session.scalars(select(CaseFlagType).order_by(CaseFlagType.position, CaseFlagType.id))
        return tuple(_choice(t) for t in rows)

    return tuple(sorted(reference_values("case-flag-types", read, models=(CaseFlagType,)), key=_order))


def _choice(kind: CaseFlagType) -> FlagChoice:
    return FlagChoice(kind.id, kind.code, kind.label_nl, kind.label_en, kind.safety, kind.active, kind.position)


def _order(choice: FlagChoice) -> tuple[bool, int, int]:
    return (not choice.safety, choice.position, choice.id)


def current_flags(case: Case) -> list[CaseFlag]:
    """The flags set on the case now (not ended), in one statement, with who set them."""
    return list(
        db.session.scalars(
            select(CaseFlag)
            .where(CaseFlag.case_id == case.id, CaseFlag.ended_at.is_(None))
            .options(joinedload(CaseFlag.flag_type), joinedload(CaseFlag.set_by).lazyload(User.role_rows))
            .order_by(CaseFlag.id)
        )
    )


def flag_view(flags: list[CaseFlag], locale: str) -> list[dict[str, Any]]:
    """The flags as the partial and the API show them: code, label, safety, who set them and when."""
    types = {t.id: t for t in flag_types()}
    shown = []
    for flag in flags:
        # a type added by another process after this one kept the list: read it (rare)
        kind = types.get(flag.flag_type_id) or _choice(flag.flag_type)
        shown.append(
            {
                "code": kind.code,
                "label": kind.label(locale),
                "label_nl": kind.label_nl,
                "label_en": kind.label_en,
                "safety": kind.safety,
                "set_at": flag.set_at,
                "set_by": flag.set_by.display_name if flag.set_by else None,
                "sort": _order(kind),
            }
        )
    shown.sort(key=lambda f: f["sort"])
    for item in shown:
        del item["sort"]
    return shown


def summary_flags_for(user: User, case: Case) -> dict[str, Any] | None:
    """What ``user`` may see of the case's summary and flags, read and audited once per page.

    Returns None when the user may not view the case at all (the caller's loader has refused it
    already; this is a second lock). Otherwise ``{"case_id", "flags", "summary", "can_edit"}``:
    ``flags`` always (a list, maybe empty); ``summary`` a dict of ``problem_analysis`` and
    ``help_request`` (decrypted; None when empty) for readers of content, else None; ``can_edit``
    whether the edit screens are open to the user (``UPDATE_CASE`` on an open case).

    Audited as one ``case.dossier.view`` event with the flag codes shown and whether the summary
    was shown — never the text itself.
    """
    if not can(user, Action.VIEW_CASE, case):
        return None
    return read_once("dossier-summary-flags", user, case, lambda: _read(user, case))


def _read(user: User, case: Case) -> dict[str, Any]:
    flags = flag_view(current_flags(case), select_locale())
    content = can(user, Action.READ_CASE_CONTENT, case)
    summary = {name: getattr(case, name) or None for name in SUMMARY_FIELDS} if content else None
    audit.record(
        user,
        READ_EVENT,
        case,
        details={
            "flags": [f["code"] for f in flags],
            "summary": sorted(name for name, value in (summary or {}).items() if value),
        },
    )
    return {
        "case_id": case.id,
        "flags": flags,
        "summary": summary,
        "can_edit": accepts_changes(case) and can(user, Action.UPDATE_CASE, case),
    }
