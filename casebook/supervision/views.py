"""Supervisor screens: the audit log (filters, pages, CSV export), per-user and per-case history, and
the list of unusual access. Views parse and render; ``casebook.supervision.queries`` decides and audits.
"""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from casebook.auth.reauth import is_recent_login
from casebook.db import utcnow
from casebook.supervision import audit_bp as bp
from casebook.supervision import queries as trail
from casebook.supervision.forms import OUTCOME_LABELS, AuditFilterForm

EXPORT_REAUTH_SECONDS = 5 * 60  # an export needs the password (and second factor) within 5 minutes


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.get("/")
def index() -> str:
    form = AuditFilterForm(request.args).fill_choices()
    filters = form.filters()
    result = trail.search(current_user, filters, page=_page(), per_page=current_app.config["AUDIT_PAGE_SIZE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "supervision/index.html",
        form=form,
        events=result,
        args=args,
        export_url=url_for("audit.export", **args),
        outcome_labels=OUTCOME_LABELS,
    )


@bp.get("/export.csv")
def export() -> Response | WerkzeugResponse:
    """The filtered trail as CSV, only after a recent login (step-up): an export leaves the application.

    The policy is asked first, so a user who may not read the trail gets the audited 404, not an
    invitation to re-authenticate.
    """
    filters = AuditFilterForm(request.args).fill_choices().filters()
    trail.require_trail_reader(current_user, "audit.export", filters)
    if not is_recent_login(EXPORT_REAUTH_SECONDS):
        return redirect(url_for("auth.reauth", next=request.full_path.rstrip("?")))
    body, _rows = trail.export_csv(current_user, filters)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="casebook-audit-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/users/<int:user_id>")
def user_history(user_id: int) -> str:
    subject, result = trail.user_history(current_user, user_id, page=_page())
    return render_template("supervision/user.html", subject=subject, events=result, outcome_labels=OUTCOME_LABELS)


@bp.get("/cases/<int:case_id>")
def case_history(case_id: int) -> str:
    case, summary, result = trail.case_history(current_user, case_id, page=_page())
    return render_template(
        "supervision/case.html", audited_case=case, summary=summary, events=result, outcome_labels=OUTCOME_LABELS
    )


@bp.get("/unusual")
def unusual() -> str:
    report = trail.unusual_access(current_user)
    return render_template("supervision/unusual.html", report=report, outcome_labels=OUTCOME_LABELS)
