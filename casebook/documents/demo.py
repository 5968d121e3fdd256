"""Demo documents: a small generated PDF and a text file on the newest open demo cases, through the services.

Generated on the spot (no files in the repository): a one-page PDF with a line of text, and a plain
text report. Idempotent: nothing is added when any document exists.
"""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import func, select

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.documents import services as documents
from casebook.documents.models import Document, DocumentVisibility

REPORT = (
    "Rapportage huisbezoek\n\n"
    "Gezin thuis getroffen. Afspraken over de schuldhulp en de dagbesteding zijn besproken.\n"
    "Volgende afspraak over twee weken.\n"
)


def simple_pdf(text: str) -> bytes:
    """A valid one-page PDF showing ``text`` (ASCII) in Helvetica: enough for a viewer to open."""
    safe = text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 760 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def seed_documents() -> dict[str, int]:
    counts = {"documents": 0, "document versions": 0}
    if db.session.scalar(select(func.count(Document.id))):
        return counts
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    if coordinator is None:
        return counts
    cases = [
        c
        # the newest open cases: the ones the case list shows first, so a visitor meets documents at once
        for c in db.session.scalars(
            select(Case).where(Case.closed_at.is_(None)).order_by(Case.opened_at.desc(), Case.id.desc()).limit(40)
        )
        if can(coordinator, Action.UPLOAD_DOCUMENT, c)
    ][:3]
    today = local_today()
    for index, case in enumerate(cases):
        documents.upload_document(
            case,
            by=coordinator,
            upload=documents.Upload(io.BytesIO(simple_pdf(f"Uitnodiging casusoverleg {case.reference}")), "brief.pdf"),
            title="Uitnodiging casusoverleg",
            type_code="brief",
            visibility=DocumentVisibility.SHARED,
            document_date=today - timedelta(days=10 + index),
        )
        report = documents.upload_document(
            case,
            by=coordinator,
            upload=documents.Upload(io.BytesIO(REPORT.encode()), "rapportage-huisbezoek.txt"),
            title="Rapportage huisbezoek",
            type_code="rapportage",
            visibility=DocumentVisibility.INTERNAL if index == 1 else DocumentVisibility.SHARED,
            document_date=today - timedelta(days=3),
        )
        counts["documents"] += 2
        counts["document versions"] += 2
        if index == 0:
            amended = REPORT + "\nAanvulling: de gezinscoach is gestart.\n"
            documents.add_version(
                report, by=coordinator, upload=documents.Upload(io.BytesIO(amended.encode()), "rapportage-v2.txt")
            )
            counts["document versions"] += 1
    return counts
