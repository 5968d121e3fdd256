"""Intervention form: input shape only; the rules live in ``casebook.interventions.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casebook.interventions.services import MAX_OUTCOME_LENGTH

STATUS_CHOICES = [("done", _l("Uitgevoerd")), ("planned", _l("Gepland"))]


class InterventionForm(FlaskForm):
    """Choices (kinds, organisations, goals, subjects) are filled by the view."""

    status = RadioField(_l("Stand"), choices=STATUS_CHOICES, default="done", validators=[Optional()])
    kind = SelectField(_l("Soort interventie"), validators=[DataRequired(message=_l("Kies een soort interventie."))])
    occurred_on = DateField(_l("Datum"), validators=[DataRequired(message=_l("Kies een geldige datum."))])
    # Its own id: the case page also shows the participants form, whose organisation field is "organisation".
    organisation = SelectField(
        _l("Uitgevoerd door"),
        validators=[DataRequired(message=_l("Kies een organisatie."))],
        id="intervention_organisation",
    )
    outcome = TextAreaField(
        _l("Resultaat"), validators=[Optional(), Length(max=MAX_OUTCOME_LENGTH)], render_kw={"rows": 3}
    )
    goal = SelectField(_l("Voor doel (plan van aanpak)"), validators=[Optional()], id="intervention_goal")
    subject = SelectField(_l("Betreft"), validators=[Optional()], id="intervention_subject")


class SettleForm(FlaskForm):
    """Marks a planned intervention done or cancelled, from the version the user saw."""

    status = HiddenField(validators=[InputRequired()])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    occurred_on = DateField(_l("Uitgevoerd op"), validators=[Optional()])
