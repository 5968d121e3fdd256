"""The demo seeds a few small documents (a generated PDF, text reports, a second version), once."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.db import db
from casebook.demo.seed import seed
from casebook.documents import services as documents
from casebook.documents.demo import seed_documents, simple_pdf
from casebook.documents.models import Document, DocumentVersion
from tests.documents.support import read_all


def test_the_demo_has_documents_that_download(app):
    seed("demo-password-for-tests")
    assert db.session.scalar(select(func.count(Document.id))) >= 4
    assert db.session.scalar(select(func.count(DocumentVersion.id)).where(DocumentVersion.number == 2)) == 1
    pdf = db.session.scalar(select(DocumentVersion).where(DocumentVersion.kind == "pdf").limit(1))
    assert read_all(documents.download(pdf.document.author, pdf.document)).startswith(b"%PDF-1.4")
    assert seed_documents() == {"documents": 0, "document versions": 0}


def test_the_generated_pdf_has_a_cross_reference_table_at_its_offsets():
    pdf = simple_pdf("Uitnodiging (casusoverleg)")
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[start:].startswith(b"xref") and pdf.endswith(b"%%EOF\n")
    assert b"\\(casusoverleg\\)" in pdf
