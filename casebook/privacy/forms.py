"""The privacy officer's forms: input shape only; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from casebook.people.forms import _bsn_digits, valid_bsn

_TEXT = [DataRequired(), Length(max=4000)]


class ActivityForm(FlaskForm):
    """A new version of one activity of the register; ``version`` is the one the officer edited."""

    version = HiddenField(validators=[InputRequired()])
    name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=200)])
    controller = StringField(_l("Verwerkingsverantwoordelijke"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Doel"), validators=_TEXT)
    legal_basis = TextAreaField(_l("Grondslag"), validators=_TEXT)
    categories_of_persons = TextAreaField(_l("Categorieën betrokkenen"), validators=_TEXT)
    categories_of_data = TextAreaField(_l("Categorieën persoonsgegevens"), validators=_TEXT)
    recipients = TextAreaField(_l("Ontvangers"), validators=_TEXT)
    retention = TextAreaField(_l("Bewaartermijn"), validators=_TEXT)
    log_retention_days = IntegerField(
        _l("Bewaartermijn verwerkingslog (dagen)"), validators=[InputRequired(), NumberRange(min=1, max=36500)]
    )
    security_measures = TextAreaField(_l("Beveiligingsmaatregelen"), validators=_TEXT)


class SubjectLogForm(FlaskForm):
    """The BSN of a data subject whose log lines are asked for. Posted, so the BSN is in no URL or log."""

    bsn = StringField(_l("BSN"), filters=[_bsn_digits], validators=[DataRequired(), Length(max=20), valid_bsn])
