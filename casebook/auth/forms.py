"""Authentication forms: input shape only; the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class LoginForm(FlaskForm):
    username = StringField(_l("Gebruikersnaam"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(), Length(max=256)])
    next = HiddenField()


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code (XXXX-XXXX-XXXX-XXXX)."""

    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=32)], render_kw={"autocomplete": "one-time-code"}
    )


class ButtonForm(FlaskForm):
    """A form with only a button (and the CSRF token)."""


class ReauthForm(FlaskForm):
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(), Length(max=256)])
    code = StringField(
        _l("Code uit uw authenticator-app of een herstelcode"),
        validators=[Optional(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code"},
    )
    next = HiddenField()


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Herhaal het nieuwe wachtwoord"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("De wachtwoorden zijn niet gelijk."))],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
