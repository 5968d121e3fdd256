"""User administration forms: input shape only; the rules live in casebook.admin.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, Optional, Regexp

from casebook.admin.services import LINK, PASSWORD, organisations
from casebook.auth.models import Role
from casebook.i18n import ROLE_LABELS

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._\-]{1,79}$"


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _role_choices() -> list[tuple[str, str]]:
    return [(r.value, str(ROLE_LABELS[r.value])) for r in Role]


class RolesForm(FlaskForm):
    organisation = SelectField(_l("Organisatie"), coerce=int, validators=[DataRequired()])
    roles = CheckboxesField(_l("Rollen"), validators=[DataRequired(message=_l("Kies minstens één rol."))])

    def fill_choices(self) -> RolesForm:
        self.organisation.choices = [(o.id, o.name) for o in organisations()]
        self.roles.choices = _role_choices()
        return self


class PasswordMethodForm(FlaskForm):
    method = RadioField(
        _l("Hoe kiest de gebruiker een wachtwoord?"),
        choices=[
            (LINK, _l("Eenmalige activeringslink (aanbevolen)")),
            (PASSWORD, _l("Startwachtwoord dat bij de eerste keer inloggen gewijzigd moet worden")),
        ],
        default=LINK,
        validators=[DataRequired()],
    )
    initial_password = PasswordField(
        _l("Startwachtwoord"), validators=[Optional(), Length(max=256)], render_kw={"autocomplete": "new-password"}
    )


class UserCreateForm(RolesForm, PasswordMethodForm):
    username = StringField(
        _l("Gebruikersnaam"),
        validators=[
            DataRequired(),
            Regexp(USERNAME_PATTERN, message=_l("Kleine letters, cijfers, punt, streepje of liggend streepje.")),
        ],
    )
    display_name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=120)])
