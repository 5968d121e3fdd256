"""Forms of the dossier's summary and signaleringen: input shape only; the rules are in
``casebook.cases.dossier_changes``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casebook.cases.forms import VersionedForm
from casebook.cases.summary_flags import SUMMARY_MAX_LENGTH, FlagChoice


class SummaryForm(VersionedForm):
    problem_analysis = TextAreaField(
        _l("Probleemanalyse"),
        validators=[
            Optional(),
            Length(max=SUMMARY_MAX_LENGTH, message=_l("Maximaal %(max)d tekens.", max=SUMMARY_MAX_LENGTH)),
        ],
    )
    help_request = TextAreaField(
        _l("Hulpvraag"),
        validators=[
            Optional(),
            Length(max=SUMMARY_MAX_LENGTH, message=_l("Maximaal %(max)d tekens.", max=SUMMARY_MAX_LENGTH)),
        ],
    )


class FlagsForm(VersionedForm):
    """One checkbox per flag type; the service checks the codes against the reference list again."""

    flags = SelectMultipleField(
        _l("Signaleringen"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), validate_choice=True
    )

    def fill_choices(self, types: tuple[FlagChoice, ...], current: set[str], locale: str) -> FlagsForm:
        """Active types, and inactive ones still set on the case (they may be kept or ended)."""
        self.flags.choices = [(t.code, t.label(locale)) for t in types if t.active or t.code in current]
        return self
