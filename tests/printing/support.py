"""Set-up and reading of printed PDFs shared by the printing tests."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader

from casebook.auth.models import Role, User
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.organisations.models import Organisation, OrganisationKind
from tests.factories import make_case, make_goal, make_note, make_org, make_person, make_user

SHARED_NOTE = "Gesprek met moeder gevoerd over schoolverzuim."
OWN_INTERNAL_NOTE = "Intern: afstemming binnen het Zorg- en Veiligheidshuis."
OTHER_INTERNAL_NOTE = "Intern wijkteam: zorgen over huisvesting, niet delen."
GOAL = "Zoon gaat weer elke dag naar school"


@dataclass
class Dossier:
    lead: Organisation
    partner: Organisation
    coordinator: User
    partner_worker: User
    supervisor: User
    case: Case


def named(user: User, name: str) -> User:
    user.display_name = name
    return user


def dossier() -> Dossier:
    """A case led by the ZVH with a wijkteam taking part: a subject with a name outside Latin-1's
    plain letters, a shared note, an internal note of each organisation and a goal."""
    lead = make_org("print-zvh", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")
    partner = make_org("print-wijkteam", kind=OrganisationKind.WIJKTEAM, name="Sociaal Wijkteam Wielwijk")
    coordinator = named(make_user(org=lead, roles=[Role.COORDINATOR]), "Fatima El Khatib")
    partner_worker = named(make_user(org=partner, roles=[Role.CASEWORKER]), "Mehmet Çelik")
    supervisor = named(make_user(org=lead, roles=[Role.SUPERVISOR]), "Teamleider Jansen")
    subject = make_person("Ünal", given_names="Deniz")
    case = make_case(lead=lead, participants=[(partner, Involvement.CONTRIBUTOR)], subjects=[subject])
    case.process_coordinator = coordinator
    db.session.flush()
    make_note(case, coordinator, SHARED_NOTE)
    make_note(case, coordinator, OWN_INTERNAL_NOTE, visibility="internal")
    make_note(case, partner_worker, OTHER_INTERNAL_NOTE, visibility="internal")
    make_goal(case, coordinator, domain="education", text=GOAL)
    db.session.flush()
    return Dossier(lead, partner, coordinator, partner_worker, supervisor, case)


def read_pdf(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), data[:20]
    return PdfReader(io.BytesIO(data))


def pages_text(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def all_text(reader: PdfReader) -> str:
    """The document's text with line breaks as spaces (a long line may wrap anywhere)."""
    return " ".join(" ".join(pages_text(reader)).split())
