"""The preferences form: input shape only (an address that looks like one, a channel per kind)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from casebook.notifications import kinds
from casebook.notifications.models import Channel

# One @, no spaces, a dot in the domain: enough to catch typing errors; the mail relay decides the rest.
ADDRESS = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]{2,}$")

CHANNEL_CHOICES = (
    (Channel.OFF.value, _l("Niet")),
    (Channel.APP.value, _l("In Casebook")),
    (Channel.EMAIL.value, _l("In Casebook en per e-mail")),
)


def _address(form: FlaskForm, field: StringField) -> None:
    if field.data and not ADDRESS.match(field.data.strip()):
        raise ValidationError(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@organisatie.nl."))


class PreferencesForm(FlaskForm):
    email = StringField(
        _l("E-mailadres (werk)"),
        validators=[Optional(), Length(max=254), _address],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
    )

    def validate(self, extra_validators: dict | None = None) -> bool:
        """E-mail chosen for a kind needs an address (checked after the fields, also when it is empty)."""
        valid = super().validate(extra_validators)
        wants_mail = any(self[f"kind_{k.key}"].data == Channel.EMAIL.value for k in kinds.KINDS)
        if valid and wants_mail and not (self.email.data or "").strip():
            self.email.errors = [_l("Vul een e-mailadres in om notificaties per e-mail te ontvangen.")]
            return False
        return valid

    def channels(self) -> dict[str, Channel]:
        return {k.key: Channel(self[f"kind_{k.key}"].data) for k in kinds.KINDS}

    def kind_fields(self) -> list[tuple[kinds.Kind, SelectField]]:
        return [(k, self[f"kind_{k.key}"]) for k in kinds.KINDS]


for _kind in kinds.KINDS:
    setattr(
        PreferencesForm,
        f"kind_{_kind.key}",
        SelectField(_kind.label, choices=CHANNEL_CHOICES, default=Channel.APP.value, description=_kind.hint),
    )
