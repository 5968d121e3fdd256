"""What on a case a document belongs to: a goal of the plan, an agenda item, the case's origin signal.

At most one tie per document; none means the case as a whole. A tie is accepted only to something of
*this* case that the uploader may see — a goal needs the case's content (``READ_CASE_CONTENT``), an
agenda item the meetings rule (``VIEW_AGENDA_ITEM``), the signal must be the one the case came from.
Anything else gets one refusal, the same for another case's item as for a missing one, so the answer
never tells whether an id exists. Shown ties follow the same rules: a reader who may not see the goal
or the meeting reads "een doel" or "een casusoverleg", never its text or date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from casebook.access import Action, can
from casebook.access.policy import MAX_ID
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.documents.models import Document
from casebook.i18n import LIFE_DOMAIN_LABELS

# the kinds as the API names them, and the document's column for each
KINDS = {"goal": "plan_goal_id", "agenda_item": "agenda_item_id", "signal": "signal_id"}
REFUSED = "Dit onderdeel hoort niet bij deze casus."
ONE_ONLY = "Een document hoort bij de casus als geheel of bij één onderdeel ervan."
GOAL_TEXT_LENGTH = 80


@dataclass(frozen=True)
class Tie:
    """A document's tie as one reader may see it: what kind, its id, the label and where it is shown."""

    kind: str  # "case" | "goal" | "agenda_item" | "signal"
    id: int | None
    label: str
    url: str | None = None


def _refused(field: str) -> Exception:
    from casebook.documents.services import DocumentRefused

    return DocumentRefused(REFUSED, field)


def _is_id(value: int) -> bool:
    return 0 < value <= MAX_ID


def visible_goal(user: User, case: Case, goal_id: int) -> Any | None:
    """The goal ``goal_id`` of ``case`` if ``user`` may read the case's content, else None (another
    case's goal and a missing one alike)."""
    from casebook.plans.models import PlanGoal

    goal = db.session.get(PlanGoal, goal_id) if _is_id(goal_id) else None
    if goal is None or goal.case_id != case.id or not can(user, Action.READ_CASE_CONTENT, case):
        return None
    return goal


def _goal(user: User, case: Case, goal_id: int) -> int:
    goal = visible_goal(user, case, goal_id)
    if goal is None:
        raise _refused("plan_goal_id")
    return goal.id


def _agenda_item(user: User, case: Case, item_id: int) -> int:
    from casebook.meetings.models import AgendaItem

    item = db.session.get(AgendaItem, item_id)
    if item is None or item.case_id != case.id or not can(user, Action.VIEW_AGENDA_ITEM, item):
        raise _refused("agenda_item_id")
    return item.id


def _signal(user: User, case: Case, signal_id: int) -> int:
    from casebook.signals.models import Signal

    signal = db.session.get(Signal, signal_id)
    if signal is None or signal.case_id != case.id or not can(user, Action.VIEW_CASE, case):
        raise _refused("signal_id")
    return signal.id


def resolve(
    user: User,
    case: Case,
    *,
    plan_goal_id: int | None = None,
    agenda_item_id: int | None = None,
    signal_id: int | None = None,
) -> dict[str, int | None]:
    """The document's tie columns for an upload by ``user`` to ``case``.

    :raises DocumentRefused: more than one tie, or one to something not of this case (or not visible).
    """
    from casebook.documents.services import DocumentRefused

    given = {"plan_goal_id": plan_goal_id, "agenda_item_id": agenda_item_id, "signal_id": signal_id}
    chosen = [(key, value) for key, value in given.items() if value is not None]
    links: dict[str, int | None] = dict.fromkeys(given)
    if len(chosen) > 1:
        raise DocumentRefused(ONE_ONLY, chosen[1][0])
    if not chosen:
        return links
    key, value = chosen[0]
    if not _is_id(value):  # an id no row can have (the columns are INTEGER): refused like any other
        raise _refused(key)
    check = {"plan_goal_id": _goal, "agenda_item_id": _agenda_item, "signal_id": _signal}[key]
    links[key] = check(user, case, value)
    return links


# -- the upload form's choices -----------------------------------------------------------------------


def goal_label(goal: Any) -> str:
    """As the plan tab's forms name a goal: the life domain and the start of its text."""
    return f"{LIFE_DOMAIN_LABELS[goal.domain.value]}: {goal.text[:GOAL_TEXT_LENGTH]}"


def goal_short(goal: Any) -> str:
    """ "Doel Wonen": how a list names the goal a document belongs to."""
    domain = str(LIFE_DOMAIN_LABELS[goal.domain.value])
    return _("Doel %(domain)s", domain=domain[:1].upper() + domain[1:])


def meeting_label(meeting: Any) -> str:
    return _("Casusoverleg van %(date)s", date=format_date(meeting.held_on, "long"))


