"""The filter form of the report pages: the shape of the fields only. Which values are allowed is
the parser's (``casebook.reports.filters``), so the screens and the API refuse the same input."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from casebook.reports.filters import FilterChoices, ReportFilters, as_args


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    year = StringField(_l("Jaar"))
    start = StringField(_l("Vanaf"))
    end = StringField(_l("Tot en met"))
    district = SelectField(_l("Wijk"), default="", validate_choice=False)
    case_type = SelectField(_l("Soort casus"), default="", validate_choice=False)
    organisation = SelectField(_l("Organisatie (regiehouder of bron)"), default="", validate_choice=False)

    def fill(self, choices: FilterChoices, filters: ReportFilters | None) -> ReportFilterForm:
        """The choices of the reader's scope; the dates of ``filters`` when none were typed."""
        self.district.choices = [("", _l("Alle wijken")), *((c.key, c.label) for c in choices.districts)]
        self.case_type.choices = [("", _l("Alle soorten")), *((c.key, c.label) for c in choices.case_types)]
        self.organisation.choices = [("", _l("Alle organisaties")), *((c.key, c.label) for c in choices.organisations)]
        if filters is not None:
            args = as_args(filters, choices)
            self.start.data = self.start.data or args["start"]
            self.end.data = self.end.data or args["end"]
            self.year.data = self.year.data or str(filters.start.year)
        return self

    def refuse(self, field: str | None, message: object) -> None:
        """Show a parser's refusal at its field (the year and unknown names at the period)."""
        name = field if field in ("year", "start", "end", "district", "case_type", "organisation") else "start"
        getattr(self, name).errors = [str(message)]
