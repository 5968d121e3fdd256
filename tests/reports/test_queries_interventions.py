"""The interventions report against a hand-counted set: the IVP balance per case type, wijk and quarter.

Six interventions on three cases (two youth cases led by the ZVH and another organisation, one
domestic-violence case, a restricted type); one intervention lies before the period.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from casebook.access import ReportScope
from casebook.db import db
from casebook.interventions.models import Intervention, InterventionKind
from casebook.reports.filters import ReportFilters
from casebook.reports.queries.interventions import interventions
from tests.factories import make_case, make_case_type, make_district, make_org
from tests.reports import refreshed

YEAR = ReportFilters(start=date(2026, 1, 1), end=date(2027, 1, 1))


@pytest.fixture
def world():
    zvh, other = make_org("zvh-r3"), make_org("wijkteam-r3")
    west, north = make_district("wijk-west"), make_district("wijk-noord")
    make_case_type("domestic_violence", restricted=True)
    youth_west = make_case(lead=zvh, type="youth", district=west)
    youth_north = make_case(lead=other, type="youth", district=north)
    violence_west = make_case(lead=zvh, type="domestic_violence", district=west)
    kinds = dict(db.session.execute(select(InterventionKind.code, InterventionKind.id)).all())
    for case, code, day in [
        (youth_west, "huisbezoek", date(2026, 1, 10)),  # preventie, K1
        (youth_west, "gesprek", date(2026, 2, 1)),  # preventie, K1
        (youth_west, "zorgtraject", date(2026, 4, 15)),  # zorg, K2
        (youth_north, "gebiedsverbod", date(2026, 5, 1)),  # repressie, K2
        (youth_north, "huisbezoek", date(2025, 12, 31)),  # before the period
        (violence_west, "tijdelijk_huisverbod", date(2026, 3, 3)),  # repressie, K1, restricted type
    ]:
        kind_id = kinds[code]
        db.session.add(Intervention(case=case, kind_id=kind_id, occurred_on=day, organisation=case.lead_organisation))
    db.session.flush()
    return {"zvh": zvh, "north": north}


def municipality(*authorised: int) -> ReportScope:
    return ReportScope("municipality", "Gemeente", None, frozenset(authorised), None)


def tables(scope: ReportScope, filters: ReportFilters = YEAR) -> dict:
    return {t.key: t for t in interventions(refreshed(), scope, filters)}


def counts(table) -> dict:
    return {k: v for k, v in table.counts.items() if v}


def test_the_balance_per_case_type_wijk_and_quarter(world):
    result = tables(municipality())
    assert counts(result["by_type_category"]) == {
        ("youth", "prevention"): 2,
        ("youth", "care"): 1,
        ("youth", "enforcement"): 1,
        ("overig", "enforcement"): 1,  # the restricted type, for a reader not authorised for it
    }
    assert [c.key for c in result["by_type_category"].columns] == ["prevention", "care", "enforcement"]
    assert "domestic_violence" not in {r.key for r in result["by_type_category"].rows}
    assert counts(result["by_district_category"]) == {
        ("wijk-west", "prevention"): 2,
        ("wijk-west", "care"): 1,
        ("wijk-west", "enforcement"): 1,
        ("wijk-noord", "enforcement"): 1,
    }
    assert counts(result["by_quarter_category"]) == {
        ("prevention", "2026-K1"): 2,
        ("care", "2026-K2"): 1,
        ("enforcement", "2026-K1"): 1,
        ("enforcement", "2026-K2"): 1,
    }
    assert [c.key for c in result["by_quarter_category"].columns] == ["2026-K1", "2026-K2", "2026-K3", "2026-K4"]
    assert all(t.unit == "interventions" for t in result.values())


def test_an_authorised_reader_sees_the_restricted_type_by_name(world):
    violence = make_case_type("domestic_violence", restricted=True)
    by_type = tables(municipality(violence.id))["by_type_category"]
    assert counts(by_type)[("domestic_violence", "enforcement")] == 1
    assert "overig" not in {r.key for r in by_type.rows}


def test_the_scope_and_the_filters_limit_what_is_counted(world):
    zvh_scope = ReportScope("zvh", "ZVH", world["zvh"].id, frozenset(), None)
    assert sum(tables(zvh_scope)["by_type_category"].counts.values()) == 4  # not the other organisation's case
    north_only = ReportFilters(start=YEAR.start, end=YEAR.end, district_ids=frozenset({world["north"].id}))
    assert counts(tables(municipality(), north_only)["by_district_category"]) == {("wijk-noord", "enforcement"): 1}
    december = ReportFilters(start=date(2025, 12, 1), end=date(2026, 1, 1))
    assert counts(tables(municipality(), december)["by_type_category"]) == {("youth", "prevention"): 1}


def test_a_period_without_interventions_counts_nothing(world):
    empty = tables(municipality(), ReportFilters(start=date(2024, 1, 1), end=date(2024, 7, 1)))
    assert all(not t.counts for t in empty.values())
