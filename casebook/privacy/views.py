"""The privacy officer's pages: the register (with its versions, changes and exports) and the
processing log (counts per activity; the lines of one data subject, asked by BSN)."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from casebook.db import utcnow
from casebook.errors import RuleViolation
from casebook.exports import CSV_MIMETYPE, to_csv
from casebook.privacy import bp, services
from casebook.privacy.exports import register_csv, register_pdf
from casebook.privacy.forms import ActivityForm, SubjectLogForm
from casebook.privacy.register import FIELDS


def _attachment(content: bytes, mimetype: str, filename: str) -> Response:
    response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/privacy/register")
def register_index() -> str:
    """Het verwerkingsregister: the current version of every processing activity."""
    return render_template("privacy/register.html", activities=services.register(current_user))


@bp.get("/privacy/register/<string(maxlength=64):code>")
def activity_detail(code: str) -> str:
    """One activity with all its versions (404 for an unknown code)."""
    versions = services.activity_versions(current_user, code)
    return render_template("privacy/activity.html", current=versions[0], versions=versions)


@bp.route("/privacy/register/<string(maxlength=64):code>/edit", methods=["GET", "POST"])
def activity_edit(code: str) -> str | Response | tuple[str, int]:
    """A new version of an activity; the form carries the version it was read at (409 when stale)."""
    current = services.activity_versions(current_user, code)[0]
    form = ActivityForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(current.version)
    if form.validate_on_submit():
        try:
            services.revise(
                current_user,
                code,
                {name: getattr(form, name).data for name in FIELDS},
                expected_version=int(form.version.data) if form.version.data.isdigit() else -1,
            )
        except RuleViolation as refused:
            if refused.field and refused.field in form:
                form[refused.field].errors.append(str(refused))
        else:
            return redirect(url_for("privacy.activity_detail", code=code))
    status = 422 if request.method == "POST" else 200
    return render_template("privacy/activity_edit.html", current=current, form=form), status


def _stamp() -> str:
    return utcnow().strftime("%Y%m%d")


@bp.get("/privacy/register.csv")
def register_export_csv() -> Response:
    activities = services.record_register_export(current_user, "csv")
    return _attachment(register_csv(activities), CSV_MIMETYPE, f"verwerkingsregister-{_stamp()}.csv")


@bp.get("/privacy/register.pdf")
def register_export_pdf() -> Response:
    activities = services.record_register_export(current_user, "pdf")
    return _attachment(register_pdf(activities, current_user), "application/pdf", f"verwerkingsregister-{_stamp()}.pdf")


@bp.route("/privacy/processing-log", methods=["GET", "POST"])
def processing_log() -> str | Response | tuple[str, int]:
    """Counts per activity; posted with a BSN, the lines about that data subject (or their CSV)."""
    overview = services.log_overview(current_user)
    form = SubjectLogForm()
    if request.method == "GET":
        return render_template("privacy/processing_log.html", overview=overview, form=form, entries=None)
    if not form.validate_on_submit():
        return render_template("privacy/processing_log.html", overview=overview, form=form, entries=None), 422
    if request.form.get("format") == "csv":
        entries = services.subject_log(current_user, form.bsn.data, export_format="csv")
        content = to_csv(services.LOG_HEADER, services.log_rows(entries))
        return _attachment(content, CSV_MIMETYPE, f"verwerkingslog-{_stamp()}.csv")
    entries = services.subject_log(current_user, form.bsn.data)
    form.bsn.data = ""  # the page shows the lines, not the BSN again
    return render_template("privacy/processing_log.html", overview=overview, form=form, entries=entries)
