"""Forms of the privacy officer's request screens. Input shape only; the services hold the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casebook.subject_requests.corrections import RECTIFIABLE_FIELDS
from casebook.subject_requests.models import RequestKind

KIND_LABELS = {
    RequestKind.ACCESS: _l("inzage (art. 15)"),
    RequestKind.RECTIFICATION: _l("rectificatie (art. 16)"),
    RequestKind.ERASURE: _l("verwijdering (art. 17)"),
    RequestKind.RESTRICTION: _l("beperking van de verwerking (art. 18)"),
    RequestKind.OBJECTION: _l("bezwaar (art. 21)"),
}
STATUS_LABELS = {"open": _l("open"), "completed": _l("afgehandeld"), "rejected": _l("afgewezen")}


class RequestForm(FlaskForm):
    kind = SelectField(_l("Soort verzoek"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    received_on = DateField(_l("Ontvangen op"), validators=[DataRequired(message=_l("Geef de ontvangstdatum."))])
    bsn = StringField(_l("BSN"), validators=[Optional(), Length(max=12)])
    family_name = StringField(_l("Achternaam"), validators=[Optional(), Length(max=200)])
    birth_date = DateField(_l("Geboortedatum"), validators=[Optional()])
    description = TextAreaField(_l("Omschrijving van het verzoek"), validators=[Optional(), Length(max=5000)])


class ExtendForm(FlaskForm):
    version = HiddenField(id="extension-version")
    reason = TextAreaField(
        id="extension-reason",
        label=_l("Reden van de verlenging"),
        validators=[DataRequired(message=_l("Geef de reden van de verlenging.")), Length(max=2000)],
    )


class CompleteForm(FlaskForm):
    version = HiddenField(id="completion-version")
    decision = SelectField(_l("Besluit"), choices=[("completed", _l("afgehandeld")), ("rejected", _l("afgewezen"))])
    outcome = TextAreaField(
        _l("Afhandeling"), validators=[DataRequired(message=_l("Beschrijf de afhandeling.")), Length(max=5000)]
    )


class RectifyForm(FlaskForm):
    field = SelectField(id="rectification-field", label=_l("Gegeven"), choices=list(RECTIFIABLE_FIELDS.items()))
    value = StringField(
        id="rectification-value",
        label=_l("Juiste waarde"),
        validators=[DataRequired(message=_l("Geef de juiste waarde.")), Length(max=300)],
    )
    reason = TextAreaField(
        id="rectification-reason",
        label=_l("Reden van de rectificatie"),
        validators=[DataRequired(message=_l("Geef de reden van de rectificatie.")), Length(max=2000)],
    )


class RestrictForm(FlaskForm):
    target = SelectField(id="restriction-target", label=_l("Beperken"), choices=[])  # "person", or a case id
    reason = TextAreaField(
        id="restriction-reason",
        label=_l("Reden van de beperking"),
        validators=[DataRequired(message=_l("Geef de reden van de beperking.")), Length(max=2000)],
    )


class LiftForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden van het opheffen"),
        validators=[DataRequired(message=_l("Geef de reden van het opheffen.")), Length(max=2000)],
    )
