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
        handoff_kind_label=lambda value: HANDOFF_KIND_LABELS.get(str(value), str(value)),
        handoff_status_label=lambda value: HANDOFF_STATUS_LABELS.get(str(value), str(value)),
        request_status_label=lambda value: REQUEST_STATUS_LABELS.get(str(value), str(value)),
        sender_after_label=lambda value: SENDER_AFTER_LABELS.get(str(value), str(value)),
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
HANDOFF_KIND_LABELS = {"transfer": _l("overdracht van regie"), "referral": _l("inschakelen (verwijzing)")}
HANDOFF_STATUS_LABELS = {
    "draft": _l("concept"),
    "pending": _l("in afwachting"),
    "accepted": _l("geaccepteerd"),
    "rejected": _l("afgewezen"),
    "cancelled": _l("ingetrokken"),
    "expired": _l("verlopen"),
}
REQUEST_STATUS_LABELS = {
    "pending": _l("in afwachting"),
    "accepted": _l("gehonoreerd"),
    "declined": _l("afgewezen"),
    "withdrawn": _l("ingetrokken"),
    "expired": _l("verlopen"),
}
SENDER_AFTER_LABELS = {"observer": _l("blijft meelezen voor nazorg"), "leave": _l("verlaat de casus")}
