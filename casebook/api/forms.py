"""The form of the "Mijn API-tokens" page: input shape only; rules live in ``casebook.api.tokens``."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

LIFETIME_CHOICES = [("7d", _l("7 dagen")), ("30d", _l("30 dagen")), ("90d", _l("90 dagen")), ("1y", _l("1 jaar"))]


class TokenForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(), Length(max=80)])
    expires = SelectField(_l("Geldig"), default="30d")
    read_only = BooleanField(_l("Alleen lezen"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expires.choices = LIFETIME_CHOICES  # set after construction, as the case filter form does


class RevokeForm(FlaskForm):
    """Only the CSRF token: the token id is in the URL."""
