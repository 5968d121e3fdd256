"""Intervention form: input shape only; the rules live in ``casebook.interventions.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casebook.interventions.services import MAX_OUTCOME_LENGTH


class InterventionForm(FlaskForm):
    """Choices (kinds, organisations) are filled by the view."""

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
