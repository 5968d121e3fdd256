"""Demo data shows the dossier's summary and signaleringen on a few cases; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.cases import summary_flags as dossier
from casebook.cases.dossier_models import CaseFlag, CaseFlagType
from casebook.cases.models import Case
from casebook.db import db
from casebook.demo import data
from casebook.demo.dossier import seed_dossiers
from casebook.demo.seed import seed, seed_reference_data


def test_demo_cases_carry_flags_and_a_summary(app):
    seed("demo-password-for-tests")
    flagged = list(db.session.scalars(select(Case).where(Case.id.in_(select(CaseFlag.case_id))).order_by(Case.id)))
    assert len(flagged) >= 3
    assert all(case.problem_analysis and case.help_request for case in flagged)
    assert any(any(f.flag_type.safety for f in dossier.current_flags(case)) for case in flagged)
    assert seed_dossiers() == {"dossiers": 0}
    before = db.session.scalar(select(func.count(CaseFlagType.id)))
    seed_reference_data()
    assert db.session.scalar(select(func.count(CaseFlagType.id))) == before >= len(data.FLAG_TYPES)