def choices(user: User, case: Case) -> list[tuple[str, str]]:
    """The "Hoort bij" options for ``user`` on ``case``: the case as a whole, the plan's goals (for
    readers of the case's content), the agenda items the user may see, the origin signal. Values are
    ``kind:id``; three statements, whatever the size of the plan or the agenda."""
    from casebook.meetings.models import AgendaItem, Meeting
    from casebook.plans.models import PlanGoal
    from casebook.signals.models import Signal

    options: list[tuple[str, str]] = [("", _("— de casus als geheel —"))]
    if can(user, Action.READ_CASE_CONTENT, case):
        goals = db.session.scalars(select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.id))
        options += [(f"goal:{goal.id}", goal_label(goal)) for goal in goals]
    items = db.session.scalars(
        select(AgendaItem)
        .join(AgendaItem.meeting)
        .where(AgendaItem.case_id == case.id)
        .options(joinedload(AgendaItem.meeting).joinedload(Meeting.invitations))
        .order_by(Meeting.held_on, AgendaItem.id)
    ).unique()
    options += [
        (f"agenda_item:{item.id}", meeting_label(item.meeting))
        for item in items
        if can(user, Action.VIEW_AGENDA_ITEM, item)  # the meetings rule: organiser or invited, and the case
    ]
    signal = db.session.scalar(select(Signal).where(Signal.case_id == case.id))
    if signal is not None:
        options.append((f"signal:{signal.id}", _("De melding %(reference)s", reference=signal.reference)))
    return options


def parse_choice(value: str | None) -> dict[str, int | None]:
    """A form value (``kind:id``) as ``resolve`` keywords; anything malformed is an unknown id (-1),
    refused by ``resolve`` like any other id that is not of the case."""
    links: dict[str, int | None] = dict.fromkeys(KINDS.values())
    if not value:
        return links
    kind, _sep, raw = value.partition(":")
    column = KINDS.get(kind, "plan_goal_id")
    links[column] = int(raw) if raw.isdigit() and kind in KINDS else -1
    return links


def choice_of(document: Document) -> str:
    for kind, column in KINDS.items():
        if (value := getattr(document, column)) is not None:
            return f"{kind}:{value}"
    return ""


# -- showing a tie -------------------------------------------------------------------------------------


def tie_of(document: Document) -> tuple[str, int | None]:
    """The tie as data (the API's ``belongs_to``): the kind and its id; ``("case", None)`` for none."""
    for kind, column in KINDS.items():
        if (value := getattr(document, column)) is not None:
            return kind, value
    return "case", None


def describe(user: User, document: Document) -> Tie:
    """The tie as ``user`` may see it (the related rows are loaded with the document)."""
    kind, item_id = tie_of(document)
    case = document.case
    if kind == "goal" and document.plan_goal is not None:
        if not can(user, Action.READ_CASE_CONTENT, case):
            return Tie(kind, None, _("een doel van het plan"))  # no id: the reader may not see the goal
        label = goal_short(document.plan_goal)
        url = url_for("cases.section", case_id=case.id, path="plan", _anchor=f"goal-{item_id}")
        return Tie(kind, item_id, label, url)
    if kind == "agenda_item" and document.agenda_item is not None:
        if not can(user, Action.VIEW_AGENDA_ITEM, document.agenda_item):
            return Tie(kind, None, _("een casusoverleg"))  # no id: the reader may not see the meeting
        return Tie(kind, item_id, meeting_label(document.agenda_item.meeting))
    if kind == "signal" and document.signal is not None:
        return Tie(kind, item_id, _("De melding %(reference)s", reference=document.signal.reference))
    return Tie("case", None, _("de casus als geheel"))


def tie_options() -> tuple[Any, ...]:
    """Loader options that bring a document's tie along in the statement that reads it."""
    from casebook.meetings.models import AgendaItem, Meeting

    return (
        joinedload(Document.plan_goal),
        joinedload(Document.agenda_item).joinedload(AgendaItem.meeting).joinedload(Meeting.invitations),
        joinedload(Document.signal),
    )


def counts_by_goal(user: User, case: Case) -> dict[int, int]:
    """How many documents ``user`` may read belong to each goal of ``case``: one statement, once per
    request; empty for who may not list the case's documents. Counts only, no titles: not audited."""
    cache: dict[int, dict[int, int]] | None = None
    if has_request_context():
        cache = g.setdefault("casebook_goal_document_counts", {})
        if case.id in cache:
            return cache[case.id]
    from casebook.documents.services import readable_by

    counts: dict[int, int] = {}
    if can(user, Action.LIST_DOCUMENTS, case):
        rows = db.session.execute(
            select(Document.plan_goal_id, func.count(Document.id))
            .where(
                Document.case_id == case.id,
                Document.plan_goal_id.is_not(None),
                readable_by(user),
            )
            .group_by(Document.plan_goal_id)
        )
        counts = {goal_id: count for goal_id, count in rows}
    if cache is not None:
        cache[case.id] = counts
    return counts
