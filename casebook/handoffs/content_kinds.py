"""The case content a handoff can share: shared journal notes, interventions and plan goals.

Registered into ``casebook.handoffs.items`` by ``register(app)``. The sender picks only from the case being handed over
and only what they may read; internal notes are never offered, never accepted and never shown.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs.items import (
    ItemChoice,
    RenderContext,
    RenderedItem,
    SharedItemKind,
    mask_bsns,
    register_item_kind,
)
from casebook.i18n import LIFE_DOMAIN_LABELS, select_locale
from casebook.interventions.models import Intervention
from casebook.journal.models import Note, NoteVisibility
from casebook.plans.models import PlanGoal

MAX_CHOICES = 50


def _text(text: str | None, context: RenderContext) -> str | None:
    return text if context.bsn_allowed else mask_bsns(text)


def _of_case(model: type, case: Case, item_id: int) -> Any | None:
    item = db.session.get(model, item_id)
    return item if item is not None and item.case_id == case.id else None


def _note_choices(user: User, case: Case) -> list[ItemChoice]:
    if not can(user, Action.READ_NOTES, case):
        return []
    notes = db.session.scalars(
        select(Note)
        .where(Note.case_id == case.id, Note.visibility == NoteVisibility.SHARED)
        .order_by(Note.created_at.desc(), Note.id.desc())
        .limit(MAX_CHOICES)
    )
    return [ItemChoice(n.id, f"{n.created_at:%Y-%m-%d} — {n.author_organisation.name}") for n in notes]


def _intervention_choices(user: User, case: Case) -> list[ItemChoice]:
    if not can(user, Action.VIEW_CASE, case):
        return []
    rows = db.session.scalars(
        select(Intervention)
        .where(Intervention.case_id == case.id)
        .order_by(Intervention.occurred_on.desc(), Intervention.id.desc())
        .limit(MAX_CHOICES)
    )
    return [ItemChoice(i.id, f"{i.occurred_on:%Y-%m-%d} — {i.kind.label(select_locale())}") for i in rows]


def _goal_choices(user: User, case: Case) -> list[ItemChoice]:
    if not can(user, Action.VIEW_CASE, case):
        return []
    goals = db.session.scalars(
        select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.created_at).limit(MAX_CHOICES)
    )
    return [ItemChoice(g.id, str(LIFE_DOMAIN_LABELS[g.domain.value])) for g in goals]


# what a handoff can share; ``register(app)`` adds them to the app (from ``casebook.handoffs.init_app``)
KINDS = (
    SharedItemKind(
        kind="note",
        label=_l("Journaalnotitie"),
        candidates=_note_choices,
        load=lambda case, item_id: _of_case(Note, case, item_id),
        is_internal=lambda note: note.visibility is not NoteVisibility.SHARED,
        render=lambda note, ctx: RenderedItem(
            kind_label=_l("Journaalnotitie"),
            title=note.author_organisation.name,
            text=_text(note.body, ctx),
            at=note.created_at,
        ),
    ),
    SharedItemKind(
        kind="intervention",
        label=_l("Interventie"),
        candidates=_intervention_choices,
        load=lambda case, item_id: _of_case(Intervention, case, item_id),
        is_internal=lambda _item: False,
        render=lambda item, ctx: RenderedItem(
            kind_label=_l("Interventie"),
            title=item.kind.label(select_locale()),
            text=_text(item.outcome, ctx),
        ),
    ),
    SharedItemKind(
        kind="plan_goal",
        label=_l("Doel uit het plan van aanpak"),
        candidates=_goal_choices,
        load=lambda case, item_id: _of_case(PlanGoal, case, item_id),
        is_internal=lambda _goal: False,
        render=lambda goal, ctx: RenderedItem(
            kind_label=_l("Doel uit het plan van aanpak"),
            title=str(LIFE_DOMAIN_LABELS[goal.domain.value]),
            text=_text(goal.text, ctx),
            at=goal.created_at,
        ),
    ),
)


def register(app: Flask) -> None:
    """Register the shared item kinds into ``app``."""
    for kind in KINDS:
        register_item_kind(kind, app)
