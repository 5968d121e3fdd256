"""Printing: the case file ("Dossier afdrukken") and the casusoverleg report as PDF documents.

Both are built only from what the requester may read — every part comes from the service that
shows it on the screens, which asks the policy and audits its read — and the export itself is
audited as a durable event with its scope (the sections and their counts, never their text).
Other modules add sections to the case file through the ``dossier_pdf.sections`` hook
(``casebook.printing.case_file.add_section_source``).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("printing", __name__)


def init_app(app: Flask) -> None:
    from casebook.modules import contributions
    from casebook.printing import views  # noqa: F401 - defines the routes on ``bp``
    from casebook.printing.case_file import SECTIONS_HOOK

    app.register_blueprint(bp)
    contributions(app).hooks.setdefault(SECTIONS_HOOK, [])
