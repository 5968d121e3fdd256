"""Demo data of the privacy module: the register comes with its migration; here the demo's
procesregisseur opens a few dossiers through the ordinary audited read, so the processing log has
lines (one per subject of each case) for the privacy officer (``gemeente.privacy``) to look up."""

from __future__ import annotations

from sqlalchemy import select

from casebook.auth.models import User
from casebook.cases import services as cases
from casebook.db import db
from casebook.pagination import PageRequest
from casebook.privacy import processing_log

DEMO_READER = "zvh.coordinator"
CASES_READ = 5


def seed_processing_log() -> dict[str, int]:
    """Read the first page of the ZVH procesregisseur's case list, case by case (deterministic: the
    list's own order over the seeded cases)."""
    reader = db.session.scalar(select(User).where(User.username == DEMO_READER))
    if reader is None:
        return {}
    page = cases.list_for(reader, cases.CaseFilters(), PageRequest(per_page=CASES_READ))
    for case in page.items:
        cases.load_for(reader, case.id)
    return {"processings logged": len(processing_log.pending(db.session()))}
