"""Start page and health check."""

from __future__ import annotations

from flask import Response, jsonify, redirect, request, session, url_for
from sqlalchemy import text

from casebook.db import db
from casebook.site import bp
from casebook.web import public


@bp.get("/")
def index() -> Response:
    return redirect(url_for("cases.index"))


@bp.get("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """200 with a small JSON body when the database answers, 503 otherwise. No details leak."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.post("/language")
def set_language() -> Response:
    """Remember the chosen UI language for this session (per-user storage comes with i18n work)."""
    from flask import current_app

    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
    from casebook.auth.views import safe_next

    return redirect(safe_next(request.form.get("next")))
