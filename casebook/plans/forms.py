"""Plan forms: input shape only; the rules live in ``casebook.plans.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casebook.cases.forms import VersionedForm
from casebook.i18n import ACTION_STATUS_LABELS, LIFE_DOMAIN_LABELS
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


class EvaluationForm(VersionedForm):
    next_evaluation_on = DateField(_l("Volgende evaluatie"), validators=[Optional()])


class CaseManagerForm(VersionedForm):
    case_manager = SelectField(_l("Casusregisseur"), validators=[Optional()], default="")
