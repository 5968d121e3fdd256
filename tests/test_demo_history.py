"""The demo's two years of history: the management reports have volume, trends and the designed numbers.

The expected numbers are counted by hand from the tables in casebook/demo/history.py (CLOSED, OPEN,
REOPENED, NOT_OPENED), not recomputed from them; the handpicked demo cases close none in 2025.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import extract, func, select

from casebook.auth.models import User
from casebook.cases.models import Case, CaseClosureStep, CaseResult, CaseStatusChange, CaseType, ClosureStepKind
from casebook.db import db
from casebook.demo.history import COLLEAGUES, seed_history
from casebook.demo.seed import seed
from casebook.interventions.models import Intervention, InterventionCategory, InterventionKind
from casebook.signals.models import Channel, Signal, TriageDecision

THEMES = ("youth", "radicalisation", "housing_nuisance", "domestic_violence", "adult_offender")


def _months(start: datetime, count: int) -> list[str]:
    months, year, month = [], start.year, start.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def _history_cases():
    """Cases directed by the history's procesregisseurs (the handpicked ones have the demo coordinators)."""
    names = [name for name, *_ in COLLEAGUES]
    return select(Case.id).join(User, User.id == Case.process_coordinator_id).where(User.username.in_(names))


def test_the_demo_spans_two_years_of_signals_and_closures_with_every_theme_each_year(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_HISTORY", True)
    seed("demo-password-for-tests")
    last_24 = _months(datetime(2024, 12, 1, tzinfo=UTC), 24)  # December 2024 .. November 2026
    signal_months = {_month(at) for at in db.session.scalars(select(Signal.received_at))}
    assert set(last_24) <= signal_months
    closing_months = {
        _month(at)
        for at in db.session.scalars(select(CaseClosureStep.at).where(CaseClosureStep.kind == ClosureStepKind.APPROVED))
    }
    assert set(last_24) <= closing_months
    for year in (2025, 2026):
        opened = dict(
            db.session.execute(
                select(CaseType.code, func.count(Case.id))
                .join(Case.case_type)
                .where(extract("year", Case.opened_at) == year)
                .group_by(CaseType.code)
            ).all()
        )
        assert all(opened.get(theme, 0) >= 5 for theme in THEMES), (year, opened)
    # every decision, channel, result and intervention kind (and so every category) occurs
    assert set(db.session.scalars(select(Signal.decision).distinct())) - {None} == set(TriageDecision)
    assert set(db.session.scalars(select(Signal.channel).distinct())) == set(Channel)
    used_kinds = set(db.session.scalars(select(InterventionKind.code).join(Intervention).distinct()))
    assert used_kinds == set(db.session.scalars(select(InterventionKind.code)))
    categories = set(db.session.scalars(select(InterventionKind.category).join(Intervention).distinct()))
    assert categories == set(InterventionCategory)
    # no history is dated after the demo's "now", and no history case opens after the handpicked newest
    end = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    history = _history_cases()
    assert not db.session.scalar(
        select(func.count(CaseStatusChange.id)).where(
            CaseStatusChange.case_id.in_(history), CaseStatusChange.changed_at > end
        )
    )
    newest = db.session.scalars(select(Case.id).order_by(Case.opened_at.desc(), Case.id.desc()).limit(2)).all()
    assert not set(newest) & set(db.session.scalars(history))
    # a signal is weighed before its case opens, mostly within five working days, some later
    delays = [
        case_opened - received
        for received, case_opened in db.session.execute(
            select(Signal.received_at, Case.opened_at).join(Case, Case.id == Signal.case_id).where(Case.id.in_(history))
        )
    ]
    assert all(delay > timedelta(0) for delay in delays)
    assert 0 < sum(delay > timedelta(days=9) for delay in delays) < len(delays) / 4


def test_the_report_numbers_are_as_designed_and_seeding_again_adds_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_HISTORY", True)
    seed("demo-password-for-tests")
    closed_2025 = dict(
        db.session.execute(
            select(CaseResult.code, func.count(Case.id))
            .join(Case.result)
            .where(Case.closed_at.is_not(None), extract("year", Case.closed_at) == 2025)
            .group_by(CaseResult.code)
        ).all()
    )
    # CLOSED[2025], per result summed over the five themes (youth + radicalisation + housing + dv + adult)
    assert closed_2025 == {
        "goals_achieved": 38 + 6 + 30 + 18 + 22,  # 114
        "handed_to_regular_care": 22 + 6 + 20 + 14 + 18,  # 80
        "moved": 6 + 1 + 7 + 4 + 5,  # 23
        "no_cooperation": 9 + 2 + 8 + 5 + 12,  # 36
        "deceased": 1 + 1,  # 2
    }
    per_theme_2025 = dict(
        db.session.execute(
            select(CaseType.code, func.count(Case.id))
            .join(Case.case_type)
            .where(Case.closed_at.is_not(None), extract("year", Case.closed_at) == 2025)
            .group_by(CaseType.code)
        ).all()
    )
    assert per_theme_2025 == {
        "youth": 75,
        "radicalisation": 15,
        "housing_nuisance": 66,
        "domestic_violence": 41,
        "adult_offender": 58,
    }
    # approvals in 2025: the 255 cases still closed plus the 14 closed in 2025 and reopened since
    approvals_2025 = db.session.scalar(
        select(func.count(CaseClosureStep.id)).where(
            CaseClosureStep.kind == ClosureStepKind.APPROVED, extract("year", CaseClosureStep.at) == 2025
        )
    )
    assert approvals_2025 == 255 + 14
    # reopened: 18 cases, 16 of them within twelve months of their closing
    reopenings = db.session.execute(
        select(CaseStatusChange.case_id, CaseStatusChange.changed_at).where(CaseStatusChange.reopened)
    ).all()
    assert len(reopenings) == 18
    within = 0
    for case_id, reopened_at in reopenings:
        closed_at = db.session.scalar(
            select(func.max(CaseClosureStep.at)).where(
                CaseClosureStep.case_id == case_id,
                CaseClosureStep.kind == ClosureStepKind.APPROVED,
                CaseClosureStep.at < reopened_at,
            )
        )
        within += reopened_at - closed_at <= timedelta(days=365)
    assert within == 16
    # the history's open cases per phase: OPEN summed over the themes, the reopened ones in uitvoering
    history = _history_cases()
    open_phases = dict(
        db.session.execute(
            select(Case.status_id, func.count(Case.id))
            .where(Case.id.in_(history), Case.closed_at.is_(None))
            .group_by(Case.status_id)
        ).all()
    )
    from casebook.cases.models import StatusType

    by_code: dict[str, int] = {}
    for status_id, count in open_phases.items():
        code = db.session.get(StatusType, status_id).code
        by_code[code] = by_code.get(code, 0) + count
    assert by_code == {
        "casusoverleg": 14 + 3 + 11 + 7 + 8,  # 43
        "plan_van_aanpak": 20 + 4 + 17 + 11 + 14,  # 66
        "uitvoering": 36 + 8 + 31 + 20 + 28 + 18,  # 141
        "afschaling": 14 + 3 + 11 + 7 + 10,  # 45
        "nazorg": 8 + 2 + 7 + 4 + 6,  # 27
    }
    # signals weighed without a case in 2025 (NOT_OPENED[2025])
    decisions_2025 = dict(
        db.session.execute(
            select(Signal.decision, func.count(Signal.id))
            .where(Signal.case_id.is_(None), extract("year", Signal.received_at) == 2025)
            .group_by(Signal.decision)
        ).all()
    )
    # (+1 advice and +1 no action: the retention demo's two signals of 2025 past their retention)
    assert decisions_2025 == {
        TriageDecision.ADVICE: 130 + 1,
        TriageDecision.REFER: 100,
        TriageDecision.NO_ACTION: 70 + 1,
    }

    counts = (
        db.session.scalar(select(func.count(Case.id))),
        db.session.scalar(select(func.count(Signal.id))),
        db.session.scalar(select(func.count(Intervention.id))),
    )
    assert all(value == 0 for value in seed_history().values())
    assert all(value == 0 for value in seed("demo-password-for-tests").values())
    assert counts == (
        db.session.scalar(select(func.count(Case.id))),
        db.session.scalar(select(func.count(Signal.id))),
        db.session.scalar(select(func.count(Intervention.id))),
    )
