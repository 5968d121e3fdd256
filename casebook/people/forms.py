"""Person forms: input shape only (the BSN's 11-proef included); rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, Field, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from casebook.cases.models import SubjectRole
from casebook.crypto import bsn_is_valid, normalise_bsn
from casebook.i18n import SUBJECT_ROLE_LABELS

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]  # the browser's date input; typed Dutch dates as a fallback
BSN_ERROR = _l("Dit is geen geldig BSN: een BSN bestaat uit 9 cijfers en moet voldoen aan de elfproef.")


def valid_bsn(_form: FlaskForm, field: Field) -> None:
    if field.data and not bsn_is_valid(field.data):
        raise ValidationError(BSN_ERROR)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _bsn_digits(value: str | None) -> str | None:
    value = _strip(value)
    return normalise_bsn(value) if value else value


class PersonSearchForm(FlaskForm):
    """Search by BSN, or by family name + birth date. Posted (with CSRF), so no BSN ends up in a URL or log."""

    bsn = StringField(_l("BSN"), filters=[_bsn_digits], validators=[Optional(), Length(max=20), valid_bsn])
    family_name = StringField(_l("Achternaam"), filters=[_strip], validators=[Optional(), Length(max=200)])
    birth_date = DateField(_l("Geboortedatum"), format=DATE_FORMATS, validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.bsn.data:
            return True
        if not self.family_name.data and not self.birth_date.data:
            self.bsn.errors.append(_l("Vul een BSN in, of een achternaam en een geboortedatum."))
            return False
        if not self.family_name.data:
            self.family_name.errors.append(_l("Vul ook de achternaam in."))
            return False
        if not self.birth_date.data:
            self.birth_date.errors.append(_l("Vul ook de geboortedatum in."))
            return False
        return True


class PersonForm(FlaskForm):
    """Register a person in a case. ``use_existing`` comes from the button of an offered match."""

    family_name = StringField(
        _l("Achternaam"), filters=[_strip], validators=[DataRequired(_l("Vul de achternaam in.")), Length(max=200)]
    )
    given_names = StringField(_l("Voornamen"), filters=[_strip], validators=[Optional(), Length(max=200)])
    birth_date = DateField(
        _l("Geboortedatum"), format=DATE_FORMATS, validators=[DataRequired(_l("Vul de geboortedatum in."))]
    )
    bsn = StringField(_l("BSN"), filters=[_bsn_digits], validators=[Optional(), Length(max=20), valid_bsn])
    address = StringField(_l("Adres"), filters=[_strip], validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Telefoon"), filters=[_strip], validators=[Optional(), Length(max=40)])
    role = SelectField(
        _l("Rol in de casus"),
        choices=[SelectChoice(role.value, SUBJECT_ROLE_LABELS[role.value]) for role in SubjectRole],
        default=SubjectRole.SUBJECT.value,
    )
    confirmed_new = BooleanField(_l("Geen van deze personen is dezelfde persoon: registreer een nieuwe persoon"))
    use_existing = IntegerField(validators=[Optional()])
