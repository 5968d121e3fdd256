"""Forms of the case list: the filter bar (GET), the search box and saving a filter (POST, CSRF).

The filter bar holds only codes, a flag and the sort, so it may be a GET form (links to a filtered
list can be shared and bookmarked). The search box is a POST form: what is typed in it (a family
name, a reference) never becomes part of a URL.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from casebook.cases.choices import filter_choices
from casebook.cases.saved_filters import SAVED_PARAMS
from casebook.cases.services import LIST_STATES, CaseFilters

DEFAULT_STATE = "open"


class CaseListFilterForm(FlaskForm):
    """The filter bar (a GET form: nothing changes, so no CSRF token). ``status`` holds a state
    (``open`` — the default —, ``closed``, ``all``) or a status code of a lifecycle."""

    class Meta:
        csrf = False

    type = SelectField(_l("Type"), default="")
    status = SelectField(_l("Status"), default=DEFAULT_STATE)
    district = SelectField(_l("Wijk"), default="")
    mine = BooleanField(_l("Alleen mijn casussen"), default=False)

    def fill_choices(self, locale: str) -> CaseListFilterForm:
        """The options from the reference data kept per process (``cases.choices``): no statement."""
        everything = [("", _l("Alle"))]
        options = filter_choices()

        def shown(rows: tuple[tuple[str, str, str], ...]) -> list[tuple[str, str]]:
            return [(code, label_en if locale == "en" else label_nl) for code, label_nl, label_en in rows]

        self.type.choices = everything + shown(options.types)
        states = [("open", _l("Open casussen")), ("closed", _l("Afgesloten casussen")), ("all", _l("Alle casussen"))]
        self.status.choices = states + shown(options.statuses)
        self.district.choices = everything + shown(options.districts)
        return self

    def filters(self) -> CaseFilters:
        """The valid choices as filters; an unknown code is ignored (as if not given)."""

        def valid(name: str) -> str | None:
            value = self[name].data
            return value if value and value in dict(self[name].choices) else None

        status = valid("status") or DEFAULT_STATE
        return CaseFilters(
            case_type=valid("type"),
            status=None if status in LIST_STATES else status,
            state=status if status in LIST_STATES else "all",
            district=valid("district"),
            mine=bool(self.mine.data),
        )


def filter_args(filters: CaseFilters, sort: str | None = None) -> dict[str, str]:
    """The query string of a filtered list (codes, the flag, the sort: never a search term)."""
    args = {
        "type": filters.case_type or "",
        "status": filters.status or (filters.state if filters.state != DEFAULT_STATE else ""),
        "district": filters.district or "",
        "mine": "y" if filters.mine else "",
        "sort": sort or "",
    }
    return {key: value for key, value in args.items() if value}


def saved_args(params: Mapping[str, str]) -> dict[str, str]:
    """A saved filter's parameters as the list's query string: they were saved as ``filter_args``
    made them, so only the known keys are kept."""
    return {key: params[key] for key in SAVED_PARAMS if params.get(key)}


class CaseSearchForm(FlaskForm):
    """The search box: a reference in any spelling or (part of) a family name. POSTed, never in a URL."""

    q = StringField(_l("Zoek op kenmerk of achternaam"))


class SaveFilterForm(FlaskForm):
    name = StringField(_l("Naam van het filter"))


class DeleteFilterForm(FlaskForm):
    """Only the CSRF token: the filter is named in the URL."""
