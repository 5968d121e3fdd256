"""Signal forms: input shape only; the rules live in ``casebook.signals.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from casebook.cases.forms import optional_int
from casebook.i18n import CHANNEL_LABELS, SUBJECT_ROLE_LABELS, TRIAGE_DECISION_LABELS

YES_NO = [("yes", _l("ja")), ("no", _l("nee"))]


class SignalForm(FlaskForm):
    source_organisation = SelectField(_l("Bron (organisatie)"), coerce=optional_int, validators=[InputRequired()])
    channel = SelectField(_l("Kanaal"), choices=list(CHANNEL_LABELS.items()), validators=[InputRequired()])
    case_type = SelectField(_l("Casustype"), coerce=optional_int, validators=[InputRequired()])
    district = SelectField(_l("Wijk"), coerce=optional_int, validators=[Optional()])
    description = TextAreaField(
        _l("Omschrijving van het signaal"), validators=[DataRequired(_l("Beschrijf het signaal.")), Length(max=20000)]
    )
    subject_informed = RadioField(
        _l("Is de betrokkene geïnformeerd?"), choices=YES_NO, validators=[InputRequired(_l("Kies ja of nee."))]
    )
    not_informed_reason = TextAreaField(
        _l("Reden waarom niet (bijvoorbeeld lopend onderzoek of veiligheid)"), validators=[Optional(), Length(max=2000)]
    )

    def validate(self, extra_validators=None) -> bool:  # type: ignore[override]
        valid = super().validate(extra_validators)
        if self.subject_informed.data == "no" and not (self.not_informed_reason.data or "").strip():
            self.not_informed_reason.errors = [*self.not_informed_reason.errors, str(_l("Geef een reden."))]
            valid = False
        return valid


class PersonSearchForm(FlaskForm):
    """Posted, never in a query string: a BSN or a name with a birth date must not end up in URLs,
    proxy logs or browser history."""

    bsn = StringField(_l("BSN"), validators=[Optional(), Length(max=20)])
    family_name = StringField(_l("Achternaam"), validators=[Optional(), Length(max=200)])
    birth_date = DateField(_l("Geboortedatum"), validators=[Optional()])


ROLE_CHOICES = list(SUBJECT_ROLE_LABELS.items())


class LinkPersonForm(FlaskForm):
    person_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    role = SelectField(_l("Rol"), choices=ROLE_CHOICES, validators=[InputRequired()])
    bsn = HiddenField()
    family_name = HiddenField()
    birth_date = HiddenField()


class NewPersonForm(FlaskForm):
    """Shown on the same page as ``PersonSearchForm``: its ids differ, so each label names its own field."""

    given_names = StringField(_l("Voornamen"), validators=[Optional(), Length(max=200)])
    family_name = StringField(
        _l("Achternaam"),
        validators=[DataRequired(_l("Vul de achternaam in.")), Length(max=200)],
        id="new_person_family_name",
    )
    birth_date = DateField(
        _l("Geboortedatum"), validators=[InputRequired(_l("Vul de geboortedatum in."))], id="new_person_birth_date"
    )
    bsn = StringField(_l("BSN (als bekend)"), validators=[Optional(), Length(max=20)], id="new_person_bsn")
    role = SelectField(_l("Rol"), choices=ROLE_CHOICES, validators=[InputRequired()])
    confirm_distinct = BooleanField(_l("Ik heb gecontroleerd: geen van de gevonden personen is dezelfde persoon"))
    distinct_ids = HiddenField()

    def confirmed_ids(self) -> set[int]:
        if not self.confirm_distinct.data:
            return set()
        return {int(part) for part in (self.distinct_ids.data or "").split(",") if part.strip().isdigit()}


class UnlinkPersonForm(FlaskForm):
    """Only the CSRF token."""


class TriageForm(FlaskForm):
    criterion_a = RadioField(
        _l("a. Problemen op meerdere leefgebieden die leiden tot criminaliteit, overlast of verloedering"),
        choices=YES_NO,
        validators=[InputRequired(_l("Beantwoord dit criterium."))],
    )
    criterion_b = RadioField(
        _l("b. Meerdere ketens nodig (in ieder geval dwang en drang)"),
        choices=YES_NO,
        validators=[InputRequired(_l("Beantwoord dit criterium."))],
    )
    criterion_c = RadioField(
        _l("c. Impact op het gezinssysteem of de omgeving"),
        choices=YES_NO,
        validators=[InputRequired(_l("Beantwoord dit criterium."))],
    )
    criterion_d = RadioField(
        _l("d. Ernstig lokaal veiligheidsprobleem"),
        choices=YES_NO,
        validators=[InputRequired(_l("Beantwoord dit criterium."))],
    )
    decision = RadioField(
        _l("Besluit"), choices=list(TRIAGE_DECISION_LABELS.items()), validators=[InputRequired(_l("Kies een besluit."))]
    )
    reason = TextAreaField(
        _l("Onderbouwing"), validators=[DataRequired(_l("Onderbouw het besluit.")), Length(max=10000)]
    )
    lead_organisation = SelectField(_l("Regiehouder (bij casus openen)"), coerce=optional_int, validators=[Optional()])
    process_coordinator = SelectField(
        _l("Procesregisseur (bij casus openen)"), coerce=optional_int, validators=[Optional()]
    )
    referred_to = SelectField(
        _l("Doorverwijzen naar (bij doorverwijzen)"), coerce=optional_int, validators=[Optional()]
    )


# -- the weegtafel's work: filters, assignment, information requests ----------------------------


class QueueFilterForm(FlaskForm):
    """The weegtafel's filters (GET: no CSRF token; choices filled by the view)."""

    class Meta:
        csrf = False

    source = SelectField(_l("Bron"), coerce=optional_int, validators=[Optional()])
    district = SelectField(_l("Wijk"), coerce=optional_int, validators=[Optional()])
    overdue = BooleanField(_l("Alleen te laat"))
    mine = BooleanField(_l("Aan mij toegewezen"))


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Toegewezen aan"), coerce=optional_int, validators=[Optional()])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AskForm(FlaskForm):
    organisation = SelectField(
        _l("Partnerorganisatie"), coerce=optional_int, validators=[InputRequired(_l("Kies een organisatie."))]
    )
    question = TextAreaField(_l("Vraag"), validators=[DataRequired(_l("Stel de vraag.")), Length(max=4000)])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Antwoord"), validators=[DataRequired(_l("Geef het antwoord.")), Length(max=10000)])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
