"""Mijn meldingen: the signals a user registered, and what came of them.

A melder (a police officer, a wijkteam worker …) registers a signal and then has to hear the
outcome: was it weighed, what was decided, when and by whom. This list gives them exactly that,
and no more: the decision's kind, the decider's name and organisation, the organisation referred
to, and the reference of the case it opened only when they may see that case
(``resulting_case_visibility``). The reasoning and the case's content stay where the policy puts
them (the signal's own page shows the reasoning of a decision without a case, the answer to the
melder). Only the registrant sees their signals here (``VIEW_OWN_SIGNALS``); the list is audited
as ``signal.own.list``, the page of one signal by its loader (``signal.view``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import Action, can, require_audited
from casebook.access.rules.signals import own_signals, resulting_case_visibility
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.i18n import TRIAGE_DECISION_LABELS, select_locale
from casebook.pagination import Order, Page, PageRequest, first_page_if_invalid, paginate
from casebook.signals import bp
from casebook.signals.models import Signal
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget

# Newest first: the melder looks for what they registered last; the id makes the order total.
MINE_ORDER = Order("signals.mine", (Signal.received_at, Signal.id), descending=True)
SHOWN_ON_MY_WORK = 5


@dataclass(frozen=True)
class OwnSignal:
    """One of the user's signals as they may see it: ``case`` only when they may see that case."""

    signal: Signal
    case: Case | None

    @property
    def waiting(self) -> bool:
        return not self.signal.is_triaged


def _mine(user: User):
    return (
        select(Signal)
        .where(own_signals(user, Signal.registered_by_id))
        .options(
            joinedload(Signal.triaged_by).joinedload(User.organisation),
            joinedload(Signal.triaged_by).lazyload(User.role_rows),
            joinedload(Signal.referred_to),
        )
    )


def _visible_cases(user: User, signals: list[Signal]) -> dict[int, Case]:
    """The cases of ``signals`` the user may see, in one statement (none asked: no statement)."""
    ids = {s.case_id for s in signals if s.case_id is not None}
    if not ids:
        return {}
    cases = db.session.scalars(select(Case).where(Case.id.in_(ids), resulting_case_visibility(user)))
    return {c.id: c for c in cases}


def my_signals(user: User, page: PageRequest) -> Page[OwnSignal]:
    """One keyset page of the signals ``user`` registered, newest first. Audited as
    ``signal.own.list`` with the page's position (no free text, no case ids).

    :raises Refused: ``user`` may not follow signals (audited). :raises InvalidCursor:
    """
    require_audited(user, Action.VIEW_OWN_SIGNALS)
    result = paginate(db.session(), _mine(user), MINE_ORDER, page)
    visible = _visible_cases(user, result.items)
    audit.record(user, "signal.own.list", details={"count": len(result.items), **page.audit_details()})
    return result.map(lambda s: OwnSignal(s, visible.get(s.case_id) if s.case_id is not None else None))


def my_signal_counts(user: User) -> tuple[int, int] | None:
    """(registered, still waiting at the weegtafel) for My work, in one statement; None when
    ``user`` does not follow signals."""
    if not can(user, Action.VIEW_OWN_SIGNALS):
        return None
    waiting = func.count(when((Signal.triaged_at.is_(None), Signal.id)))
    total, open_ = db.session.execute(
        select(func.count(Signal.id), waiting).where(own_signals(user, Signal.registered_by_id))
    ).one()
    return int(total or 0), int(open_ or 0)


# -- the page ---------------------------------------------------------------------------------


@bp.get("/signals/mine")
def mine() -> str:
    asked = PageRequest.from_args(request.args, current_app.config["PAGE_SIZE"])
    result, cursor_refused = first_page_if_invalid(lambda page: my_signals(current_user, page), asked)
    return render_template(
        "signals/mine.html",
        page=result,
        args={"total": "exact"} if asked.exact_total else {},
        cursor_refused=cursor_refused,
        may_register=can(current_user, Action.REGISTER_SIGNAL),
        may_triage=can(current_user, Action.TRIAGE_SIGNALS),
    )


# -- My work ----------------------------------------------------------------------------------


def _status(item: Signal) -> str:
    if item.decision is None:
        return _("nog niet gewogen")
    return str(TRIAGE_DECISION_LABELS.get(item.decision.value, item.decision.value))


def my_signals_widget(user: User, today: date) -> WorkWidget | None:
    """The tile: how many signals I registered, how many still wait, the latest few with their
    status (metadata only: reference and decision; the list read is audited with the page's)."""
    counts = my_signal_counts(user)
    if counts is None:
        return None
    total, waiting = counts
    latest: list[Any] = []
    if total:
        latest = list(
            db.session.scalars(
                select(Signal)
                .where(own_signals(user, Signal.registered_by_id))
                .order_by(Signal.received_at.desc(), Signal.id.desc())
                .limit(SHOWN_ON_MY_WORK)
            )
        )
    locale = select_locale()
    return WorkWidget(
        key="my_signals",
        title=_("Mijn meldingen"),
        count=total,
        items=[
            WidgetItem(
                label=f"{s.reference} · {s.case_type.label(locale)}",
                url=url_for("signals.detail", signal_id=s.id),
                note=_status(s),
            )
            for s in latest
        ],
        more_url=url_for("signals.mine"),
        flagged_count=waiting,
        flagged_label=_("nog niet gewogen"),
        empty_text=_("U heeft geen meldingen geregistreerd."),
    )


def register(app: Flask) -> None:
    """Add this module's My-work tile to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "my_signals", my_signals_widget, order=45)
