"""Caseload: the open cases per wijk, case type and phase; per regisseur of the team; the trend.

"Open at the end of the period" means opened before the end and not closed by then (``Case.opened_at``,
``Case.closed_at``); its phase is the status it had then — the last ``CaseStatusChange`` before the
end (``to_status_id``), or the current ``Case.status_id`` when the period runs to today. The
procesregisseur is ``Case.process_coordinator_id``, the casusregisseur ``CasePlan.case_manager_id``;
both breakdowns name only the users of the reader's team (``ReportScope.team_user_ids``).

Statements: the case types, the wijken, the phases (reference data); one GROUP BY for wijk × type ×
phase (the two tables are its sums); one per regisseur kind (teamleiders only); two for the trend
(openings and closings per month, accumulated).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from casebook.access import ReportScope, report_case_clause
from casebook.auth.models import User
from casebook.cases.models import Case, CaseStatusChange, StatusType
from casebook.db import utcnow
from casebook.plans.models import CasePlan
from casebook.reports.filters import ReportFilters
from casebook.reports.queries import common
from casebook.reports.table import Category, CountTable

BEFORE = "<"


def _scope_clauses(scope: ReportScope, filters: ReportFilters) -> list[Any]:
    return [
        report_case_clause(scope),
        *common.filter_clauses(
            filters,
            type_column=Case.case_type_id,
            district_column=Case.district_id,
            organisation_column=Case.lead_organisation_id,
        ),
    ]


def phases(session: Session) -> tuple[Category, ...]:
    """The phases (status codes before the end) in lifecycle order, each once across the types."""
    language = common.locale()
    seen: dict[str, Category] = {}
    for status in session.scalars(select(StatusType).where(StatusType.is_end.is_(False)).order_by(StatusType.position)):
        seen.setdefault(status.code, Category(status.code, status.label(language)))
    return tuple(seen.values())


def _open_at(moment: Any) -> Any:
    return and_(Case.opened_at < moment, or_(Case.closed_at.is_(None), Case.closed_at >= moment))


def _phase_at(moment: Any, now: Any) -> Any:
    """The status id a case had at ``moment``: its current one when ``moment`` is now or later."""
    if moment >= now:
        return Case.status_id
    latest = (
        select(CaseStatusChange.to_status_id)
        .where(CaseStatusChange.case_id == Case.id, CaseStatusChange.changed_at < moment)
        .order_by(CaseStatusChange.changed_at.desc(), CaseStatusChange.id.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    return func.coalesce(latest, Case.status_id)


def caseload(session: Session, scope: ReportScope, filters: ReportFilters) -> list[CountTable]:
    now = utcnow()
    _start, end = common.period_bounds(filters)
    moment = min(end, now)
    keys = common.case_type_category(session, scope, filters)
    wijken, codes = common.districts_and_codes(session, filters)
    phase_categories = phases(session)
    type_id = common.type_key(Case.case_type_id, keys).label("type_id")
    status_id = _phase_at(moment, now).label("status_id")
    where = [_open_at(moment), *_scope_clauses(scope, filters)]

    rows = (
        select(Case.district_id, type_id, StatusType.code.label("phase"))
        .select_from(Case)
        .join(StatusType, StatusType.id == status_id)
        .where(*where)
        .subquery("open_cases")
    )
    open_cases = common.grouped(rows, "district_id", "type_id", "phase")
    by_district_type: Counter[tuple[str, str]] = Counter()
    by_type_phase: Counter[tuple[str, str]] = Counter()
    for district_id, type_value, phase, count in session.execute(open_cases):
        by_district_type[(codes.get(district_id, common.NO_DISTRICT), keys.key(type_value))] += count
        by_type_phase[(keys.key(type_value), phase)] += count
    if end <= now:
        note = _l("Open casussen op %(day)s (het einde van de periode).", day=filters.last_day.isoformat())
    else:
        note = _l("Open casussen op dit moment.")
    tables = [
        CountTable(
            key="by_district_type",
            title=_l("Open casussen per wijk en soort"),
            unit="cases",
            rows=wijken,
            columns=keys.categories,
            counts=dict(by_district_type),
            row_title=_l("Wijk"),
            column_title=_l("Soort casus"),
            chart="stacked",
            note=note,
        ),
        CountTable(
            key="by_type_phase",
            title=_l("Open casussen per soort en fase"),
            unit="cases",
            rows=keys.categories,
            columns=phase_categories,
            counts=dict(by_type_phase),
            row_title=_l("Soort casus"),
            column_title=_l("Fase"),
            chart="stacked",
            note=note,
        ),
    ]
    if scope.team_user_ids is not None:
        tables += _per_regisseur(session, scope, keys, phase_categories, where, status_id, note)
    tables.append(_trend(session, scope, filters, keys))
    return tables


def _per_regisseur(
    session: Session,
    scope: ReportScope,
    keys: common.TypeKeys,
    phase_categories: tuple[Category, ...],
    where: list[Any],
    status_id: Any,
    note: Any,
) -> list[CountTable]:
    """Open cases per procesregisseur and per casusregisseur of the team, per phase (one GROUP BY each)."""
    team = sorted(scope.team_user_ids or ())
    tables = []
    kinds = (
        ("by_process_coordinator", _l("Open casussen per procesregisseur (eigen team)"), Case.process_coordinator_id),
        ("by_case_manager", _l("Open casussen per casusregisseur (eigen team)"), CasePlan.case_manager_id),
    )
    for key, title, regisseur in kinds:
        joins = CasePlan if regisseur is CasePlan.case_manager_id else None
        query = (
            select(regisseur.label("regisseur"), StatusType.code.label("phase"))
            .select_from(Case)
            .join(StatusType, StatusType.id == status_id)
        )
        if joins is not None:
            query = query.join(CasePlan, CasePlan.case_id == Case.id)
        rows = query.where(*where, regisseur.in_(team) if team else false()).subquery("regisseurs")
        grouped = common.grouped(rows, "regisseur", "phase")
        counts = {(str(user_id), phase): count for user_id, phase, count in session.execute(grouped)}
        users = sorted({int(user) for user, _phase in counts})
        names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(users))).all())
        rows = tuple(
            sorted((Category(str(u), names.get(u, str(u))) for u in users), key=lambda c: (str(c.label), c.key))
        )
        tables.append(
            CountTable(
                key=key,
                title=title,
                unit="cases",
                rows=rows,
                columns=phase_categories,
                counts=counts,
                row_title=_l("Regisseur"),
                column_title=_l("Fase"),
                chart="stacked",
                note=note,
            )
        )
    return tables


def _trend(session: Session, scope: ReportScope, filters: ReportFilters, keys: common.TypeKeys) -> CountTable:
    """Open cases at the end of every month: openings minus closings, accumulated from before the period."""
    buckets = common.months(filters)
    type_id = common.type_key(Case.case_type_id, keys).label("type_id")
    clauses = _scope_clauses(scope, filters)
    moves: Counter[tuple[str, str]] = Counter()
    for column, sign in ((Case.opened_at, 1), (Case.closed_at, -1)):
        rows = (
            select(type_id, common.bucket(column, buckets, before=True).label("month"))
            .where(*clauses, column.is_not(None))
            .subquery("moves")
        )
        for type_value, position, count in session.execute(common.grouped(rows, "type_id", "month")):
            month_key = BEFORE if position == common.BEFORE_FIRST else common.bucket_key(position, buckets)
            if month_key is None:
                continue
            moves[(keys.key(type_value), month_key)] += sign * count
    counts: dict[tuple[str, str], int] = {}
    for category in keys.categories:
        running = moves[(category.key, BEFORE)]
        for month_key, _first, _following in buckets:
            running += moves[(category.key, month_key)]
            counts[(category.key, month_key)] = running
    return CountTable(
        key="trend",
        title=_l("Open casussen aan het eind van elke maand"),
        unit="cases",
        rows=keys.categories,
        columns=tuple(Category(k, common.month_label(k)) for k, _f, _n in buckets),
        counts=counts,
        row_title=_l("Soort casus"),
        column_title=_l("Maand"),
        chart="line",
        note=_l("Per maand: geopend vóór het einde van de maand en toen nog niet afgesloten."),
        row_sums=False,  # open cases at twelve month ends do not add up
    )
