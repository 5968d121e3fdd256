"""The inzage export as a PDF (``casebook.printing.pdf``): the same content as the JSON, in sections."""

from __future__ import annotations

from flask_babel import gettext as _

from casebook.auth.models import User
from casebook.i18n import show_date, show_datetime
from casebook.printing.case_file import masthead
from casebook.printing.pdf import Facts, Heading, PdfSection, Table, Text, render
from casebook.subject_requests.export import InzageExport


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "hour"):
        return show_datetime(value)  # type: ignore[arg-type]
    if hasattr(value, "isoformat"):
        return show_date(value)  # type: ignore[arg-type]
    return str(value)


def _person(export: InzageExport) -> PdfSection:
    person = export.person or {}
    facts = [
        (_("Voornamen"), _text(person.get("given_names"))),
        (_("Achternaam"), _text(person.get("family_name"))),
        (_("Geboortedatum"), _text(person.get("birth_date"))),
        (_("BSN"), _text(person.get("bsn"))),
        (_("Adres"), _text(person.get("address"))),
        (_("Telefoon"), _text(person.get("phone"))),
        (_("Geregistreerd op"), _text(person.get("registered_at"))),
        (_("Verwerking beperkt"), _("ja") if person.get("restricted") else _("nee")),
    ]
    blocks: list = [Facts(facts)]
    if person.get("households"):
        blocks += [
            Heading(_("Huishoudens")),
            Table([_("Huishouden"), _("Relatie")], [[h["reference"], h["relation"]] for h in person["households"]]),
        ]
    if person.get("rectifications"):
        blocks += [
            Heading(_("Rectificaties")),
            Table(
                [_("Gegeven"), _("Datum"), _("Oude waarde"), _("Reden")],
                [
                    [r["field"], _text(r["at"]), _text(r["old_value"]), _text(r["reason"])]
                    for r in person["rectifications"]
                ],
            ),
        ]
    return PdfSection("person", _("Vastgelegde persoonsgegevens"), blocks, order=20)


def _cases(export: InzageExport) -> PdfSection:
    blocks: list = []
    for case in export.cases:
        blocks.append(Heading(f"{case['reference']} · {case['type']}"))
        blocks.append(
            Facts(
                [
                    (_("Rol"), case["role"]),
                    (_("Periode"), f"{_text(case['opened_at'])} – {_text(case['closed_at'])}"),
                    (_("Status"), case["status"]),
                    (_("Regiehouder"), case["lead_organisation"]),
                    (_("Aanbrengende partner"), _text(case["referring_organisation"])),
                    (_("Bewaard tot"), _text(case["retained_until"])),
                ]
            )
        )
        blocks.append(
            Table(
                [_("Organisatie"), _("Betrokkenheid"), _("Vanaf"), _("Tot")],
                [
                    [o["organisation"], o["involvement"], _text(o["from"]), _text(o["until"])]
                    for o in case["organisations"]
                ],
            )
        )
        if case.get("problem_analysis"):
            blocks.append(Text(str(case["problem_analysis"]), label=_("Probleemanalyse")))
        if case.get("help_request"):
            blocks.append(Text(str(case["help_request"]), label=_("Hulpvraag")))
    return PdfSection("cases", _("Casussen"), blocks, order=30, count=len(export.cases), empty=_("Geen casussen."))


def _signals(export: InzageExport) -> PdfSection:
    rows = [
        [s["reference"], s["type"], s["role"], _text(s["received_at"]), s["source_organisation"], _text(s["case"])]
        for s in export.signals
    ]
    blocks = [Table([_("Melding"), _("Type"), _("Rol"), _("Ontvangen"), _("Bron"), _("Casus")], rows)] if rows else []
    return PdfSection("signals", _("Meldingen"), blocks, order=40, count=len(rows), empty=_("Geen meldingen."))


def _recipients(export: InzageExport) -> PdfSection:
    rows = [
        [r.organisation, ", ".join(r.roles) or "—", _text(r.first_at), _text(r.last_at), str(r.events), r.source]
        for r in export.recipients
    ]
    headings = [_("Organisatie"), _("Rollen"), _("Eerste keer"), _("Laatste keer"), _("Aantal"), _("Bron")]
    blocks = [Table(headings, rows, widths=[4, 4, 3, 3, 1, 2])] if rows else []
    return PdfSection(
        "recipients",
        _("Ontvangers: wie heeft de gegevens ingezien of ontvangen"),
        blocks,
        order=50,
        count=len(rows),
        empty=_("Niemand."),
    )


def _activities(export: InzageExport) -> PdfSection:
    blocks: list = []
    for activity in export.processing_activities:
        blocks.append(Heading(activity["name"]))
        blocks.append(
            Facts(
                [
                    (_("Doel"), activity["purpose"]),
                    (_("Grondslag"), activity["legal_basis"]),
                    (_("Ontvangers"), activity["recipients"]),
                    (_("Bewaartermijn"), activity["retention"]),
                ]
            )
        )
    return PdfSection(
        "activities",
        _("Verwerkingen: doel en grondslag"),
        blocks,
        order=60,
        count=len(export.processing_activities),
        empty=_("Geen."),
    )


def render_export(user: User, export: InzageExport) -> bytes:
    title = _("Inzage persoonsgegevens · %(reference)s", reference=export.request_reference)
    sections = [PdfSection("statement", _("Antwoord"), [Text(export.statement)], order=10)]
    if export.known:
        sections += [_person(export), _cases(export), _signals(export), _recipients(export), _activities(export)]
    return render(masthead(user, title, _("Inzage-export (AVG art. 15)")), sections)
