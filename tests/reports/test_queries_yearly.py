"""The yearly overview against a hand-counted year: headline numbers per theme.

Types: youth (jeugd), housing nuisance (woonoverlast), domestic violence (restricted: huiselijk
geweld, or "overig" for a reader not authorised for it) and a type in no theme ("overig").
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casebook.access import ReportScope
from casebook.cases.models import CaseClosureStep, ClosureStepKind
from casebook.db import db
from casebook.interventions.models import Intervention, InterventionKind
from casebook.reports.filters import ReportFilters
from casebook.reports.queries.yearly import yearly
from casebook.signals.models import TriageDecision
from tests.factories import make_case, make_case_type, make_org, make_results, make_signal, make_user
from tests.reports import refreshed

YEAR_2026 = ReportFilters(start=date(2026, 1, 1), end=date(2027, 1, 1))


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


@pytest.fixture
def world():
    zvh = make_org("zvh-r3")
    coordinator = make_user(org=zvh, roles=["coordinator"])
    make_case_type("domestic_violence", restricted=True)
    make_case_type("mediation")
    housing_results = {r.code: r for r in make_results(make_case_type("housing_nuisance"))}

    def case(type_code: str, opened: datetime):
        made = make_case(lead=zvh, type=type_code)
        made.opened_at = opened
        return made

    youth_february = case("youth", at(2026, 2, 3))
    case("youth", at(2026, 8, 3))
    case("youth", at(2025, 6, 1))  # opened the year before, still running
    housing = case("housing_nuisance", at(2026, 3, 9))
    case("mediation", at(2026, 5, 5))
    case("domestic_violence", at(2026, 4, 4))
    housing.closed_at = at(2026, 10, 1)
    db.session.add(
        CaseClosureStep(
            case=housing, kind=ClosureStepKind.APPROVED, result=housing_results["goals_achieved"], by=coordinator,
            at=at(2026, 10, 1), version=2,
        )
    )  # fmt: skip
    triaged = {"triaged_at": at(2026, 2, 2), "triaged_by": coordinator}
    make_signal(coordinator, type="youth", received_at=at(2026, 2, 1), decision=TriageDecision.OPEN_CASE, **triaged)
    make_signal(coordinator, type="youth", received_at=at(2026, 12, 20))  # not weighed yet
    make_signal(
        coordinator, type="housing_nuisance", received_at=at(2026, 3, 1), decision=TriageDecision.ADVICE, **triaged
    )
    make_signal(
        coordinator, type="domestic_violence", received_at=at(2026, 4, 1), decision=TriageDecision.REFER, **triaged
    )
    make_signal(coordinator, type="youth", received_at=at(2025, 11, 1), decision=TriageDecision.ADVICE, **triaged)
    kinds = dict(db.session.execute(select(InterventionKind.code, InterventionKind.id)).all())
    for made, code in ((youth_february, "huisbezoek"), (housing, "last_onder_dwangsom")):
        db.session.add(Intervention(case=made, kind_id=kinds[code], occurred_on=date(2026, 6, 1), organisation=zvh))
    db.session.flush()


def overview(*authorised: int) -> dict:
    scope = ReportScope("municipality", "Gemeente", None, frozenset(authorised), None)
    return {t.key: t for t in yearly(refreshed(), scope, YEAR_2026)}


def counts(table) -> dict:
    return {k: v for k, v in table.counts.items() if v}


def test_the_headline_numbers_per_theme(world):
    tables = overview()
    assert list(tables) == ["signals", "opened", "closed", "running", "interventions"]
    assert [r.key for r in tables["opened"].rows] == ["jeugd", "woonoverlast", "overig"]
    assert all(t.rows == tables["opened"].rows for t in tables.values())
    assert counts(tables["signals"]) == {
        ("jeugd", "open_case"): 1,
        ("jeugd", "pending"): 1,
        ("woonoverlast", "advice"): 1,
        ("overig", "refer"): 1,  # domestic violence, for a reader not authorised for it
    }
    assert counts(tables["opened"]) == {
        ("jeugd", "2026-K1"): 1,
        ("jeugd", "2026-K3"): 1,
        ("woonoverlast", "2026-K1"): 1,
        ("overig", "2026-K2"): 2,  # the type in no theme and domestic violence
    }
    assert counts(tables["closed"]) == {("woonoverlast", "goals_achieved"): 1}
    assert counts(tables["running"]) == {("jeugd", "running"): 3, ("overig", "running"): 2}
    assert counts(tables["interventions"]) == {("jeugd", "prevention"): 1, ("woonoverlast", "enforcement"): 1}


def test_an_authorised_reader_sees_the_restricted_theme(world):
    violence = make_case_type("domestic_violence", restricted=True)
    tables = overview(violence.id)
    assert [r.key for r in tables["opened"].rows] == ["jeugd", "woonoverlast", "huiselijk_geweld", "overig"]
    assert counts(tables["opened"])[("huiselijk_geweld", "2026-K2")] == 1
    assert counts(tables["opened"])[("overig", "2026-K2")] == 1
    assert counts(tables["signals"])[("huiselijk_geweld", "refer")] == 1
