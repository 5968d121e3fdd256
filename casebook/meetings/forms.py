"""Casusoverleg forms: input shape only; the rules live in ``casebook.meetings.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from casebook.meetings.services import MAX_DECISION_LENGTH


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Naam van het overleg"),
        validators=[DataRequired(message=_l("Geef het overleg een naam.")), Length(max=200)],
        default="Casusoverleg PGA",
    )
    held_on = DateField(_l("Datum"), validators=[DataRequired(message=_l("Kies de datum van het overleg."))])
    organisations = MultiCheckboxField(_l("Uitgenodigde organisaties"), coerce=str)


class AgendaForm(FlaskForm):
    reference = StringField(
        _l("Casus (kenmerk)"), validators=[DataRequired(message=_l("Vul het kenmerk van een casus in."))]
    )


class DecisionForm(FlaskForm):
    decision = TextAreaField(
        _l("Besluit"),
        validators=[DataRequired(message=_l("Schrijf het besluit.")), Length(max=MAX_DECISION_LENGTH)],
        render_kw={"rows": 5},
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # the decision the user saw
