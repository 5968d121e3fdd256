"""My work: the user's open plan actions with their text and case, overdue ones flagged.

Derived from due dates, never copied. Two groups, and the tile says which an action is in: the
actions named for the user, and their organisation's actions nobody is named for yet. The count is
both (as before), the text is case content (only on cases whose content they may read, the read
audited); each group is paged at ``/work/actions`` (``casebook.work.lists``), all counted by the
same clauses in one statement.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.i18n import show_date
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget
from casebook.work.lists import ActionGroup, action_counts, first_actions

SHOWN = 10
TEXT_SHOWN = 80  # characters of an action's text on the tile; the list shows it whole


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"


def my_actions(user: User, today: date) -> WorkWidget | None:
    if not can(user, Action.EDIT_PLAN):  # plan actions are owned by those who work on cases
        return None
    counts = action_counts(user, today)
    rows = first_actions(user, today, SHOWN) if counts.total else []
    unassigned = _("niet toegewezen")
    items = [
        WidgetItem(
            label=f"{_short(row.description)} · {row.action.case.reference}",
            url=url_for("cases.section", case_id=row.action.case_id, path="plan", _anchor=f"action-{row.action.id}"),
            note=show_date(row.action.due_on) + ("" if row.group is ActionGroup.MINE else f" · {unassigned}"),
            flagged=row.overdue,
        )
        for row in rows
    ]
    links = []
    if counts.total:
        links = [
            WidgetItem(
                label=ngettext("%(num)d aan mij toegewezen", "%(num)d aan mij toegewezen", counts.mine),
                url=url_for("work.actions", group=ActionGroup.MINE.value),
            ),
            WidgetItem(
                label=ngettext(
                    "%(num)d van mijn organisatie, nog niemand toegewezen",
                    "%(num)d van mijn organisatie, nog niemand toegewezen",
                    counts.organisation,
                ),
                url=url_for("work.actions", group=ActionGroup.ORGANISATION.value),
            ),
        ]
    return WorkWidget(
        key="plan_actions",
        title=_("Mijn openstaande acties"),
        count=counts.total,
        items=items,
        flagged_count=counts.overdue,
        flagged_label=_("over de streefdatum"),
        empty_text=_("U heeft geen openstaande acties."),
        links=links,
    )


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "plan_actions", my_actions, order=20)
