"""The weegtafel's work forms filled with what the policy offers (assignees, partners)."""

from __future__ import annotations

from flask_login import current_user

from casebook.signals import work
from casebook.signals.forms import AskForm, AssignForm
from casebook.signals.models import Signal


def assign_form(signal: Signal, form: AssignForm | None = None) -> AssignForm:
    """The assignment form: coordinators of the user's organisation who may weigh ``signal``."""
    if form is None:
        form = AssignForm(formdata=None)
        form.assignee.data = signal.assigned_to_id
        form.version.data = signal.version
    choices = [(None, "—")] + [(u.id, u.display_name) for u in work.assignees_for(signal, current_user)]
    form.assignee.choices = choices
    return form


def ask_form(signal: Signal, form: AskForm | None = None) -> AskForm:
    """The question form: the active partner organisations."""
    if form is None:
        form = AskForm(formdata=None)
        form.version.data = signal.version
    form.organisation.choices = [(None, "—")] + [(o.id, o.name) for o in work.partners_for(signal, current_user)]
    return form
