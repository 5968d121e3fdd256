"""Journal forms: input shape only; the rules live in ``casebook.journal.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from casebook.journal.services import MAX_BODY_LENGTH


class NoteForm(FlaskForm):
    body = TextAreaField(
        _l("Notitie"),
        validators=[DataRequired(message=_l("Schrijf een notitie.")), Length(max=MAX_BODY_LENGTH)],
        render_kw={"rows": 6},
    )
    visibility = RadioField(
        _l("Zichtbaar voor"),
        choices=[
            ("shared", _l("Alle deelnemende organisaties")),
            ("internal", _l("Alleen mijn organisatie (intern)")),
        ],
        default="shared",
        validators=[DataRequired(message=_l("Kies voor wie de notitie zichtbaar is."))],
    )


class CorrectionForm(FlaskForm):
    body = TextAreaField(
        _l("Correctie"),
        validators=[DataRequired(message=_l("Schrijf de correctie.")), Length(max=MAX_BODY_LENGTH)],
        render_kw={"rows": 6},
    )
