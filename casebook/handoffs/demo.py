"""Demo handoffs: a pending transfer, a pending referral, an accepted transfer, a rejected referral
and a pending request for a case — made through the services, so they carry audit events and
encrypted summaries. Idempotent: reference rows are looked up first; handoffs only when none exist.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases.models import Case, CaseParticipant, CaseType, Involvement
from casebook.db import db, utcnow
from casebook.handoffs import requests, services
from casebook.handoffs.models import Handoff, HandoffKind, LegalBasis, RestrictedTypeReceiverKind, SenderAfterTransfer
from casebook.organisations.models import Organisation, OrganisationKind

# Interim allow-list (see casebook.handoffs.rules): who may receive the restricted demo types.
RESTRICTED_RECEIVERS = {
    "domestic_violence": ("zvh", "veilig_thuis", "wijkteam", "police", "mental_health", "public_prosecutor"),
    "radicalisation": ("zvh", "police", "municipality", "probation", "public_prosecutor"),
}


def seed_restricted_receivers() -> int:
    created = 0
    for code, kinds in RESTRICTED_RECEIVERS.items():
        case_type = db.session.scalar(select(CaseType).where(CaseType.code == code))
        if case_type is None:
            continue
        for kind in kinds:
            exists = db.session.scalar(
                select(RestrictedTypeReceiverKind.id).where(
                    RestrictedTypeReceiverKind.case_type_id == case_type.id,
                    RestrictedTypeReceiverKind.organisation_kind == OrganisationKind(kind),
                )
            )
            if exists is None:
                db.session.add(
                    RestrictedTypeReceiverKind(case_type=case_type, organisation_kind=OrganisationKind(kind))
                )
                created += 1
    db.session.flush()
    return created


def _case(lead: str, type_code: str, without: str, skip: set[int]) -> Case | None:
    """An open case of ``lead`` in which ``without`` does not take part, not used yet."""
    for case in db.session.scalars(
        select(Case)
        .join(Case.case_type)
        .join(Case.lead_organisation)
        .where(Organisation.slug == lead, CaseType.code == type_code, Case.closed_at.is_(None))
        .order_by(Case.id)
    ):
        if case.id not in skip and all(p.organisation.slug != without for p in case.active_participants):
            skip.add(case.id)
            return case
    return None


def seed_handoffs() -> dict[str, int]:
    summary = {"restricted receivers": seed_restricted_receivers(), "handoffs": 0}
    if db.session.scalar(select(func.count(Handoff.id))):
        return summary
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    basis = {b.code: b for b in db.session.scalars(select(LegalBasis))}
    zvh, west = users.get("zvh.coordinator"), users.get("wijkteam-west.coordinator")
    if zvh is None or west is None or not basis:
        return summary
    used: set[int] = set()
    now = utcnow()

    def send(case, receiver, kind, text, **extra):
        data = services.HandoffInput(
            kind=kind,
            receiver=orgs[receiver],
            summary=text,
            legal_basis=basis["zvh_convenant"],
            person_informed=True,
            **extra,
        )
        return services.send(case, data, by=zvh, now=now - timedelta(days=2))

    made = []
    pending = _case("zvh", "youth", "wijkteam-west", used)
    if pending:
        made.append(
            send(
                pending,
                "wijkteam-west",
                HandoffKind.TRANSFER,
                "Gezin woont in Wielwijk; zorgvragen overheersen, veiligheid is stabiel. Graag regie naar wijkteam.",
                sender_after=SenderAfterTransfer.OBSERVER,
            )
        )
    referral = _case("zvh", "housing_nuisance", "reclassering", used)
    if referral:
        made.append(
            send(
                referral,
                "reclassering",
                HandoffKind.REFERRAL,
                "Betrokkene staat onder toezicht; graag afstemming over de bijzondere voorwaarden.",
                receiver_involvement=Involvement.CONTRIBUTOR,
            )
        )
    accepted = _case("zvh", "adult_offender", "wijkteam-west", used)
    if accepted:
        handoff = send(
            accepted,
            "wijkteam-west",
            HandoffKind.TRANSFER,
            "Strafrechtelijk traject afgerond; nazorg en dagbesteding staan centraal.",
            sender_after=SenderAfterTransfer.OBSERVER,
        )
        services.accept(handoff, by=west, process_coordinator=west, now=now - timedelta(days=1))
        made.append(handoff)
    rejected = _case("zvh", "youth", "wijkteam-west", used)
    if rejected:
        handoff = send(
            rejected,
            "wijkteam-west",
            HandoffKind.REFERRAL,
            "Jongere zoekt aansluiting bij activiteiten in de wijk; graag een kennismaking.",
            receiver_involvement=Involvement.OBSERVER,
        )
        services.reject(handoff, by=west, reason="Valt buiten ons werkgebied; graag via wijkteam Noord.", now=now)
        made.append(handoff)
    asked = _case("zvh", "youth", "wijkteam-west", used)
    if asked:
        # only an organisation taking part in a case may ask for it: the wijkteam joined as observer
        asked.participants.append(
            CaseParticipant(organisation=west.organisation, involvement=Involvement.OBSERVER, started_at=now)
        )
        db.session.flush()
        requests.create(
            asked.reference, "Besproken in het casusoverleg: het wijkteam neemt de regie graag over.", by=west
        )
    summary["handoffs"] = len(made)
    return summary
