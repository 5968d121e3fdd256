"""Two years of demo history, so that the management reports show plausible numbers and trends.

The handpicked demo cases (``seed.py``) show every feature on a few cases; this module adds the
volume behind them: signals weighed at the weegtafel from December 2024 to November 2026, the cases
opened from them with a status history (weging, plan van aanpak, uitvoering, afschaling, nazorg),
interventions of every kind, closures with a result, and a few cases reopened after closing.

The numbers are designed, not drawn: ``CLOSED`` says how many cases of each theme closed in each
year with each result, ``OPEN`` how many are open now in each phase, ``REOPENED`` which cases were
reopened and when, ``NOT_OPENED`` how many signals ended in advice, a referral or no action. A
seeded random generator only spreads them over dates, wijken and partners, so every run gives the
same data and the tests can check the designed numbers (tests/test_demo_history.py).

Cases are opened through ``open_case`` (a reference per year, the opening status and its audit
event, like every demo case); the history behind them is written with the models the services
write, dated in the past, as ``casework.seed_status_histories`` does. Personal data and texts are
encrypted as always. The history stays behind the handpicked cases: no history case is opened
after ``OPENED_BEFORE``, so the newest cases of every list remain the handpicked ones; its new
procesregisseurs and casusregisseurs are colleagues without a password, so the demo accounts'
My work does not fill up with hundreds of cases.

Idempotent: nothing is added when the first history colleague exists already.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from casebook.access.services import grant_authorisation
from casebook.auth.models import Role, User
from casebook.auth.services import create_user
from casebook.cases.durations import parse_duration
from casebook.cases.models import (
    Case,
    CaseClosureStep,
    CaseParticipant,
    CaseResult,
    CaseStatusChange,
    CaseType,
    ClosureStepKind,
    Involvement,
    StatusType,
    SubjectRole,
)
from casebook.cases.services import NewCase, open_case
from casebook.confidentiality import Confidentiality as C
from casebook.db import db
from casebook.demo import data
from casebook.interventions.models import Intervention, InterventionKind
from casebook.organisations.models import District, Organisation
from casebook.people.models import Person
from casebook.plans.models import CasePlan
from casebook.signals.models import Channel, Signal, SignalPerson, TriageDecision

SEED = 20261203
RESULTS = ("goals_achieved", "handed_to_regular_care", "moved", "no_cooperation", "deceased")
THEMES = ("youth", "radicalisation", "housing_nuisance", "domestic_violence", "adult_offender")
PHASES = ("casusoverleg", "plan_van_aanpak", "uitvoering", "afschaling", "nazorg")

# The history runs from HISTORY_START to HISTORY_END (the signals; a case closing early in 2025
# was opened in 2024, before the window, as in real life). No history case opens on or after
# OPENED_BEFORE: the handpicked cases of the last weeks stay the newest of every list.
HISTORY_START = datetime(2024, 12, 3, tzinfo=UTC)
HISTORY_END = datetime(2026, 11, 27, tzinfo=UTC)
OPENED_BEFORE = datetime(2026, 10, 31, tzinfo=UTC)
NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # the open cases' history runs up to here

# Cases closed (and still closed) per year and theme: counts per result, in the order of RESULTS.
# 2024 is December only; 2026 runs to 30 November.
CLOSED: dict[int, dict[str, tuple[int, int, int, int, int]]] = {
    2024: {
        "youth": (2, 1, 0, 0, 0),
        "radicalisation": (0, 1, 0, 0, 0),
        "housing_nuisance": (1, 1, 0, 1, 0),
        "domestic_violence": (1, 0, 0, 0, 0),
        "adult_offender": (1, 0, 0, 1, 0),
    },
    2025: {
        "youth": (38, 22, 6, 9, 0),
        "radicalisation": (6, 6, 1, 2, 0),
        "housing_nuisance": (30, 20, 7, 8, 1),
        "domestic_violence": (18, 14, 4, 5, 0),
        "adult_offender": (22, 18, 5, 12, 1),
    },
    2026: {
        "youth": (42, 24, 7, 8, 1),
        "radicalisation": (7, 5, 2, 2, 0),
        "housing_nuisance": (33, 21, 6, 9, 0),
        "domestic_violence": (20, 15, 3, 6, 0),
        "adult_offender": (24, 20, 6, 10, 2),
    },
}

# Cases open now per theme: counts per phase, in the order of PHASES.
OPEN: dict[str, tuple[int, int, int, int, int]] = {
    "youth": (14, 20, 36, 14, 8),
    "radicalisation": (3, 4, 8, 3, 2),
    "housing_nuisance": (11, 17, 31, 11, 7),
    "domestic_violence": (7, 11, 20, 7, 4),
    "adult_offender": (8, 14, 28, 10, 6),
}

# Cases closed and reopened later (theme, result of the closure, closed on, reopened on); each is
# open again now, in uitvoering. Fourteen closed in 2025, four in 2026; all but two were reopened
# within twelve months of closing.
REOPENED: list[tuple[str, str, date, date]] = [
    ("youth", "goals_achieved", date(2025, 2, 14), date(2025, 9, 2)),
    ("youth", "handed_to_regular_care", date(2025, 4, 3), date(2025, 12, 8)),
    ("youth", "goals_achieved", date(2025, 6, 20), date(2026, 2, 11)),
    ("youth", "no_cooperation", date(2025, 9, 12), date(2026, 3, 30)),
    ("housing_nuisance", "goals_achieved", date(2025, 1, 28), date(2025, 7, 15)),
    ("housing_nuisance", "handed_to_regular_care", date(2025, 5, 9), date(2026, 1, 19)),
    ("housing_nuisance", "moved", date(2025, 8, 22), date(2026, 6, 4)),
    ("adult_offender", "goals_achieved", date(2025, 3, 6), date(2025, 10, 21)),
    ("adult_offender", "no_cooperation", date(2025, 7, 1), date(2026, 4, 14)),
    ("adult_offender", "handed_to_regular_care", date(2025, 10, 17), date(2026, 8, 25)),
    ("domestic_violence", "goals_achieved", date(2025, 4, 24), date(2025, 11, 3)),
    ("domestic_violence", "handed_to_regular_care", date(2025, 11, 14), date(2026, 5, 6)),
    # reopened more than twelve months after closing
    ("adult_offender", "goals_achieved", date(2025, 1, 16), date(2026, 3, 9)),
    ("housing_nuisance", "handed_to_regular_care", date(2025, 2, 27), date(2026, 5, 20)),
    # closed in 2026
    ("youth", "goals_achieved", date(2026, 1, 22), date(2026, 7, 7)),
    ("adult_offender", "no_cooperation", date(2026, 3, 12), date(2026, 9, 29)),
    ("domestic_violence", "handed_to_regular_care", date(2026, 2, 5), date(2026, 10, 13)),
    ("radicalisation", "goals_achieved", date(2026, 4, 16), date(2026, 11, 5)),
]

# Signals weighed without opening a case, per year of receipt (2024: from 3 December; 2026: to 27 November).
NOT_OPENED: dict[int, dict[TriageDecision, int]] = {
    2024: {TriageDecision.ADVICE: 8, TriageDecision.REFER: 6, TriageDecision.NO_ACTION: 4},
    2025: {TriageDecision.ADVICE: 130, TriageDecision.REFER: 100, TriageDecision.NO_ACTION: 70},
    2026: {TriageDecision.ADVICE: 125, TriageDecision.REFER: 95, TriageDecision.NO_ACTION: 65},
}

# How many cases a wijk brings, relative to the others (Crabbehof and Wielwijk the most).
DISTRICT_WEIGHTS = {
    "crabbehof": 14,
    "wielwijk": 13,
    "oud-krispijn": 12,
    "nieuw-krispijn": 11,
    "binnenstad": 11,
    "noordflank": 9,
    "reeland": 8,
    "sterrenburg": 8,
    "zuidhoven": 6,
    "dubbeldam": 4,
    "stadspolders": 4,
}

# Where a theme's signals come from: (source organisation, channel, weight).
SOURCES: dict[str, list[tuple[str, Channel, int]]] = {
    "youth": [
        ("politie", Channel.POLICE, 8),
        ("jongerenwerk", Channel.SCHOOL, 5),
        ("wijkteam", Channel.PARTNER, 4),
        ("gemeente", Channel.RESIDENT, 3),
    ],
    "radicalisation": [
        ("gemeente", Channel.PARTNER, 4),
        ("politie", Channel.POLICE, 4),
        ("jongerenwerk", Channel.SCHOOL, 1),
        ("ggd", Channel.OTHER, 1),
    ],
    "housing_nuisance": [
        ("woningcorporatie", Channel.PARTNER, 9),
        ("wijkteam", Channel.PARTNER, 4),
        ("politie", Channel.POLICE, 3),
        ("gemeente", Channel.RESIDENT, 4),
    ],
    "domestic_violence": [
        ("veilig-thuis", Channel.VEILIG_THUIS, 12),
        ("politie", Channel.POLICE, 5),
        ("wijkteam", Channel.PARTNER, 3),
    ],
    "adult_offender": [
        ("politie", Channel.POLICE, 11),
        ("reclassering", Channel.PARTNER, 4),
        ("gemeente", Channel.MELD_MISDAAD_ANONIEM, 3),
        ("om", Channel.PARTNER, 2),
    ],
}
# Who registers a signal of a source (an organisation without a demo worker: the ZVH's front office).
REGISTRANTS = {
    "politie": "politie.caseworker",
    "veilig-thuis": "veilig-thuis.caseworker",
    "jongerenwerk": "jongerenwerk.caseworker",
    "wijkteam-west": "wijkteam-west.caseworker",
    "wijkteam-noord": "wijkteam-noord.caseworker",
}
REFERRALS = {
    "youth": ["jongerenwerk", "wijkteam"],
    "radicalisation": ["ggd", "politie"],
    "housing_nuisance": ["woningcorporatie", "ggd", "wijkteam"],
    "domestic_violence": ["veilig-thuis", "wijkteam"],
    "adult_offender": ["reclassering", "om", "ggd"],
}

# Interventions per theme: (kind code, weight). Together they use every seeded kind.
INTERVENTION_MIX: dict[str, list[tuple[str, int]]] = {
    "youth": [
        ("gesprek", 4),
        ("jongerenwerk", 3),
        ("halt", 3),
        ("gezinsondersteuning", 2),
        ("huisbezoek", 1),
        ("zorgtraject", 1),
        ("gebiedsverbod", 1),
        ("aanhouding", 1),
        ("strafrechtelijk_traject", 1),
    ],
    "radicalisation": [
        ("gesprek", 3),
        ("huisbezoek", 2),
        ("zorgtraject", 2),
        ("ggz_behandeling", 1),
        ("jongerenwerk", 1),
        ("strafrechtelijk_traject", 1),
    ],
    "housing_nuisance": [
        ("huisbezoek", 3),
        ("buurtbemiddeling", 3),
        ("ggz_behandeling", 2),
        ("schuldhulpverlening", 2),
        ("last_onder_dwangsom", 2),
        ("gesprek", 1),
        ("zorgtraject", 1),
        ("sluiting_pand", 1),
        ("wbmgp_woonverklaring", 1),
    ],
    "domestic_violence": [
        ("gezinsondersteuning", 3),
        ("tijdelijk_huisverbod", 2),
        ("zorgtraject", 2),
        ("gesprek", 2),
        ("ggz_behandeling", 1),
        ("huisbezoek", 1),
        ("strafrechtelijk_traject", 1),
    ],
    "adult_offender": [
        ("reclassering", 3),
        ("verslavingszorg", 2),
        ("schuldhulpverlening", 2),
        ("strafrechtelijk_traject", 2),
        ("aanhouding", 2),
        ("gebiedsverbod", 1),
        ("gesprek", 1),
        ("zorgtraject", 1),
    ],
}
# The partner that carries out a kind, when it takes part in the case (else the lead organisation).
INTERVENTION_ORGANISATION = {
    "halt": "politie",
    "aanhouding": "politie",
    "gebiedsverbod": "politie",
    "strafrechtelijk_traject": "politie",
    "jongerenwerk": "jongerenwerk",
    "reclassering": "reclassering",
    "ggz_behandeling": "ggd",
    "verslavingszorg": "ggd",
    "gezinsondersteuning": "veilig-thuis",
    "buurtbemiddeling": "woningcorporatie",
}

# The colleagues who direct the history cases (no password: they are not demo logins).
# username, display name, organisation slug, role
COLLEAGUES = [
    ("zvh.procesregisseur2", "Ilse Jacobs", "zvh", "coordinator"),
    ("zvh.procesregisseur3", "Youssef Amrani", "zvh", "coordinator"),
    ("wijkteam-west.procesregisseur2", "Tom Verbeek", "wijkteam-west", "coordinator"),
    ("wijkteam-noord.procesregisseur", "Marieke de Jong", "wijkteam-noord", "coordinator"),
    ("zvh.casusregisseur2", "Anne Schouten", "zvh", "caseworker"),
    ("wijkteam-west.casusregisseur2", "Rachid Bouzid", "wijkteam-west", "caseworker"),
    ("wijkteam-noord.casusregisseur2", "Eva Timmer", "wijkteam-noord", "caseworker"),
    ("veilig-thuis.casusregisseur2", "Lotte Vermeulen", "veilig-thuis", "caseworker"),
    ("wijkteam-west.teamleider", "Karin Bosman", "wijkteam-west", "supervisor"),
    ("wijkteam-noord.teamleider", "Erik van Dam", "wijkteam-noord", "supervisor"),
]
RESTRICTED_COORDINATOR = "zvh.procesregisseur3"  # directs the ZVH's radicalisation and domestic violence cases

SIGNAL_TEXTS = {
    "youth": "Jongere in beeld na incidenten in de wijk; zorgen over school en vrienden. (demo)",
    "radicalisation": "Zorgen over uitingen online en contacten met een extremistische groep. (demo)",
    "housing_nuisance": "Aanhoudende overlast vanuit een woning; buren melden zich herhaaldelijk. (demo)",
    "domestic_violence": "Meldingen van geweld achter de voordeur; kinderen in het gezin. (demo)",
    "adult_offender": "Herhaaldelijk in beeld bij politie; verslaving en schulden. (demo)",
}
DECISION_TEXTS = {
    TriageDecision.OPEN_CASE: "Meerdere leefgebieden, meerdere ketens nodig: casus geopend. (demo)",
    TriageDecision.ADVICE: "Eén leefgebied; advies aan de melder over passende hulp. (demo)",
    TriageDecision.REFER: "Past bij de reguliere aanpak van een partner; doorverwezen. (demo)",
    TriageDecision.NO_ACTION: "Geen zorgen die om inzet vragen; melder geïnformeerd. (demo)",
}
CLOSING_TEXTS = {
    "goals_achieved": "Doelen uit het plan van aanpak behaald. (demo)",
    "handed_to_regular_care": "Overgedragen aan de reguliere hulpverlening van het wijkteam. (demo)",
    "moved": "Betrokkene is naar een andere gemeente verhuisd; warme overdracht gedaan. (demo)",
    "no_cooperation": "Betrokkene werkt niet mee; zorgen blijven, politie en wijkteam houden zicht. (demo)",
    "deceased": "Betrokkene is overleden. (demo)",
}
REOPEN_TEXT = "Nieuwe meldingen na afsluiten; de problemen zijn terug. (demo)"
OUTCOMES = ["Afspraken vastgelegd in het plan. (demo)", "Uitgevoerd zoals gepland. (demo)"]


@dataclass
class _Plan:
    """One history case as designed: its theme, the statuses it passes with the day each is
    reached, and how it ends (a result when closed, the reopening when reopened)."""

    theme: str
    steps: list[tuple[str, datetime]]  # (status code, reached at); the first is the opening
    result: str | None = None  # closed (or closed once, when reopened) with this result
    proposed_at: datetime | None = None
    reopened_at: datetime | None = None


def _at(day: date | datetime, rng: random.Random) -> datetime:
    """A moment during office hours on ``day`` (a weekend day moves to the Monday after)."""
    moment = day if isinstance(day, date) and not isinstance(day, datetime) else day.date()
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return datetime.combine(moment, time(rng.randint(8, 15), rng.randrange(0, 60, 5)), tzinfo=UTC)


def _working_days_before(moment: datetime, days: int) -> datetime:
    while days > 0:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def _working_days_after(moment: datetime, days: int) -> datetime:
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def _closing_path(rng: random.Random, result: str) -> list[tuple[str, int]]:
    """The statuses a case passes before it closes with ``result``, each with the days spent in
    the status before it (the last number: days from the last status to the approval)."""
    path = [("plan_van_aanpak", rng.randint(8, 35)), ("uitvoering", rng.randint(5, 20))]
    if result in ("moved", "no_cooperation", "deceased"):
        return [*path, ("afgesloten", rng.randint(30, 150))]
    path.append(("afschaling", rng.randint(60, 220)))
    if result == "handed_to_regular_care" and rng.random() < 0.5:
        return [*path, ("afgesloten", rng.randint(20, 60))]
    return [*path, ("nazorg", rng.randint(20, 60)), ("afgesloten", rng.randint(20, 75))]


def _closed_plan(rng: random.Random, theme: str, result: str, closed: datetime) -> _Plan:
    path = _closing_path(rng, result)
    opened = closed - timedelta(days=sum(days for _, days in path))
    steps = [("casusoverleg", opened)]
    at = opened
    for code, days in path:
        at += timedelta(days=days)
        steps.append((code, at if code != "afgesloten" else closed))
    return _Plan(theme, steps, result=result, proposed_at=closed - timedelta(days=rng.randint(1, 6)))


# How long before OPENED_BEFORE a case open now in a phase was opened (days, lowest and highest).
OPEN_AGES = {
    "casusoverleg": (0, 40),
    "plan_van_aanpak": (10, 90),
    "uitvoering": (25, 330),
    "afschaling": (90, 420),
    "nazorg": (140, 460),
}


def _open_plan(rng: random.Random, theme: str, phase: str) -> _Plan:
    """A case open now in ``phase``, opened before OPENED_BEFORE; the statuses it passed are
    reached in the usual proportions of the time it has run, a few days left for the current one."""
    low, high = OPEN_AGES[phase]
    opened = _at(OPENED_BEFORE - timedelta(days=rng.randint(low, high) + 1), rng)
    reached = PHASES[1 : PHASES.index(phase) + 1]
    spent = [
        {
            "plan_van_aanpak": rng.randint(8, 35),
            "uitvoering": rng.randint(5, 20),
            "afschaling": rng.randint(60, 220),
            "nazorg": rng.randint(20, 60),
        }[code]
        for code in reached
    ]
    available = (NOW - opened).total_seconds() / 86400 - rng.randint(3, 20)
    scale = min(1.0, available / sum(spent)) if spent and available > 0 else 1.0
    steps = [("casusoverleg", opened)]
    at = opened
    for code, days in zip(reached, spent, strict=True):
        at += timedelta(days=max(1.0, days * scale))
        steps.append((code, at))
    return _Plan(theme, steps)


def _reopened_plan(rng: random.Random, theme: str, result: str, closed: date, reopened: date) -> _Plan:
    plan = _closed_plan(rng, theme, result, _at(closed, rng))
    plan.reopened_at = _at(reopened, rng)
    return plan


def _year_moment(rng: random.Random, year: int) -> datetime:
    """A day in ``year`` as far as the history goes (2024: December; 2026: to the end)."""
    start = max(datetime(year, 1, 1, tzinfo=UTC), HISTORY_START)
    end = min(datetime(year + 1, 1, 1, tzinfo=UTC), HISTORY_END)
    return _at(start + timedelta(days=rng.randrange((end - start).days)), rng)


def design(rng: random.Random) -> list[_Plan]:
    """Every history case, in the order it is created (by opening date)."""
    plans = []
    for year, themes in CLOSED.items():
        for theme, counts in themes.items():
            for result, count in zip(RESULTS, counts, strict=True):
                for _ in range(count):
                    closed = _year_moment(rng, year)
                    if year == 2026:
                        closed = min(closed, NOW - timedelta(days=1))
                    plans.append(_closed_plan(rng, theme, result, closed))
    for theme, counts in OPEN.items():
        for phase, count in zip(PHASES, counts, strict=True):
            plans.extend(_open_plan(rng, theme, phase) for _ in range(count))
    plans.extend(_reopened_plan(rng, *spec) for spec in REOPENED)
    plans.sort(key=lambda p: p.steps[0][1])
    return plans


def _weighted(rng: random.Random, pairs: list[tuple[object, int]]) -> object:
    return rng.choices([value for value, _ in pairs], weights=[weight for _, weight in pairs])[0]


class _Seeder:
    """Writes the designed history; holds the reference data it needs, looked up once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
        self.types = {t.code: t for t in db.session.scalars(select(CaseType))}
        self.districts = {d.code: d for d in db.session.scalars(select(District))}
        self.users = {u.username: u for u in db.session.scalars(select(User))}
        self.kinds = {k.code: k for k in db.session.scalars(select(InterventionKind))}
        self.statuses: dict[tuple[int, str], StatusType] = {
            (s.case_type_id, s.code): s for s in db.session.scalars(select(StatusType))
        }
        self.results: dict[tuple[int, str], CaseResult] = {
            (r.case_type_id, r.code): r for r in db.session.scalars(select(CaseResult))
        }
        self.district_weights = [(self.districts[code], w) for code, w in DISTRICT_WEIGHTS.items()]
        self.counts = {"history cases": 0, "history signals": 0, "history interventions": 0}

    def _org(self, slug: str, district: District) -> Organisation:
        return self.orgs[data.DISTRICT_WIJKTEAM[district.code]] if slug == "wijkteam" else self.orgs[slug]

    def _person(self, theme: str, opened: datetime) -> Person:
        rng = self.rng
        age = rng.randint(12, 22) if theme == "youth" else rng.randint(22, 66)
        return Person(
            family_name=rng.choice(data.FAMILY_NAMES),
            given_names=rng.choice(data.GIVEN_NAMES),
            birth_date=opened.date() - timedelta(days=age * 365 + rng.randint(0, 364)),
            address=f"{rng.choice(data.STREETS)} {rng.randint(1, 180)}, Dordrecht",
            created_at=opened,
        )

    def _signal(self, theme: str, district: District, received: datetime, *, source: Organisation, channel: Channel):
        rng = self.rng
        registrant = self.users[REGISTRANTS.get(source.slug, "zvh.caseworker")]
        informed = theme not in ("domestic_violence", "radicalisation") or rng.random() < 0.3
        signal = Signal(
            source_organisation=source,
            channel=channel,
            case_type=self.types[theme],
            district=district,
            subject_informed=informed,
            registered_by=registrant,
            received_at=received,
        )
        signal.description = SIGNAL_TEXTS[theme]
        signal.not_informed_reason = None if informed else "Informeren kan de veiligheid schaden. (demo)"
        self.counts["history signals"] += 1
        return signal

    def _triage(self, signal: Signal, decision: TriageDecision, at: datetime, by: User) -> None:
        opened = decision is TriageDecision.OPEN_CASE
        criteria = (
            (True, True, True, self.rng.random() < 0.3) if opened else (self.rng.random() < 0.4, False, True, False)
        )
        signal.criterion_a, signal.criterion_b, signal.criterion_c, signal.criterion_d = criteria
        signal.decision = decision
        signal.decision_reason = DECISION_TEXTS[decision]
        signal.triaged_at = at
        signal.triaged_by = by

    def _triage_delay(self) -> int:
        """Working days at the weegtafel: mostly within the five allowed, some overdue."""
        return self.rng.randint(1, 5) if self.rng.random() < 0.85 else self.rng.randint(6, 12)

    def case(self, plan: _Plan) -> None:
        rng, theme = self.rng, plan.theme
        case_type = self.types[theme]
        district = _weighted(rng, self.district_weights)
        restricted = case_type.restricted
        wijkteam = self.orgs[data.DISTRICT_WIJKTEAM[district.code]]
        lead = self.orgs["zvh"] if restricted or rng.random() < 0.6 else wijkteam
        if lead.slug == "zvh":
            coordinator = self.users[
                RESTRICTED_COORDINATOR if restricted else rng.choice(["zvh.procesregisseur2", "zvh.procesregisseur3"])
            ]
        else:
            coordinator = self.users[
                "wijkteam-west.procesregisseur2" if lead.slug == "wijkteam-west" else "wijkteam-noord.procesregisseur"
            ]
        source_slug, channel = _weighted(rng, [((s, c), w) for s, c, w in SOURCES[theme]])
        source = self._org(source_slug, district)
        opened = plan.steps[0][1]
        person = self._person(theme, opened)
        role = SubjectRole.SUSPECT if theme == "domestic_violence" else SubjectRole.SUBJECT
        case = open_case(
            NewCase(
                case_type=case_type,
                lead_organisation=lead,
                district=district,
                referring_organisation=source,
                process_coordinator=coordinator,
                subjects=((person, role),),
                opened_at=opened,
            ),
            by=None,
        )
        self.counts["history cases"] += 1
        received = _working_days_before(opened, self._triage_delay()) - timedelta(hours=rng.randint(1, 6))
        signal = self._signal(theme, district, received, source=source, channel=channel)
        self._triage(signal, TriageDecision.OPEN_CASE, opened, coordinator)
        signal.case = case
        signal.persons.append(SignalPerson(person=person, role=role, linked_by=signal.registered_by))
        db.session.add(signal)
        participants = self._participants(case, theme, wijkteam, lead, opened)
        manager = self._case_manager(theme, lead, wijkteam)
        if manager is not None:
            db.session.add(CasePlan(case=case, case_manager=manager, updated_at=opened + timedelta(days=7)))
        self._history(case, plan, coordinator)
        self._interventions(case, plan, participants, manager or coordinator)

    def _participants(
        self, case: Case, theme: str, wijkteam: Organisation, lead: Organisation, opened: datetime
    ) -> list[Organisation]:
        rng = self.rng
        extra: list[tuple[str, Involvement]] = []
        if lead is not wijkteam and theme not in ("radicalisation",):
            extra.append((wijkteam.slug, Involvement.CONTRIBUTOR))
        if theme == "youth":
            if rng.random() < 0.5:
                extra.append(("politie", Involvement.CONTRIBUTOR))
            if rng.random() < 0.4:
                extra.append(("jongerenwerk", Involvement.CONTRIBUTOR))
        elif theme == "housing_nuisance":
            extra += [("woningcorporatie", Involvement.OBSERVER), ("ggd", Involvement.CONTRIBUTOR)]
        elif theme == "adult_offender":
            extra.append(("politie", Involvement.CONTRIBUTOR if rng.random() < 0.5 else Involvement.OBSERVER))
            if rng.random() < 0.5:
                extra.append(("reclassering", Involvement.CONTRIBUTOR))
        elif theme == "domestic_violence":
            extra.append(("veilig-thuis", Involvement.CONTRIBUTOR))
        elif theme == "radicalisation":
            extra.append(("politie", Involvement.OBSERVER))
        taking_part = [lead]
        for slug, involvement in extra:
            organisation = self.orgs[slug]
            case.participants.append(
                CaseParticipant(organisation=organisation, involvement=involvement, started_at=opened)
            )
            if involvement is Involvement.CONTRIBUTOR:
                taking_part.append(organisation)
        return taking_part

    def _case_manager(self, theme: str, lead: Organisation, wijkteam: Organisation) -> User | None:
        """The casusregisseur: the wijkteam's worker or the ZVH's, Veilig Thuis for domestic violence;
        none for radicalisation (the ZVH directs those alone)."""
        if theme == "radicalisation":
            return None
        if theme == "domestic_violence":
            return self.users["veilig-thuis.casusregisseur2"]
        if lead.slug == "zvh" and self.rng.random() < 0.5:
            return self.users["zvh.casusregisseur2"]
        return self.users[f"{wijkteam.slug}.casusregisseur2"]

    def _supervisor(self, lead: Organisation) -> User:
        return self.users["zvh.supervisor" if lead.slug == "zvh" else f"{lead.slug}.teamleider"]

    def _history(self, case: Case, plan: _Plan, coordinator: User) -> None:
        """The status changes after the opening, the closing steps and a reopening, dated as designed."""
        type_id = case.case_type_id
        version = 1
        previous = self.statuses[(type_id, "casusoverleg")]
        for code, at in plan.steps[1:]:
            status = self.statuses[(type_id, code)]
            version += 1
            if status.is_end:
                result = self.results[(type_id, plan.result)]
                self._closure(case, previous, status, result, coordinator, plan.proposed_at, at, version)
                version += 1
            else:
                db.session.add(
                    CaseStatusChange(
                        case=case,
                        from_status=previous,
                        to_status=status,
                        changed_by=coordinator,
                        changed_at=at,
                        version=version,
                    )
                )
            previous = status
        case.status = previous
        if plan.reopened_at is not None:
            target = self.statuses[(type_id, "uitvoering")]
            change = CaseStatusChange(
                case=case,
                from_status=previous,
                to_status=target,
                changed_by=coordinator,
                changed_at=plan.reopened_at,
                version=version + 1,
                reopened=True,
            )
            change.reason = REOPEN_TEXT
            db.session.add(change)
            case.status = target
            case.closed_at = case.archive_action_on = case.result = case.closing_summary = None

    def _closure(self, case, previous, end, result, coordinator, proposed_at, approved_at, version) -> None:
        proposal = CaseClosureStep(
            case=case, kind=ClosureStepKind.PROPOSED, result=result, by=coordinator, at=proposed_at, version=version
        )
        proposal.text = CLOSING_TEXTS[result.code]
        supervisor = self._supervisor(case.lead_organisation)
        db.session.add_all(
            [
                proposal,
                CaseClosureStep(
                    case=case,
                    kind=ClosureStepKind.APPROVED,
                    result=result,
                    by=supervisor,
                    at=approved_at,
                    version=version + 1,
                ),
                CaseStatusChange(
                    case=case,
                    from_status=previous,
                    to_status=end,
                    changed_by=supervisor,
                    changed_at=approved_at,
                    version=version + 1,
                ),
            ]
        )
        case.result = result
        case.closing_summary = proposal.text
        case.closed_at = approved_at
        case.archive_action_on = parse_duration(case.case_type.retention_period).after(approved_at.date())

    def _interventions(self, case: Case, plan: _Plan, taking_part: list[Organisation], by: User) -> None:
        """About one intervention per seven weeks the case ran, spread over its time in execution."""
        rng = self.rng
        start = plan.steps[0][1] + timedelta(days=7)
        end = plan.steps[-1][1] if plan.result is not None and plan.reopened_at is None else NOW
        days = max((end - start).days, 1)
        count = max(1, min(7, days // 50 + rng.randint(0, 1)))
        by_slug = {o.slug: o for o in taking_part}
        for _ in range(count):
            code = _weighted(rng, INTERVENTION_MIX[plan.theme])
            kind = self.kinds.get(code)
            if kind is None:
                continue
            occurred = (start + timedelta(days=rng.randrange(days))).date()
            organisation = by_slug.get(INTERVENTION_ORGANISATION.get(code, ""), case.lead_organisation)
            intervention = Intervention(
                case=case,
                kind=kind,
                occurred_on=occurred,
                organisation=organisation,
                recorded_by=by,
                recorded_at=min(_at(occurred + timedelta(days=rng.randint(0, 3)), rng), end),
            )
            if rng.random() < 0.2:
                intervention.outcome = rng.choice(OUTCOMES)
            db.session.add(intervention)
            self.counts["history interventions"] += 1

    def other_signals(self) -> None:
        """The signals weighed without opening a case: advice, a referral or no action."""
        rng = self.rng
        weights = [(theme, sum(CLOSED[2025][theme]) + sum(OPEN[theme])) for theme in THEMES]
        triager = [self.users[name] for name in ("zvh.procesregisseur2", "zvh.procesregisseur3")]
        for year, decisions in NOT_OPENED.items():
            for decision, count in decisions.items():
                for _ in range(count):
                    theme = _weighted(rng, weights)
                    district = _weighted(rng, self.district_weights)
                    source_slug, channel = _weighted(rng, [((s, c), w) for s, c, w in SOURCES[theme]])
                    received = _year_moment(rng, year)
                    signal = self._signal(
                        theme, district, received, source=self._org(source_slug, district), channel=channel
                    )
                    by = self.users[RESTRICTED_COORDINATOR] if self.types[theme].restricted else rng.choice(triager)
                    triaged = _at(_working_days_after(received, self._triage_delay()), rng)
                    self._triage(signal, decision, min(triaged, NOW - timedelta(hours=1)), by)
                    if decision is TriageDecision.REFER:
                        signal.referred_to = self._org(rng.choice(REFERRALS[theme]), district)
                    db.session.add(signal)


def seed_colleagues() -> int:
    """The history's procesregisseurs, casusregisseurs and teamleiders, without a password; the one
    directing restricted cases is authorised for them by name, as the demo coordinator is."""
    from casebook.demo.seed import COORDINATOR_ACTIONS

    organisations = {o.slug: o for o in db.session.scalars(select(Organisation))}
    created = 0
    for username, display_name, slug, role in COLLEAGUES:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(username, display_name, organisations[slug], [Role(role)], None)
            created += 1
    if created:
        coordinator = db.session.scalar(select(User).where(User.username == RESTRICTED_COORDINATOR))
        for case_type in db.session.scalars(select(CaseType).where(CaseType.restricted).order_by(CaseType.id)):
            maximum = C.GEHEIM if case_type.code == "radicalisation" else C.CONFIDENTIEEL
            grant_authorisation(
                None, case_type=case_type, actions=COORDINATOR_ACTIONS, max_confidentiality=maximum, user=coordinator
            )
    db.session.flush()
    return created


def seed_history() -> dict[str, int]:
    """Add the designed two years of history once (skipped when its first colleague exists)."""
    empty = {"history colleagues": 0, "history cases": 0, "history signals": 0, "history interventions": 0}
    if db.session.scalar(select(User.id).where(User.username == COLLEAGUES[0][0])) is not None:
        return empty
    if not {"zvh", "wijkteam-west", "wijkteam-noord"} <= set(db.session.scalars(select(Organisation.slug))):
        return empty
    colleagues = seed_colleagues()
    rng = random.Random(SEED)
    seeder = _Seeder(rng)
    for plan in design(rng):
        seeder.case(plan)
    seeder.other_signals()
    db.session.flush()
    return {"history colleagues": colleagues, **seeder.counts}
