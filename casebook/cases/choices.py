"""The reference data the case screens offer as choices, read once per process (``casebook.reference``).

Status types and closing results of a case type, and the case list's filter options (types,
statuses, districts), as plain values: the select boxes of the case page and the case list need
their ids and labels, not the rows. What a user picks is checked again by the service against
the database (``lifecycle`` reads the case's own type), so a choice kept here can be offered and
refused, never let through.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from casebook.cases.models import CaseResult, CaseType, StatusType
from casebook.db import db
from casebook.organisations.models import District
from casebook.reference import reference_values


@dataclass(frozen=True)
class Choice:
    """A status type or a closing result, as the screens show it."""

    id: int
    code: str
    label_nl: str
    label_en: str
    position: int = 0
    is_end: bool = False

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


@dataclass(frozen=True)
class FilterChoices:
    """The case list's filter options: ``(code, label_nl, label_en)`` per type, status and district."""

    types: tuple[tuple[str, str, str], ...]
    statuses: tuple[tuple[str, str, str], ...]
    districts: tuple[tuple[str, str, str], ...]


def statuses_of(case_type_id: int) -> tuple[Choice, ...]:
    """The type's status types in their order (``CaseType.statuses``)."""

    def read() -> tuple[Choice, ...]:
        rows = db.session.scalars(
            select(StatusType).where(StatusType.case_type_id == case_type_id).order_by(StatusType.position)
        )
        return tuple(Choice(s.id, s.code, s.label_nl, s.label_en, s.position, s.is_end) for s in rows)

    return reference_values(("statuses", case_type_id), read, models=(StatusType,))


def results_of(case_type_id: int) -> tuple[Choice, ...]:
    """The type's active closing results in their order (``lifecycle.results_for``)."""

    def read() -> tuple[Choice, ...]:
        rows = db.session.scalars(
            select(CaseResult)
            .where(CaseResult.case_type_id == case_type_id, CaseResult.active)
            .order_by(CaseResult.position, CaseResult.id)
        )
        return tuple(Choice(r.id, r.code, r.label_nl, r.label_en, r.position) for r in rows)

    return reference_values(("results", case_type_id), read, models=(CaseResult,))


def filter_choices() -> FilterChoices:
    """Active case types by Dutch label, status codes in step order (the first label of a code
    shared by several types), districts by name."""

    def read() -> FilterChoices:
        types = db.session.scalars(select(CaseType).where(CaseType.active).order_by(CaseType.label_nl))
        statuses: dict[str, tuple[str, str, str]] = {}
        for status in db.session.scalars(select(StatusType).order_by(StatusType.position)):
            statuses.setdefault(status.code, (status.code, status.label_nl, status.label_en))
        districts = db.session.scalars(select(District).order_by(District.name))
        return FilterChoices(
            types=tuple((t.code, t.label_nl, t.label_en) for t in types),
            statuses=tuple(statuses.values()),
            districts=tuple((d.code, d.name, d.name) for d in districts),
        )

    return reference_values("case-filters", read, models=(CaseType, StatusType, District))
