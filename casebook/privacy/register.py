"""The register of processing activities (verwerkingsregister, AVG art. 30) as data.

Each activity has a stable code (``pga-casework``) that the code and every processing-log line
refer to, and versions: a change closes the current version (``valid_to``) and adds the next, so
the register as it stood on any date can be shown, and a log line always points at the activity
its code meant when it was written. The PGA's activities are seeded by the migration that creates
the table (``SEED``), so a fresh installation has a complete register before anyone logs in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, db, utcnow


class ProcessingActivity(Base):
    """One version of one processing activity. The current version has ``valid_to`` None."""

    __tablename__ = "processing_activity"
    __table_args__ = (Index("ix_processing_activity_current", "id", "valid_to"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the code, e.g. "pga-casework"
    version: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    controller: Mapped[str] = mapped_column(String(200))  # verwerkingsverantwoordelijke
    purpose: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text)
    categories_of_persons: Mapped[str] = mapped_column(Text)
    categories_of_data: Mapped[str] = mapped_column(Text)
    recipients: Mapped[str] = mapped_column(Text)
    retention: Mapped[str] = mapped_column(Text)  # the retention of the data, as the register states it
    # How long processing-log lines of this activity are kept (``casebook processing-log prune``).
    log_retention_days: Mapped[int]
    security_measures: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[datetime] = mapped_column(default=utcnow)
    valid_to: Mapped[datetime | None]
    changed_by_id: Mapped[int | None]  # user id of whoever made this version (None: the seed)

    def __repr__(self) -> str:
        return f"<ProcessingActivity {self.id} v{self.version}>"


class UnknownActivity(LookupError):
    """No current version of a processing activity with this code: the register and the code disagree
    (a programming or migration error, never user input)."""


# The fields a version carries; what a CSV/PDF export and the edit form show, in this order.
FIELDS = (
    "name",
    "controller",
    "purpose",
    "legal_basis",
    "categories_of_persons",
    "categories_of_data",
    "recipients",
    "retention",
    "log_retention_days",
    "security_measures",
)


def activity(code: str) -> ProcessingActivity:
    """The current version of the activity ``code``.

    :raises UnknownActivity: the register has no current version of it.
    """
    found = db.session.scalar(
        select(ProcessingActivity).where(ProcessingActivity.id == code, ProcessingActivity.valid_to.is_(None))
    )
    if found is None:
        raise UnknownActivity(f"no processing activity {code!r} in the register")
    return found


def current_activities() -> list[ProcessingActivity]:
    """The register as it stands: the current version of every activity, by code."""
    return list(
        db.session.scalars(
            select(ProcessingActivity).where(ProcessingActivity.valid_to.is_(None)).order_by(ProcessingActivity.id)
        )
    )


def versions_of(code: str) -> list[ProcessingActivity]:
    """Every version of ``code``, newest first (empty for an unknown code)."""
    return list(
        db.session.scalars(
            select(ProcessingActivity).where(ProcessingActivity.id == code).order_by(ProcessingActivity.version.desc())
        )
    )


_CONTROLLER = "College van burgemeester en wethouders van de gemeente Dordrecht"
_SECURITY = (
    "Persoonsgegevens en vrije tekst versleuteld per eigenaar (AES-256-GCM, sleutels buiten de database); "
    "toegang per rol, zaaktype en vertrouwelijkheid; audittrail met sleutelketen; tweefactorauthenticatie; "
    "verwerkingslog zonder BSN; back-ups versleuteld."
)
_PGA_PERSONS = "Betrokkenen (volwassenen en jeugdigen), gezinsleden, slachtoffers, melders"

#: The PGA's register as the migration seeds it (version 1 of every activity).
SEED: tuple[dict[str, object], ...] = (
    {
        "id": "pga-signal-intake",
        "name": "Ontvangen en wegen van meldingen (weegtafel)",
        "purpose": "Bepalen of een melding over een persoon of gezin een persoonsgerichte aanpak vraagt.",
        "legal_basis": "AVG art. 6 lid 1 sub e; Gemeentewet art. 172 (openbare orde); Convenant Zorg- en "
        "Veiligheidshuis Zuid-Holland Zuid",
        "categories_of_persons": _PGA_PERSONS,
        "categories_of_data": "Naam, geboortedatum, BSN, adres; inhoud van de melding; strafrechtelijke gegevens "
        "(art. 10 AVG) voor zover de melder ze aanlevert",
        "recipients": "Procesregisseurs van het Zorg- en Veiligheidshuis; deelnemers aan de weegtafel",
        "retention": "Zonder casus: 1 jaar na de weegbeslissing; met casus: als de casus",
        "log_retention_days": 730,
    },
    {
        "id": "pga-person-register",
        "name": "Registratie van betrokkenen",
        "purpose": "Eén persoon één registratie: personen vinden en koppelen aan meldingen, casussen en gezinnen.",
        "legal_basis": "AVG art. 6 lid 1 sub e; Wabb art. 10 (BSN); Wmo 2015 art. 5.2.1; Jeugdwet art. 7.4.0",
        "categories_of_persons": _PGA_PERSONS,
        "categories_of_data": "Naam, geboortedatum, BSN, adres, telefoonnummer",
        "recipients": "Medewerkers van partners binnen hun autorisatie",
        "retention": "Zolang een melding of casus van de persoon bewaard wordt",
        "log_retention_days": 730,
    },
    {
        "id": "pga-casework",
        "name": "Casusregie en procesregie in de persoonsgerichte aanpak",
        "purpose": "Met partners een plan van aanpak uitvoeren om criminaliteit, overlast en escalatie te "
        "voorkomen en zorg te bieden (preventie, zorg en repressie).",
        "legal_basis": "AVG art. 6 lid 1 sub e en art. 9 lid 2 sub g; Wmo 2015 art. 2.3.5 en 5.1.1; Jeugdwet "
        "art. 2.3 en 7.4.0; Politiewet 2012 en Wpg art. 20 (politiegegevens); Gemeentewet art. 172; Convenant "
        "Zorg- en Veiligheidshuis Zuid-Holland Zuid",
        "categories_of_persons": _PGA_PERSONS,
        "categories_of_data": "Identificerende gegevens; gezinssamenstelling; journaal, plan van aanpak, "
        "interventies, documenten; gezondheid (art. 9 AVG) en strafrechtelijke gegevens (art. 10 AVG) voor zover "
        "nodig",
        "recipients": "Partners in de casus (ZVH, sociaal wijkteam, politie, OM, Veilig Thuis, reclassering, GGZ, "
        "woningcorporatie, jongerenwerk) binnen hun autorisatie",
        "retention": "Per zaaktype: einddatum van de casus plus de bewaartermijn van het zaaktype; daarna "
        "vernietiging via een vernietigingslijst",
        "log_retention_days": 1825,
    },
    {
        "id": "pga-household",
        "name": "Gezinsgerichte aanpak (1 gezin, 1 plan, 1 regisseur)",
        "purpose": "Casussen van één gezin samen regisseren.",
        "legal_basis": "AVG art. 6 lid 1 sub e; Jeugdwet art. 2.1 en 7.4.0; Wmo 2015 art. 2.3.2; Convenant Zorg- "
        "en Veiligheidshuis Zuid-Holland Zuid",
        "categories_of_persons": "Gezinsleden en hun relatie tot elkaar",
        "categories_of_data": "Gezinssamenstelling, verwijzing naar casussen",
        "recipients": "Procesregisseur van het gezin; casusregisseurs van de gezinsleden",
        "retention": "Zolang een casus van een gezinslid bewaard wordt",
        "log_retention_days": 1825,
    },
    {
        "id": "pga-information-sharing",
        "name": "Gegevensdeling en overdracht tussen partners",
        "purpose": "Gegevens delen met of een casus overdragen aan een partner die een taak in de aanpak heeft.",
        "legal_basis": "AVG art. 6 lid 1 sub c en e; Wpg art. 20 en Wjsg art. 39f; Wmo 2015 art. 5.3.1; Jeugdwet "
        "art. 7.4.4; Convenant Zorg- en Veiligheidshuis Zuid-Holland Zuid",
        "categories_of_persons": _PGA_PERSONS,
        "categories_of_data": "De gegevens van de casus die de overdracht noemt",
        "recipients": "De ontvangende partner",
        "retention": "Als de casus",
        "log_retention_days": 1825,
    },
    {
        "id": "pga-administrative-measures",
        "name": "Bestuurlijke maatregelen van de burgemeester",
        "purpose": "Voorbereiden en uitvoeren van bestuurlijke maatregelen (huisverbod, gebiedsverbod, sluiting "
        "pand, last onder dwangsom) als interventie in een casus.",
        "legal_basis": "Gemeentewet art. 172, 172a, 174a; Wet tijdelijk huisverbod; Opiumwet art. 13b; AVG art. "
        "10 en Uitvoeringswet AVG art. 33",
        "categories_of_persons": "Betrokkenen, slachtoffers, omwonenden",
        "categories_of_data": "Identificerende gegevens; strafrechtelijke gegevens; besluiten",
        "recipients": "Team Veiligheid van de gemeente; politie; OM",
        "retention": "Als de casus; besluiten volgens de Archiefwet 1995",
        "log_retention_days": 1825,
    },
    {
        "id": "pga-supervision",
        "name": "Toezicht op toegang (audittrail, doorbraak)",
        "purpose": "Controleren wie welke gegevens heeft ingezien of gewijzigd en of een doorbraak terecht was.",
        "legal_basis": "AVG art. 5 lid 2, 24 en 32",
        "categories_of_persons": "Medewerkers van partners; betrokkenen (alleen als verwijzing)",
        "categories_of_data": "Gebruikersnaam, organisatie, tijdstip, handeling, object; geen vrije tekst",
        "recipients": "Teamleiders, privacyfunctionaris",
        "retention": "Audittrail: onbeperkt (sleutelketen, geen persoonsgegevens van betrokkenen)",
        "log_retention_days": 1825,
    },
    {
        "id": "pga-subject-rights",
        "name": "Verzoeken van betrokkenen (inzage, rectificatie, beperking, wissing)",
        "purpose": "Verzoeken van betrokkenen over hun gegevens afhandelen.",
        "legal_basis": "AVG art. 12 tot en met 22",
        "categories_of_persons": "Verzoekers (betrokkenen) en hun vertegenwoordigers",
        "categories_of_data": "Identificerende gegevens, het verzoek, de verstrekte gegevens",
        "recipients": "Privacyfunctionaris; de verzoeker",
        "retention": "5 jaar na afhandeling",
        "log_retention_days": 1825,
    },
    {
        "id": "pga-retention",
        "name": "Bewaren en vernietigen (vernietigingslijsten)",
        "purpose": "Gegevens na de bewaartermijn vernietigen; de vernietiging verantwoorden.",
        "legal_basis": "Archiefwet 1995 art. 3 en 5; AVG art. 5 lid 1 sub e",
        "categories_of_persons": "Betrokkenen van vernietigde casussen (alleen als verwijzing)",
        "categories_of_data": "Zaakreferentie, zaaktype, einddatum, vernietigingsdatum",
        "recipients": "Privacyfunctionaris, archivaris",
        "retention": "Vernietigingslijsten: blijvend",
        "log_retention_days": 3650,
    },
    {
        "id": "pga-reporting",
        "name": "Sturingsinformatie",
        "purpose": "Geaggregeerde cijfers over de aanpak voor sturing en verantwoording; kleine aantallen onderdrukt.",
        "legal_basis": "AVG art. 6 lid 1 sub e en art. 89",
        "categories_of_persons": "Geen (geaggregeerd)",
        "categories_of_data": "Aantallen per zaaktype, wijk, status",
        "recipients": "Gemeente, ketenpartners",
        "retention": "Rapporten: 7 jaar",
        "log_retention_days": 730,
    },
)


def seed_rows(valid_from: datetime) -> list[dict[str, object]]:
    """The seed as table rows (version 1, open-ended): what the migration inserts."""
    return [
        {
            **row,
            "version": 1,
            "controller": _CONTROLLER,
            "security_measures": _SECURITY,
            "valid_from": valid_from,
            "valid_to": None,
            "changed_by_id": None,
        }
        for row in SEED
    ]
