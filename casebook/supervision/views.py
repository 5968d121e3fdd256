"""Supervisor screens: the audit log (filters, pages, CSV export), per-user and per-case history, and
the list of unusual access. Views parse and render; ``casebook.supervision.queries`` decides and audits.
"""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from casebook.auth.reauth import is_recent_login
from casebook.db import utcnow
from casebook.pagination import PageRequest, first_page_if_invalid
from casebook.supervision import audit_bp as bp
from casebook.supervision import queries as trail
from casebook.supervision.forms import OUTCOME_LABELS, AuditFilterForm

EXPORT_REAUTH_SECONDS = 5 * 60  # an export needs the password (and second factor) within 5 minutes


FILTER_ARGS = ("user", "organisation", "case", "action", "outcome", "date_from", "date_to")


def _asked() -> PageRequest:
    return PageRequest.from_args(request.args, current_app.config["AUDIT_PAGE_SIZE"])


def _list_args(names: tuple[str, ...] = (), **kept: object) -> dict[str, object]:
    """The query string of the list's links: the filters ``names`` as given and ``total=exact``; never
    a cursor, nor a parameter the list does not know."""
    args: dict[str, object] = {name: request.args[name] for name in names if request.args.get(name)}
    if request.args.get("total") == "exact":
        args["total"] = "exact"
    return {**args, **kept}


@bp.get("/")
def index() -> str:
    form = AuditFilterForm(request.args).fill_choices()
    filters = form.filters()
    result, cursor_refused = first_page_if_invalid(lambda page: trail.search(current_user, filters, page), _asked())
    args = _list_args(FILTER_ARGS)
    return render_template(
        "supervision/index.html",
        form=form,
        events=result,
        args=args,
        export_url=url_for("audit.export", **{k: v for k, v in args.items() if k != "total"}),
        outcome_labels=OUTCOME_LABELS,
        cursor_refused=cursor_refused,
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
    (subject, result), cursor_refused = first_page_if_invalid(
        lambda page: trail.user_history(current_user, user_id, page), _asked()
    )
    return render_template(
        "supervision/user.html",
        subject=subject,
        events=result,
        args=_list_args(user_id=subject.id),
        outcome_labels=OUTCOME_LABELS,
        cursor_refused=cursor_refused,
    )


@bp.get("/cases/<int:case_id>")
def case_history(case_id: int) -> str:
    (case, summary, result), cursor_refused = first_page_if_invalid(
        lambda page: trail.case_history(current_user, case_id, page), _asked()
    )
    return render_template(
        "supervision/case.html",
        audited_case=case,
        summary=summary,
        events=result,
        args=_list_args(case_id=case.id),
        outcome_labels=OUTCOME_LABELS,
        cursor_refused=cursor_refused,
    )


@bp.get("/unusual")
def unusual() -> str:
    report = trail.unusual_access(current_user)
    return render_template("supervision/unusual.html", report=report, outcome_labels=OUTCOME_LABELS)
