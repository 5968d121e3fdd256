"""Demo dossiers: a probleemanalyse, a hulpvraag and signaleringen on a few open cases, written
through the services (encrypted, versioned, audited like real work). Idempotent: nothing is added
when any case carries a flag already.
"""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases import dossier_changes
from casebook.cases.dossier_models import CaseFlag
from casebook.cases.models import Case
from casebook.db import db

# (probleemanalyse, hulpvraag, flag codes) for the newest open cases the demo coordinator may edit (the
# first ones of the case list, so the dossier header shows them at once)
DOSSIERS = [
    (
        "Huurachterstand van vier maanden en oplopende schulden. Herhaalde geluidsoverlast; "
        "buren voelen zich onveilig. Zoon (15) verzuimt van school.",
        "Moeder wil de woning behouden en hulp bij het op orde krijgen van de financiën.",
        ["veiligheidsrisico_huisbezoek", "minderjarige_kinderen"],
    ),
    (
        "Jongere in beeld bij politie na een incident met een mes bij het winkelcentrum. "
        "Contact met een groep oudere jongeren; geen dagbesteding.",
        "Ouders vragen ondersteuning bij opvoeding en begrenzing; jongere wil werk.",
        ["wapenbezit", "agressie"],
    ),
    (
        "Vervuilde woning en signalen van verward gedrag; betrokkene weigert tot nu toe zorg.",
        "Geen eigen hulpvraag; de woningcorporatie en buren vragen om ingrijpen.",
        ["zorgmijder", "drugs_verslaving"],
    ),
    (
        "Meerdere aangiftes van winkeldiefstal; verslaving en schulden. Spreekt beperkt Nederlands.",
        "Betrokkene wil van de schulden af en vraagt hulp bij het vinden van werk.",
        ["taalbarriere", "drugs_verslaving"],
    ),
]


def seed_dossiers() -> dict[str, int]:
    """Summaries and flags on the newest few open cases (each through ``dossier_changes``)."""
    if db.session.scalar(select(func.count(CaseFlag.id))):
        return {"dossiers": 0}
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    if coordinator is None:
        return {"dossiers": 0}
    cases = [
        c
        for c in db.session.scalars(
            select(Case).where(Case.closed_at.is_(None)).order_by(Case.opened_at.desc(), Case.id.desc()).limit(40)
        )
        if can(coordinator, Action.UPDATE_CASE, c) and c.closure_proposed_at is None
    ][: len(DOSSIERS)]
    for case, (analysis, request, flags) in zip(cases, DOSSIERS, strict=False):
        edit = dossier_changes.SummaryEdit(problem_analysis=analysis, help_request=request)
        dossier_changes.update_summary(case, edit, by=coordinator, expected_version=case.version)
        dossier_changes.set_flags(case, flags, by=coordinator, expected_version=case.version)
    return {"dossiers": len(cases)}
