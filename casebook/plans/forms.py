"""Plan forms: input shape only; the rules live in ``casebook.plans.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields import IntegerField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from casebook.cases.forms import VersionedForm
from casebook.i18n import ACTION_STATUS_LABELS, LIFE_DOMAIN_LABELS
from casebook.plans.labels import EVALUATION_DECISION_LABELS, GOAL_PROGRESS_LABELS, GOAL_STATUS_LABELS
from casebook.plans.services import MAX_TEXT_LENGTH


class GoalForm(FlaskForm):
    domain = SelectField(
        _l("Leefgebied"),
        choices=list(LIFE_DOMAIN_LABELS.items()),
        validators=[DataRequired(message=_l("Kies een leefgebied."))],
    )
    text = TextAreaField(
        _l("Doel"),
        validators=[DataRequired(message=_l("Beschrijf het doel.")), Length(max=MAX_TEXT_LENGTH)],
        render_kw={"rows": 3},
    )
    target_on = DateField(_l("Streefdatum (optioneel)"), validators=[Optional()])
    owner_organisation = SelectField(_l("Eigenaar (organisatie, optioneel)"), validators=[Optional()], default="")


class GoalEditForm(VersionedForm):
    """Choices of the owner are filled by the view from the case."""

    text = TextAreaField(
        _l("Doel"),
        validators=[DataRequired(message=_l("Beschrijf het doel.")), Length(max=MAX_TEXT_LENGTH)],
        render_kw={"rows": 3},
    )
    target_on = DateField(_l("Streefdatum (optioneel)"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(GOAL_STATUS_LABELS.items()))
    owner_organisation = SelectField(_l("Eigenaar (organisatie, optioneel)"), validators=[Optional()], default="")


class ActionForm(FlaskForm):
    """Choices (goal, organisations, users) are filled by the view from the case."""

    goal = SelectField(_l("Doel"), validators=[Optional()], default="")
    description = TextAreaField(
        _l("Actie"),
        validators=[DataRequired(message=_l("Beschrijf de actie.")), Length(max=MAX_TEXT_LENGTH)],
        render_kw={"rows": 3},
    )
    owner_organisation = SelectField(
        _l("Eigenaar (organisatie)"), validators=[DataRequired(message=_l("Kies een organisatie."))]
    )
    owner_user = SelectField(_l("Medewerker (optioneel)"), validators=[Optional()], default="")
    due_on = DateField(_l("Streefdatum"), validators=[DataRequired(message=_l("Kies een geldige streefdatum."))])


class ActionStatusForm(FlaskForm):
    status = SelectField(_l("Status"), choices=list(ACTION_STATUS_LABELS.items()))
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ActionEditForm(ActionForm):
    """The action form without its goal (moving is its own form), from the version seen."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ActionMoveForm(VersionedForm):
    goal = SelectField(_l("Naar doel"), validators=[DataRequired(message=_l("Kies een doel."))])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RecordEvaluationForm(VersionedForm):
    """The evaluation's fixed fields; the view adds ``progress-<goal id>`` and ``note-<goal id>``
    for each open goal of the case (``evaluation_form_for``)."""

    held_on = DateField(_l("Datum van de evaluatie"), validators=[DataRequired(message=_l("Kies een geldige datum."))])
    participants = MultiCheckboxField(_l("Deelnemende organisaties"), validators=[Optional()])
    other_participants = TextAreaField(
        _l("Andere deelnemers (optioneel)"), validators=[Optional(), Length(max=MAX_TEXT_LENGTH)], render_kw={"rows": 2}
    )
    decision = SelectField(
        _l("Besluit"),
        choices=[("", ""), *list(EVALUATION_DECISION_LABELS.items())],
        validators=[DataRequired(message=_l("Kies een besluit."))],
    )
    next_evaluation_on = DateField(_l("Volgende evaluatie"), validators=[Optional()])


def evaluation_form_for(goal_ids: list[int], **kwargs: object) -> RecordEvaluationForm:
    """A ``RecordEvaluationForm`` with a progress and a note field per goal."""

    class Form(RecordEvaluationForm):
        pass

    for goal_id in goal_ids:
        setattr(
            Form,
            f"progress-{goal_id}",
            SelectField(
                _l("Voortgang"),
                choices=[("", ""), *list(GOAL_PROGRESS_LABELS.items())],
                validators=[DataRequired(message=_l("Kies de voortgang."))],
            ),
        )
        setattr(
            Form,
            f"note-{goal_id}",
            TextAreaField(
                _l("Toelichting"), validators=[Optional(), Length(max=MAX_TEXT_LENGTH)], render_kw={"rows": 2}
            ),
        )
    return Form(**kwargs)  # type: ignore[arg-type]


class EvaluationForm(VersionedForm):
    next_evaluation_on = DateField(_l("Volgende evaluatie"), validators=[Optional()])


class CaseManagerForm(VersionedForm):
    case_manager = SelectField(_l("Casusregisseur"), validators=[Optional()], default="")
