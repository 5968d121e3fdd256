"""Printing routes: the case file and the casusoverleg report, each one service call, sent as a
download that no cache keeps."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user
from werkzeug.wrappers import Response

from casebook.printing import bp, case_file, meeting_report
from casebook.printing.case_file import PrintedFile


def pdf_response(printed: PrintedFile) -> Response:
    """``printed`` as an attachment: never cached (it holds personal data), never sniffed."""
    response = current_app.response_class(printed.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{printed.filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/cases/<int:case_id>/dossier.pdf")
def case_dossier(case_id: int) -> Response:
    """Dossier afdrukken: the case file as the requester may read it (404 when out of scope)."""
    case = case_file.load_case(current_user, case_id)
    return pdf_response(case_file.print_case_file(current_user, case))


@bp.get("/meetings/<int:meeting_id>/report.pdf")
def meeting(meeting_id: int) -> Response:
    """The casusoverleg report: the agenda items the requester may see, with what they may read."""
    found = meeting_report.load_meeting(current_user, meeting_id)
    return pdf_response(meeting_report.print_meeting_report(current_user, found))
