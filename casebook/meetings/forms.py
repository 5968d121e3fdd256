"""Casusoverleg forms: input shape only; the rules live in ``casebook.meetings.services`` and
``casebook.meetings.preparation``. Choices (organisations, persons, meetings) are filled by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casebook.meetings.details import MAX_LOCATION_LENGTH
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
    starts_at = TimeField(_l("Begintijd"), validators=[Optional()])
    ends_at = TimeField(_l("Eindtijd"), validators=[Optional()])
    location = StringField(_l("Locatie"), validators=[Optional(), Length(max=MAX_LOCATION_LENGTH)])
    organisations = MultiCheckboxField(_l("Uitgenodigde organisaties"), coerce=str)
    chair = SelectField(_l("Voorzitter"), coerce=str, validate_choice=False)
    minute_taker = SelectField(_l("Notulist"), coerce=str, validate_choice=False)
    persons = MultiCheckboxField(_l("Uitgenodigde personen"), coerce=str)


class MeetingEditForm(MeetingForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # the meeting the user saw


class AttendanceForm(FlaskForm):
    organisations = MultiCheckboxField(_l("Aanwezige organisaties"), coerce=str)
    persons = MultiCheckboxField(_l("Aanwezige personen"), coerce=str)
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AgendaForm(FlaskForm):
    reference = StringField(
        _l("Casus (kenmerk)"), validators=[DataRequired(message=_l("Vul het kenmerk van een casus in."))]
    )


class PlaceCaseForm(FlaskForm):
    """Agenderen from the case page: one of the coming meetings the user runs."""

    meeting = SelectField(_l("Overleg"), coerce=str, validators=[DataRequired(message=_l("Kies een komend overleg."))])


class DecisionForm(FlaskForm):
    decision = TextAreaField(
        _l("Besluit"),
        validators=[DataRequired(message=_l("Schrijf het besluit.")), Length(max=MAX_DECISION_LENGTH)],
        render_kw={"rows": 5},
    )
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])  # the decision the user saw
