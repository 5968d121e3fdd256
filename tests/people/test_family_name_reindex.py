"""The name-only family-name index is rebuilt by ``casebook people reindex`` (persons stored before
it existed) and made by the demo data, so the case list's name search finds the demo's El Khatibs."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases import search
from casebook.cases import services as cases
from casebook.cases.services import CaseFilters
from casebook.cli import cli
from casebook.db import db
from casebook.demo.seed import seed
from casebook.people.blind_indexes import FAMILY_NAME
from casebook.people.models import PersonSearchIndex
from tests.factories import make_case, make_org, make_person, make_user


def _family_name_entries() -> int:
    return db.session.scalar(
        select(func.count()).select_from(PersonSearchIndex).where(PersonSearchIndex.index_name == FAMILY_NAME)
    )


def test_reindex_writes_the_family_name_entries_of_persons_stored_before_them(app):
    org = make_org()
    case = make_case(lead=org, subjects=[make_person("El Khatib"), make_person("Jansen-de Vries")])
    user = make_user(org=org)
    db.session.execute(PersonSearchIndex.__table__.delete().where(PersonSearchIndex.index_name == FAMILY_NAME))
    db.session.commit()
    assert cases.list_for(user, CaseFilters(), search=search.parse("Khatib")).total == 0  # as after an upgrade
    result = app.test_cli_runner().invoke(cli, ["people", "reindex"])
    assert result.exit_code == 0, result.output
    assert _family_name_entries() == 4  # "khatib"; "jansen de vries", "jansen", "vries"
    assert [c.id for c in cases.list_for(user, CaseFilters(), search=search.parse("Khatib")).items] == [case.id]


def test_the_demo_data_is_found_by_a_particle_free_family_name(app):
    seed("demo-password-for-tests")
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    found = cases.list_for(coordinator, CaseFilters(state="all"), search=search.parse("Khatib"))
    assert found.total >= 3
    assert all(any("El Khatib" in s.person.full_name for s in c.subjects) for c in found.items)
