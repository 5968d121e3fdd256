"""The form of the "Mijn API-tokens" page: input shape only; rules live in ``casebook.api.tokens``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

LIFETIME_CHOICES = [("7d", _l("7 dagen")), ("30d", _l("30 dagen")), ("90d", _l("90 dagen")), ("1y", _l("1 jaar"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=80)])
    expires = SelectField(_l("Geldig"), choices=LIFETIME_CHOICES, default="30d")
    read_only = BooleanField(_l("Alleen lezen"))


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token id is in the URL."""
