"""Language and time display: Dutch by default, English available; UTC stored, Amsterdam shown."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, session
from flask_babel import Babel, format_date, format_datetime
from flask_babel import lazy_gettext as _l


def select_locale() -> str:
    chosen = session.get("locale")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["DISPLAY_TIMEZONE"]


def init_i18n(app: Flask, babel: Babel) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DISPLAY_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.template_filter("datetime")
    def _datetime_filter(value: datetime | None) -> str:
        """``28 november 2026, 14:05`` in Amsterdam time."""
        if value is None:
            return ""
        return format_datetime(value, "d MMMM yyyy, HH:mm")

    @app.template_filter("date")
    def _date_filter(value: date | datetime | None) -> str:
        if value is None:
            return ""
        return format_date(value, "d MMMM yyyy")

    @app.context_processor
    def _locale_context() -> dict[str, Any]:
        return {"current_locale": select_locale()}

    app.jinja_env.globals.update(
        role_label=lambda value: ROLE_LABELS.get(str(value), str(value)),
        involvement_label=lambda value: INVOLVEMENT_LABELS.get(str(value), str(value)),
        subject_role_label=lambda value: SUBJECT_ROLE_LABELS.get(str(value), str(value)),
        confidentiality_label=lambda value: CONFIDENTIALITY_LABELS.get(int(value), str(value)),
        life_domain_label=lambda value: LIFE_DOMAIN_LABELS.get(str(value), str(value)),
        action_status_label=lambda value: ACTION_STATUS_LABELS.get(str(value), str(value)),
        intervention_category_label=lambda value: INTERVENTION_CATEGORY_LABELS.get(str(value), str(value)),
    )


# Labels of the enums shown in the UI (code stays English; the UI speaks Dutch by default).
ROLE_LABELS = {
    "caseworker": _l("casusregisseur"),
    "coordinator": _l("procesregisseur"),
    "supervisor": _l("teamleider"),
    "admin": _l("functioneel beheerder"),
}
INVOLVEMENT_LABELS = {"lead": _l("regiehouder"), "contributor": _l("betrokken partner"), "observer": _l("meelezer")}
SUBJECT_ROLE_LABELS = {
    "subject": _l("betrokkene"),
    "victim": _l("slachtoffer"),
    "suspect": _l("verdachte"),
    "family_member": _l("gezinslid"),
    "other": _l("overig"),
}
CONFIDENTIALITY_LABELS = {
    1: _l("openbaar"),
    2: _l("beperkt openbaar"),
    3: _l("intern"),
    4: _l("zaakvertrouwelijk"),
    5: _l("vertrouwelijk"),
    6: _l("confidentieel"),
    7: _l("geheim"),
    8: _l("zeer geheim"),
}
LIFE_DOMAIN_LABELS = {
    "housing": _l("wonen"),
    "finances": _l("financiën en schulden"),
    "work": _l("werk en dagbesteding"),
    "education": _l("onderwijs"),
    "health": _l("gezondheid, GGZ en verslaving"),
    "family": _l("gezin en opvoeding"),
    "justice": _l("justitie"),
    "network_safety": _l("netwerk en veiligheid"),
}
ACTION_STATUS_LABELS = {
    "open": _l("open"),
    "in_progress": _l("in uitvoering"),
    "done": _l("afgerond"),
    "cancelled": _l("vervallen"),
}
INTERVENTION_CATEGORY_LABELS = {"prevention": _l("preventie"), "care": _l("zorg"), "enforcement": _l("repressie")}
