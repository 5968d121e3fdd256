"""Language and time display: Dutch by default, English available; UTC stored, Amsterdam shown.

The UI language is, in this order: the language stored on the logged-in user's account, the
language chosen in this session (before login), the configured default (Dutch). Catalogues
live in ``translations/`` and are maintained with ``make translations`` (see
``casebook/i18n_catalogs.py``).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, session
from flask_babel import Babel, format_date, format_decimal, format_time
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from casebook import audit

log = logging.getLogger(__name__)

TRANSLATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    """The user's stored language, else the session's, else the default (also outside a request)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    stored = getattr(current_user, "locale", None) if current_user else None
    if stored in languages:
        return stored
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["DEFAULT_LOCALE"]


def choose_locale(locale: str, user: Any = None) -> bool:
    """Use ``locale`` from now on: in this session and, for a logged-in user, on the account.

    Returns False (and changes nothing) for a language the site does not offer.
    """
    if locale not in current_app.config["LANGUAGES"]:
        return False
    session["locale"] = locale
    if user is not None and getattr(user, "is_authenticated", False) and user.locale != locale:
        user.locale = locale
        audit.record(user, "account.locale", user, details={"locale": locale})
    return True


def select_timezone() -> str:
    return current_app.config["DISPLAY_TIMEZONE"]


def show_date(value: date | datetime | None) -> str:
    """A date written out in the UI language: ``3 december 2026`` / ``December 3, 2026``.

    One format for every date in running text and tables (Babel's ``long``); ISO ``yyyy-mm-dd`` only
    ever appears inside ``<input type="date">`` and ``<time datetime>``. A datetime is taken in
    Amsterdam time first, so a late-evening UTC time shows the Dutch calendar day.
    """
    if value is None:
        return ""
    return format_date(value, "long")


def show_datetime(value: datetime | None) -> str:
    """A moment: the written-out date and the 24-hour time in Amsterdam, ``3 december 2026 14:05``."""
    if value is None:
        return ""
    return f"{format_date(value, 'long')} {format_time(value, 'HH:mm')}"


def init_i18n(app: Flask, babel: Babel) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["DEFAULT_LOCALE"])
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["DISPLAY_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIRECTORY))
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _warn_about_uncompiled_catalogues(app)

    app.add_template_filter(show_datetime, "datetime")
    app.add_template_filter(show_date, "date")

    @app.template_filter("number")
    def _number_filter(value: int) -> str:
        """``1.000`` in Dutch, ``1,000`` in English."""
        return format_decimal(value)

    @app.context_processor
    def _locale_context() -> dict[str, Any]:
        return {"current_locale": select_locale()}

    app.jinja_env.globals.update(
        role_label=lambda value: ROLE_LABELS.get(str(value), str(value)),
        involvement_label=lambda value: INVOLVEMENT_LABELS.get(str(value), str(value)),
        subject_role_label=lambda value: SUBJECT_ROLE_LABELS.get(str(value), str(value)),
        confidentiality_label=lambda value: CONFIDENTIALITY_LABELS.get(int(value), str(value)),
        timeline_kind_label=lambda value: TIMELINE_KIND_LABELS.get(str(value), str(value)),
        channel_label=lambda value: CHANNEL_LABELS.get(str(value), str(value)),
        triage_decision_label=lambda value: TRIAGE_DECISION_LABELS.get(str(value), str(value)),
        relation_label=lambda value: RELATION_LABELS.get(str(value), str(value)),
        life_domain_label=lambda value: LIFE_DOMAIN_LABELS.get(str(value), str(value)),
        action_status_label=lambda value: ACTION_STATUS_LABELS.get(str(value), str(value)),
        intervention_category_label=lambda value: INTERVENTION_CATEGORY_LABELS.get(str(value), str(value)),
        handoff_kind_label=lambda value: HANDOFF_KIND_LABELS.get(str(value), str(value)),
        handoff_status_label=lambda value: HANDOFF_STATUS_LABELS.get(str(value), str(value)),
        request_status_label=lambda value: REQUEST_STATUS_LABELS.get(str(value), str(value)),
        sender_after_label=lambda value: SENDER_AFTER_LABELS.get(str(value), str(value)),
    )


def _warn_about_uncompiled_catalogues(app: Flask) -> None:
    """A missing or stale ``.mo`` silently shows Dutch; say so once at start-up instead."""
    for language in app.config["LANGUAGES"]:
        if language == app.config["DEFAULT_LOCALE"]:
            continue
        po = TRANSLATIONS_DIRECTORY / language / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if po.exists() and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
            log.warning(
                "translations for %r are not compiled or out of date: run `make translations-compile`", language
            )


# Labels of the enums shown in the UI (code stays English; the UI speaks Dutch by default).
ROLE_LABELS = {
    "caseworker": _l("casusregisseur"),
    "coordinator": _l("procesregisseur"),
    "supervisor": _l("teamleider"),
    "admin": _l("functioneel beheerder"),
    "privacy_officer": _l("privacyfunctionaris"),
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
TIMELINE_KIND_LABELS = {
    "status": _l("status"),
    "closure": _l("afsluiten"),
    "edit": _l("gegevens"),
    "participant": _l("deelnemers"),
    "signal": _l("melding"),
    "note": _l("journaal"),
    "intervention": _l("interventie"),
    "plan": _l("plan van aanpak"),
    "handoff": _l("overdracht"),
    "meeting": _l("casusoverleg"),
}
CHANNEL_LABELS = {
    "partner": _l("partner"),
    "police": _l("politie"),
    "veilig_thuis": _l("Veilig Thuis"),
    "meld_misdaad_anoniem": _l("Meld Misdaad Anoniem"),
    "resident": _l("bewoner"),
    "school": _l("school"),
    "other": _l("anders"),
}
TRIAGE_DECISION_LABELS = {
    "open_case": _l("casus openen"),
    "advice": _l("advies"),
    "refer": _l("doorverwijzen naar een partner"),
    "no_action": _l("geen actie"),
}
RELATION_LABELS = {
    "parent": _l("ouder"),
    "child": _l("kind"),
    "partner": _l("partner"),
    "sibling": _l("broer/zus"),
    "grandparent": _l("grootouder"),
    "other": _l("overig"),
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
