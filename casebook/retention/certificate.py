"""The verklaring van vernietiging: the certificate of what a destruction list destroyed.

Built from the list's items only (reference, kind, type, closing date, retention rule, when): the
objects themselves are gone, and the certificate holds no content, so it can be kept as long as
the Archiefwet asks of it. Printed with the house PDF layout (``casebook.printing.pdf``).
"""

from __future__ import annotations

from flask_babel import gettext as _

from casebook import audit
from casebook.auth.models import User
from casebook.db import utcnow
from casebook.errors import Conflict
from casebook.i18n import select_locale, show_date, show_datetime
from casebook.printing.case_file import PrintedFile
from casebook.printing.pdf import Facts, Masthead, PdfSection, Table, Text, render
from casebook.retention.models import DestructionList, ItemStatus, ListStatus

WIDTHS = (20, 11, 12, 13, 13, 24, 15)


def kind_label(kind: str) -> str:
    return {"case": _("Casus"), "signal": _("Melding"), "person": _("Betrokkene"), "document": _("Document")}.get(
        str(kind), str(kind)
    )


def reason_label(reason: str | None) -> str:
    return {
        "legal_hold": _("Juridische blokkade (legal hold)"),
        "pending_request": _("Lopend verzoek van betrokkene"),
        "in_use": _("Nog in gebruik in een andere casus of melding"),
    }.get(str(reason), str(reason or "—"))


def _approver(user: User | None, at: object) -> str:
    return f"{user.display_name} ({user.username}), {show_datetime(at)}" if user is not None else "—"  # type: ignore[arg-type]


def certificate(listing: DestructionList, *, by: User | None = None) -> PrintedFile:
    """The certificate of a destroyed list as a PDF. Audited as ``destruction_list.certificate.export``.

    :raises Conflict: the list has not been carried out yet.
    """
    if listing.status is not ListStatus.DESTROYED:
        raise Conflict("the list has not been carried out")
    destroyed = [i for i in listing.items if i.status is ItemStatus.DESTROYED]
    withheld = [i for i in listing.items if i.status is ItemStatus.WITHHELD]
    facts = Facts(
        [
            (_("Vernietigingslijst"), str(listing.id)),
            (_("Peildatum"), show_date(listing.as_of)),
            (_("Opgesteld"), show_datetime(listing.drawn_up_at)),
            (
                _("Goedgekeurd door teamleider"),
                _approver(listing.supervisor_approved_by, listing.supervisor_approved_at),
            ),
            (
                _("Goedgekeurd door privacyfunctionaris"),
                _approver(listing.privacy_approved_by, listing.privacy_approved_at),
            ),
            (_("Vernietigd op"), show_datetime(listing.destroyed_at)),
            (_("Aantal vernietigd"), str(len(destroyed))),
            (_("Aantal uitgezonderd"), str(len(withheld))),
        ]
    )
    headings = (
        _("Kenmerk"),
        _("Soort"),
        _("Type"),
        _("Afgesloten"),
        _("Termijn verstreken"),
        _("Bewaarregel"),
        _("Vernietigd"),
    )
    rows = [
        (
            i.reference,
            kind_label(i.kind),
            i.type_code or "—",
            show_date(i.closed_on),
            show_date(i.due_on),
            i.rule,
            show_datetime(i.destroyed_at),
        )
        for i in destroyed
    ]
    withheld_rows = [
        (i.reference, kind_label(i.kind), i.type_code or "—", reason_label(i.withheld_reason)) for i in withheld
    ]
    statement = _(
        "Hierbij wordt verklaard dat de hieronder genoemde gegevens, waarvan de bewaartermijn is verstreken, "
        "zijn vernietigd overeenkomstig de Archiefwet en artikel 5, eerste lid, onder e, van de AVG. De "
        "gegevenssleutels zijn vernietigd (crypto-shredding), zodat ook back-ups onleesbaar zijn; documenten "
        "zijn uit de opslag verwijderd. Het auditlogboek bewaart van elk onderdeel alleen het kenmerk."
    )
    sections = [
        PdfSection("statement", _("Verklaring"), (Text(statement), facts), order=10),
        PdfSection(
            "destroyed",
            _("Vernietigd"),
            (Table(headings, rows, WIDTHS),) if rows else (),
            order=20,
            count=len(rows),
            empty=_("Niets vernietigd."),
        ),
        PdfSection(
            "withheld",
            _("Uitgezonderd"),
            (Table((_("Kenmerk"), _("Soort"), _("Type"), _("Reden")), withheld_rows, (14, 10, 12, 30)),)
            if withheld_rows
            else (),
            order=30,
            count=len(withheld_rows),
            empty=_("Niets uitgezonderd."),
        ),
    ]
    title = _("Verklaring van vernietiging — lijst %(id)s", id=listing.id)
    requester = by.display_name if by is not None else "casebook retention"
    head = Masthead(
        title=title,
        subject=_("Verklaring van vernietiging"),
        author=f"Casebook — {requester}",
        confidential=_(
            "Verklaring van vernietiging — afgedrukt door %(name)s, %(at)s", name=requester, at=show_datetime(utcnow())
        ),
        page_label=_("pagina %(page)s van %(pages)s"),
        footer=title,
        lang=select_locale(),
    )
    audit.record(by, "destruction_list.certificate.export", listing, details={"destroyed": len(rows)}, durable=True)
    return PrintedFile(render(head, sections), f"verklaring-van-vernietiging-{listing.id}.pdf")
