"""Dutch labels of the plan's steering values (goal status, progress, evaluation decision)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

GOAL_STATUS_LABELS = {
    "open": _l("open"),
    "achieved": _l("bereikt"),
    "partly_achieved": _l("deels bereikt"),
    "not_achieved": _l("niet bereikt"),
    "withdrawn": _l("vervallen"),
}
GOAL_PROGRESS_LABELS = {
    "declined": _l("achteruitgang"),
    "none": _l("geen voortgang"),
    "some": _l("enige voortgang"),
    "good": _l("goede voortgang"),
}
EVALUATION_DECISION_LABELS = {
    "continue": _l("plan voortzetten"),
    "adjust": _l("plan bijstellen"),
    "step_down": _l("afschalen"),
    "close": _l("afsluiten"),
}
GOAL_FIELD_LABELS = {
    "text": _l("tekst"),
    "target_on": _l("streefdatum"),
    "status": _l("status"),
    "owner_organisation": _l("eigenaar"),
}


def register(app: Flask) -> None:
    """The labels as template functions, like the other enumerations' (``casebook.i18n``)."""
    for name, labels in (
        ("goal_status_label", GOAL_STATUS_LABELS),
        ("goal_progress_label", GOAL_PROGRESS_LABELS),
        ("evaluation_decision_label", EVALUATION_DECISION_LABELS),
        ("goal_field_label", GOAL_FIELD_LABELS),
    ):
        app.add_template_global(lambda value, labels=labels: labels.get(str(value), str(value)), name)
