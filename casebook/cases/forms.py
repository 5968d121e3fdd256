"""Case forms: input shape only; rules live in the services. The list's forms are in ``list_forms``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput


def optional_int(value: object) -> int | None:
    """Coerce a posted select value: empty means "none"; anything not a number is invalid."""
    if value in (None, "", "None"):
        return None
    return int(value)  # type: ignore[arg-type]


class VersionedForm(FlaskForm):
    """A form that changes a case: carries the version it was loaded at (optimistic locking)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class TransitionForm(VersionedForm):
    to_status = SelectField(_l("Nieuwe status"), coerce=optional_int, validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reden (verplicht als dit niet de volgende stap is)"), validators=[Optional(), Length(max=2000)]
    )


class ProposeClosureForm(VersionedForm):
    result = SelectField(_l("Resultaat"), coerce=optional_int, validators=[InputRequired(_l("Kies een resultaat."))])
    summary = TextAreaField(
        _l("Samenvatting bij afsluiten"), validators=[DataRequired(_l("Schrijf een samenvatting.")), Length(max=10000)]
    )


class DecideClosureForm(VersionedForm):
    decision = RadioField(
        _l("Besluit"),
        choices=[("approve", _l("Goedkeuren en afsluiten")), ("send_back", _l("Terugsturen"))],
        validators=[InputRequired(_l("Kies goedkeuren of terugsturen."))],
    )
    comment = TextAreaField(_l("Toelichting (verplicht bij terugsturen)"), validators=[Optional(), Length(max=4000)])


class ReopenForm(VersionedForm):
    to_status = SelectField(_l("Verder in status"), coerce=optional_int, validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reden voor heropenen"), validators=[DataRequired(_l("Geef een reden.")), Length(max=2000)]
    )


class EditCaseForm(VersionedForm):
    district = SelectField(_l("Wijk"), coerce=optional_int, validators=[Optional()])
    confidentiality = SelectField(_l("Vertrouwelijkheid"), coerce=optional_int, validators=[Optional()])
    next_evaluation_on = DateField(_l("Volgende evaluatie"), validators=[Optional()])
    process_coordinator = SelectField(_l("Procesregisseur"), coerce=optional_int, validators=[Optional()])


class AddParticipantForm(FlaskForm):
    organisation = SelectField(_l("Organisatie"), coerce=optional_int, validators=[InputRequired()])
    involvement = SelectField(
        _l("Rol"),
        choices=[
            ("contributor", _l("betrokken partner")),
            ("observer", _l("meelezer")),
            ("lead", _l("regiehouder (alleen medewerkers van de regiehouder)")),
        ],
        validators=[InputRequired()],
    )
    user = SelectField(_l("Medewerker (optioneel)"), coerce=optional_int, validators=[Optional()])


class EndParticipantForm(FlaskForm):
    """Only the CSRF token: the participation is named in the URL."""
