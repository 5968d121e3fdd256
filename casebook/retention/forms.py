"""Forms of the destruction-list screens: approving a list, taking an item off it. Input shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectField
from wtforms.validators import DataRequired, InputRequired, Optional

WITHHOLD_CHOICES = [
    ("", _l("Kies een reden")),
    ("legal_hold", _l("Juridische blokkade (legal hold)")),
    ("pending_request", _l("Lopend verzoek van betrokkene")),
]


class ApproveForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])


class WithholdForm(FlaskForm):
    item_id = HiddenField(validators=[DataRequired()])
    version = IntegerField(validators=[InputRequired()])
    reason = SelectField(_l("Reden"), choices=WITHHOLD_CHOICES, validators=[DataRequired(_l("Kies een reden."))])


class DrawUpForm(FlaskForm):
    as_of = DateField(_l("Peildatum"), validators=[Optional()])
