"""The demo data exercises every relation of the matrix, and the demo accounts still see their cases."""

from __future__ import annotations

from sqlalchemy import select

from casebook.access import Action, can
from casebook.access.models import BreakGlassAccess, ReviewStatus
from casebook.auth.models import User
from casebook.cases import services as cases
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.demo.seed import seed
from casebook.pagination import PageRequest


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _visible(username: str) -> list[Case]:
    return cases.list_for(_user(username), cases.CaseFilters(), PageRequest(per_page=500)).items


def test_demo_accounts_see_their_cases_and_restricted_types_only_when_authorised():
    seed("demo-password-for-tests")
    for username in ("zvh.coordinator", "wijkteam-west.caseworker", "politie.caseworker", "veilig-thuis.caseworker"):
        assert _visible(username), username
    types = {
        name: {c.case_type.code for c in _visible(name)} for name in ("zvh.coordinator", "wijkteam-west.caseworker")
    }
    assert {"radicalisation", "domestic_violence"} <= types["zvh.coordinator"]
    assert not {"radicalisation", "domestic_violence"} & types["wijkteam-west.caseworker"]
    assert {c.case_type.code for c in _visible("veilig-thuis.caseworker")} == {"domestic_violence"}
    assert _visible("admin") == []


def test_demo_exercises_every_relation():
    seed("demo-password-for-tests")
    officer, youth_worker = _user("politie.caseworker"), _user("jongerenwerk.caseworker")
    all_cases = list(db.session.scalars(select(Case)))
    relations = set()
    for case in all_cases:
        for p in case.participants:
            if p.ended_at is not None:
                relations.add("former")
            elif p.user_id is not None and p.organisation_id not in {
                q.organisation_id for q in case.participants if q.user_id is None and q.ended_at is None
            }:
                relations.add("named_user")
            else:
                relations.add(str(p.involvement))
    assert relations == {"lead", "contributor", "observer", "named_user", "former"}
    observed = [
        c
        for c in all_cases
        if any(
            p.organisation_id == officer.organisation_id and p.involvement is Involvement.OBSERVER
            for p in c.participants
        )
        and can(officer, Action.VIEW_CASE, c)
    ]
    assert observed and not any(can(officer, Action.ADD_NOTE, c) for c in observed)
    named = [c for c in all_cases if any(p.user_id == youth_worker.id for p in c.participants)]
    colleague_view = {
        c.id
        for c in named
        if any(
            p.user_id is None and p.organisation_id == youth_worker.organisation_id and p.ended_at is None
            for p in c.participants
        )
    }
    assert any(c.id not in colleague_view for c in named)  # seen by the named user only
    grants = list(db.session.scalars(select(BreakGlassAccess)))
    assert {g.review_status for g in grants} == {ReviewStatus.PENDING, ReviewStatus.JUSTIFIED}
    assert all(g.user_id == officer.id for g in grants)
