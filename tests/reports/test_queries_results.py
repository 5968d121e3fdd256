"""The results report against a hand-counted set: closings per result, and the recidivism proxy.

Youth cases: A closed (goals achieved) and reopened three months later, then closed again;
B closed (handed over) and its subject gets a new case half a year later; C closed (goals
achieved) and its subject's new case comes after more than a year. A domestic-violence case
(restricted) closes without a result. Outside the cohort: a closing before the period, a
proposal that was never approved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from casebook.access import ReportScope
from casebook.cases.models import CaseClosureStep, CaseStatusChange, ClosureStepKind
from casebook.db import db
from casebook.reports.filters import ReportFilters
from casebook.reports.queries.results import results
from tests.factories import make_case, make_case_type, make_org, make_person, make_results, make_user, status_of
from tests.reports import refreshed

YEAR = ReportFilters(start=date(2026, 1, 1), end=date(2027, 1, 1))


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def close(case, when: datetime, result, by, kind=ClosureStepKind.APPROVED) -> None:
    db.session.add(CaseClosureStep(case=case, kind=kind, result=result, by=by, at=when, version=2))


def reopen(case, when: datetime) -> None:
    db.session.add(
        CaseStatusChange(
            case=case,
            from_status=status_of(case, "afgesloten"),
            to_status=status_of(case, "uitvoering"),
            changed_at=when,
            version=3,
            reopened=True,
        )
    )


def opened(case, when: datetime):
    case.opened_at = when
    return case


@pytest.fixture
def world():
    zvh = make_org("zvh-r3")
    supervisor = make_user(org=zvh, roles=["supervisor"])
    youth = make_case_type("youth")
    violence = make_case_type("domestic_violence", restricted=True)
    result = {r.code: r for r in make_results(youth)}
    make_results(violence)
    p_a, p_b, p_c = make_person("A"), make_person("B"), make_person("C")
    case_a = make_case(lead=zvh, type="youth", subjects=[p_a])
    case_b = make_case(lead=zvh, type="youth", subjects=[p_b])
    case_c = make_case(lead=zvh, type="youth", subjects=[p_c])
    close(case_a, at(2026, 2, 1), result["goals_achieved"], supervisor)
    reopen(case_a, at(2026, 5, 1))
    close(case_a, at(2026, 6, 1), result["handed_to_regular_care"], supervisor)  # second closing: not counted
    close(case_b, at(2026, 3, 1), result["handed_to_regular_care"], supervisor)
    opened(make_case(lead=zvh, type="youth", subjects=[p_b]), at(2026, 9, 1))  # B's subject again, within a year
    close(case_c, at(2026, 4, 1), result["goals_achieved"], supervisor)
    opened(make_case(lead=zvh, type="youth", subjects=[p_c]), at(2027, 6, 1))  # C's subject, after a year
    close(make_case(lead=zvh, type="domestic_violence"), at(2026, 5, 1), None, supervisor)
    close(make_case(lead=zvh, type="youth"), at(2025, 12, 15), result["moved"], supervisor)  # before the period
    close(make_case(lead=zvh, type="youth"), at(2026, 7, 1), result["moved"], supervisor, ClosureStepKind.PROPOSED)
    db.session.flush()
    return {"violence": violence, "zvh": zvh}


def municipality(*authorised: int) -> ReportScope:
    return ReportScope("municipality", "Gemeente", None, frozenset(authorised), None)


def tables(scope: ReportScope, filters: ReportFilters = YEAR) -> dict:
    return {t.key: t for t in results(refreshed(), scope, filters)}


def counts(table) -> dict:
    return {k: v for k, v in table.counts.items() if v}


def test_closed_cases_per_result(world):
    by_result = tables(municipality())["closed_by_result"]
    assert counts(by_result) == {
        ("goals_achieved", "youth"): 2,  # A (its first closing) and C
        ("handed_to_regular_care", "youth"): 1,  # B
        ("none", "overig"): 1,  # the restricted type, without a result
    }
    assert by_result.rows[0].key == "goals_achieved"
    assert by_result.rows[-1].key == "none"


def test_the_recidivism_proxy_divides_the_same_cohort(world):
    recidivism = tables(municipality())["recidivism"]
    assert counts(recidivism) == {
        ("youth", "reopened"): 1,  # A
        ("youth", "new_case"): 1,  # B
        ("youth", "none"): 1,  # C: the new case came after more than a year
        ("overig", "none"): 1,
    }
    assert sum(recidivism.counts.values()) == sum(tables(municipality())["closed_by_result"].counts.values())


def test_an_authorised_reader_sees_the_restricted_type_and_the_scope_limits(world):
    authorised = tables(municipality(world["violence"].id))
    assert counts(authorised["closed_by_result"])[("none", "domestic_violence")] == 1
    elsewhere = ReportScope("zvh", "ZVH", make_org("other-r3").id, frozenset(), None)
    assert not any(t.counts for t in tables(elsewhere).values())


def test_a_later_period_sees_the_second_closing_only_when_it_is_the_first_in_that_period(world):
    summer = ReportFilters(start=date(2026, 6, 1), end=date(2026, 7, 1))
    assert counts(tables(municipality(), summer)["closed_by_result"]) == {("handed_to_regular_care", "youth"): 1}
