"""The built-in widgets of My work: my cases, evaluations due, signals to triage, closures to approve.

"My cases" are the open cases the user is named on (``casebook.work.mine``: procesregisseur,
casusregisseur, named participant, owner of an open action); the organisation-wide list stays on
the case list. Every list and its count come from one query limited by ``case_scope``, so a count
never includes a case the user cannot see; each tile links to the paged list behind it
(``casebook.work.lists``); whether a widget applies to the user is the policy's answer
(``can(user, Action.X)``), never a role check.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casebook import audit
from casebook.access import Action, can, case_scope
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.i18n import select_locale, show_date
from casebook.signals.services import queue_counts
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget, widgets_for
from casebook.work.lists import EVALUATION_HORIZON_DAYS, closures_clause, evaluations_clause, open_case_clause
from casebook.work.mine import mine_clause

ITEMS_SHOWN = 10


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(Case.id)).where(*conditions)) or 0


def _cases(*conditions, order) -> list[Case]:
    return list(db.session.scalars(select(Case).where(*conditions).order_by(*order).limit(ITEMS_SHOWN)))


def _case_item(case: Case, note: str | None = None, flagged: bool = False) -> WidgetItem:
    return WidgetItem(
        label=f"{case.reference} · {case.case_type.label(select_locale())}",
        url=url_for("cases.detail", case_id=case.id),
        note=note,
        flagged=flagged,
    )


def my_cases(user: User, today: date) -> WorkWidget | None:
    if not can(user, Action.UPDATE_CASE):  # for those who work on cases
        return None
    conditions = (case_scope(user), mine_clause(user), open_case_clause())
    cases = _cases(*conditions, order=(Case.opened_at.desc(), Case.id.desc()))
    return WorkWidget(
        key="my_cases",
        title=_("Mijn casussen"),
        count=_count(*conditions),
        items=[_case_item(c, note=c.status.label(select_locale())) for c in cases],
        more_url=url_for("cases.index", mine=1),
        empty_text=_("U bent op geen open casus procesregisseur, casusregisseur, benoemde deelnemer of actiehouder."),
    )


def evaluations_due(user: User, today: date) -> WorkWidget | None:
    if not can(user, Action.UPDATE_CASE):  # the evaluation date is set by those who work on the case
        return None
    conditions = evaluations_clause(user, today)
    cases = _cases(*conditions, order=(Case.next_evaluation_on, Case.id))
    overdue = _count(*conditions, Case.next_evaluation_on < today)
    return WorkWidget(
        key="evaluations_due",
        title=_("Evaluaties binnen %(days)d dagen", days=EVALUATION_HORIZON_DAYS),
        count=_count(*conditions),
        items=[
            _case_item(c, note=show_date(c.next_evaluation_on), flagged=c.next_evaluation_on < today) for c in cases
        ],
        more_url=url_for("work.evaluations"),
        flagged_count=overdue,
        flagged_label=_("verstreken"),
        empty_text=_("Geen evaluaties op korte termijn."),
    )


def signals_to_triage(user: User, today: date) -> WorkWidget | None:
    counts = queue_counts(user, today=today)
    if counts is None:
        return None
    total, overdue = counts
    return WorkWidget(
        key="signals",
        title=_("Meldingen om te wegen"),
        count=total,
        more_url=url_for("signals.queue"),
        flagged_count=overdue,
        flagged_label=_("te laat"),
        empty_text=_("Er wachten geen meldingen."),
    )


def closures_to_approve(user: User, today: date) -> WorkWidget | None:
    """Pending proposals the user may decide: scoped in SQL, then each case asked (they are few),
    so the count is the length of exactly the list of cases the user may approve."""
    if not can(user, Action.APPROVE_CLOSURE):
        return None
    pending = db.session.scalars(
        select(Case)
        .options(selectinload(Case.participants))  # ``can()`` reads them: one statement, not one per case
        .where(*closures_clause(user))
        .order_by(Case.closure_proposed_at, Case.id)
    )
    cases = [case for case in pending if can(user, Action.APPROVE_CLOSURE, case)]
    return WorkWidget(
        key="closures",
        title=_("Af te sluiten casussen ter goedkeuring"),
        count=len(cases),
        items=[_case_item(c, note=show_date(c.closure_proposed_at)) for c in cases[:ITEMS_SHOWN]],
        more_url=url_for("work.closures"),
        empty_text=_("Er liggen geen voorstellen tot afsluiten."),
    )


def my_work(user: User, today: date) -> list[WorkWidget]:
    """All widgets for ``user``; the page view is audited like a case list."""
    widgets = widgets_for(user, today)
    audit.record(user, str(Action.LIST_CASES), details={"view": "my_work", "widgets": [w.key for w in widgets]})
    return widgets


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "my_cases", my_cases, order=10)
    register_widget(app, "evaluations_due", evaluations_due, order=30)
    register_widget(app, "signals", signals_to_triage, order=40)
    register_widget(app, "closures", closures_to_approve, order=50)
