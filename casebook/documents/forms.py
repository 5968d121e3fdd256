"""Document forms: input shape only; the rules (and the checks on the file's content) live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casebook.documents.services import MAX_TITLE_LENGTH


class DocumentForm(FlaskForm):
    file = FileField(_l("Bestand"))
    title = StringField(
        _l("Titel"),
        validators=[DataRequired(message=_l("Geef het document een titel.")), Length(max=MAX_TITLE_LENGTH)],
    )
    type = SelectField(_l("Soort document"), validators=[DataRequired(message=_l("Kies het soort document."))])
    document_date = DateField(_l("Datum van het document"), validators=[Optional()])
    visibility = RadioField(
        _l("Zichtbaar voor"),
        choices=[
            ("shared", _l("Alle deelnemende organisaties")),
            ("internal", _l("Alleen mijn organisatie (intern)")),
        ],
        default="shared",
        validators=[DataRequired(message=_l("Kies voor wie het document zichtbaar is."))],
    )
    # ``kind:id`` of a goal, an agenda item or the origin signal; the service decides what is allowed
    belongs_to = SelectField(_l("Hoort bij"), choices=[], validate_choice=False, validators=[Optional()])

    def fill_types(self, types: list, locale: str) -> None:
        self.type.choices = [("", _l("Kies …"))] + [(t.code, t.label(locale)) for t in types]

    def fill_ties(self, choices: list[tuple[str, str]]) -> None:
        self.belongs_to.choices = choices


class VersionForm(FlaskForm):
    file = FileField(_l("Bestand"))
