"""The printed case file through the API: the same PDF, gathered and audited as on the screens."""

from __future__ import annotations

from werkzeug.wrappers import Response

from casebook.api import api
from casebook.api.auth import api_user
from casebook.printing import case_file
from casebook.printing.views import pdf_response


@api.get("/cases/<id:case_id>/dossier.pdf", produces=("application/pdf",), tags=["cases"])
def get_case_dossier_pdf(case_id: int) -> Response:
    """The case file as a PDF, with what the caller may read of the case (as "Dossier afdrukken" on the
    screens: no journal or case content for a viewer of metadata only). Audited as an export. 404 when out
    of scope."""
    user = api_user()
    case = case_file.load_case(user, case_id)
    return pdf_response(case_file.print_case_file(user, case))
