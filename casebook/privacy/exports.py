"""The register as CSV (through the exports' formula guard) and as PDF (the printing module's layout)."""

from __future__ import annotations

from flask_babel import gettext as _

from casebook.auth.models import User
from casebook.exports import to_csv
from casebook.printing.pdf import Facts, Masthead, PdfSection, render
from casebook.privacy.register import ProcessingActivity


def _labels() -> dict[str, str]:
    return {
        "name": _("Naam"),
        "controller": _("Verwerkingsverantwoordelijke"),
        "purpose": _("Doel"),
        "legal_basis": _("Grondslag"),
        "categories_of_persons": _("Categorieën betrokkenen"),
        "categories_of_data": _("Categorieën persoonsgegevens"),
        "recipients": _("Ontvangers"),
        "retention": _("Bewaartermijn"),
        "log_retention_days": _("Bewaartermijn verwerkingslog (dagen)"),
        "security_measures": _("Beveiligingsmaatregelen"),
    }


def register_csv(activities: list[ProcessingActivity]) -> bytes:
    """One row per activity: its code, version, valid-from date and every field of the register."""
    labels = _labels()
    header = [_("Code"), _("Versie"), _("Geldig vanaf"), *labels.values()]
    rows = [[a.id, a.version, a.valid_from.date(), *(getattr(a, name) for name in labels)] for a in activities]
    return to_csv(header, rows)


def register_pdf(activities: list[ProcessingActivity], requester: User) -> bytes:
    """The register as a printable document, one section per activity."""
    labels = _labels()
    title = _("Verwerkingsregister (AVG art. 30)")
    masthead = Masthead(
        title=title,
        subject=title,
        author="Casebook",
        confidential=_("Opgevraagd door %(name)s", name=requester.display_name),
        page_label=_("pagina %(page)s van %(pages)s"),
    )
    sections = [
        PdfSection(
            key=activity.id,
            title=f"{activity.id} — {activity.name}",
            order=index,
            blocks=[
                Facts(
                    [
                        (_("Versie"), f"{activity.version} ({activity.valid_from.date().isoformat()})"),
                        *((labels[name], str(getattr(activity, name))) for name in labels if name != "name"),
                    ]
                )
            ],
        )
        for index, activity in enumerate(activities)
    ]
    return render(masthead, sections)
