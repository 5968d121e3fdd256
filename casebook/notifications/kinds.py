"""What each kind of notification says and where it leads: built on display, never stored.

A kind is what a user chooses about (``KINDS``, the preferences form); an event is what happened
within it (an action *due* or *overdue*). Texts are Dutch msgids; the e-mail lines are counts only,
so a digest carries no personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # lazy string: the preferences form
    hint: Any


KINDS: tuple[Kind, ...] = (
    Kind("action", _l("Acties"), _l("Een actie van u nadert de datum of is over de datum.")),
    Kind(
        "evaluation",
        _l("Evaluaties"),
        _l("De evaluatie van een casus waarvan u regisseur bent nadert of is verstreken."),
    ),
    Kind(
        "handoff",
        _l("Overdrachten te beslissen"),
        _l("Een overdracht of verzoek tot overdracht wacht op uw organisatie."),
    ),
    Kind(
        "handoff_outcome",
        _l("Besluiten over uw overdrachten"),
        _l("Een overdracht of verzoek van u is beslist of verlopen."),
    ),
    Kind("agenda", _l("Casusoverleg"), _l("Een casus waarvan u regisseur bent staat op de agenda van een overleg.")),
    Kind("closure", _l("Afsluitingen"), _l("Een voorstel tot afsluiten wacht op uw goedkeuring.")),
    Kind(
        "subject_request",
        _l("Verzoeken van betrokkenen"),
        _l("De termijn van een verzoek van een betrokkene nadert of is verstreken (privacyfunctionaris)."),
    ),
)
KIND_KEYS = frozenset(k.key for k in KINDS)

EVENT_TEXTS: dict[tuple[str, str], Any] = {
    ("action", "due"): _l("Een actie nadert de datum"),
    ("action", "overdue"): _l("Een actie is over de datum"),
    ("evaluation", "due"): _l("Een evaluatie nadert"),
    ("evaluation", "overdue"): _l("Een evaluatie is verstreken"),
    ("handoff", "to_decide"): _l("Een overdracht wacht op uw besluit"),
    ("handoff", "request_to_decide"): _l("Een verzoek tot overdracht wacht op uw antwoord"),
    ("handoff_outcome", "accepted"): _l("Uw overdracht is geaccepteerd"),
    ("handoff_outcome", "rejected"): _l("Uw overdracht is afgewezen"),
    ("handoff_outcome", "expired"): _l("Uw overdracht is verlopen zonder besluit"),
    ("handoff_outcome", "completed"): _l("Uw verwijzing is afgerond door de ontvanger"),
    ("handoff_outcome", "request_accepted"): _l(
        "Uw verzoek tot overdracht is gehonoreerd: er staat een overdracht voor u klaar"
    ),
    ("handoff_outcome", "request_declined"): _l("Uw verzoek tot overdracht is afgewezen"),
    ("handoff_outcome", "request_expired"): _l("Uw verzoek tot overdracht is verlopen zonder besluit"),
    ("agenda", "added"): _l("Een casus staat op de agenda van een casusoverleg"),
    ("closure", "to_approve"): _l("Een voorstel tot afsluiten wacht op uw goedkeuring"),
    ("subject_request", "due"): _l("De termijn van een verzoek van een betrokkene nadert"),
    ("subject_request", "overdue"): _l("De termijn van een verzoek van een betrokkene is verstreken"),
}

HIDDEN_TEXT = _l("Een notificatie over iets dat u niet (meer) kunt inzien")


def text_of(kind: str, event: str) -> str:
    return str(EVENT_TEXTS.get((kind, event), HIDDEN_TEXT))


def mail_line(kind: str, event: str, num: int) -> str:
    """One line of the digest: a count and what it counts, nothing about any case or person."""
    if (kind, event) == ("action", "overdue"):
        return ngettext("%(num)d actie over de datum", "%(num)d acties over de datum", num)
    if kind == "action":
        return ngettext(
            "%(num)d actie die binnenkort op de datum staat", "%(num)d acties die binnenkort op de datum staan", num
        )
    if (kind, event) == ("evaluation", "overdue"):
        return ngettext("%(num)d evaluatie verstreken", "%(num)d evaluaties verstreken", num)
    if kind == "evaluation":
        return ngettext("%(num)d evaluatie binnenkort", "%(num)d evaluaties binnenkort", num)
    if kind == "handoff":
        return ngettext(
            "%(num)d overdracht of verzoek te beslissen", "%(num)d overdrachten of verzoeken te beslissen", num
        )
    if kind == "handoff_outcome":
        return ngettext("%(num)d besluit over uw overdrachten", "%(num)d besluiten over uw overdrachten", num)
    if kind == "agenda":
        return ngettext(
            "%(num)d casus op de agenda van een overleg", "%(num)d casussen op de agenda van een overleg", num
        )
    if kind == "closure":
        return ngettext("%(num)d afsluiting goed te keuren", "%(num)d afsluitingen goed te keuren", num)
    if kind == "subject_request":
        return ngettext(
            "%(num)d verzoek van een betrokkene met een termijn die nadert of verstreken is",
            "%(num)d verzoeken van betrokkenen met een termijn die nadert of verstreken is",
            num,
        )
    return ngettext("%(num)d notificatie", "%(num)d notificaties", num)
