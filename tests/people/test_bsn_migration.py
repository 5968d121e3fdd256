"""Migration 20261201_2100: a BSN registered twice before (the old signal flow could) becomes one
register entry and a pending registration with a "mogelijk bekend" match for the ZVH."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from casebook import create_app, migrate
from tests.conftest import TEST_SETTINGS

BEFORE = "5e031368179e"


def test_earlier_duplicate_bsns_become_pending_with_a_match(tmp_path):
    url = f"sqlite:///{tmp_path / 'dup.db'}"
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        migrate.upgrade(app, BEFORE)
        engine = create_engine(url)
        with engine.begin() as connection:
            for person_id in (1, 2, 3):
                connection.execute(
                    text("INSERT INTO person (id, uuid, created_at) VALUES (:i, :u, CURRENT_TIMESTAMP)"),
                    {"i": person_id, "u": f"00000000-0000-0000-0000-00000000000{person_id}"},
                )
            rows = [(1, "bsn", "a" * 32), (2, "bsn", "a" * 32), (2, "name_dob", "n" * 32), (3, "bsn", "b" * 32)]
            for person_id, name, value in rows:
                connection.execute(
                    text("INSERT INTO person_search_index (person_id, index_name, value) VALUES (:p, :n, :v)"),
                    {"p": person_id, "n": name, "v": value},
                )
        migrate.upgrade(app)
        with engine.connect() as connection:
            index = connection.execute(
                text("SELECT person_id, index_name FROM person_search_index ORDER BY person_id, index_name")
            ).all()
            assert [tuple(r) for r in index] == [(1, "bsn"), (2, "bsn_pending"), (2, "name_dob"), (3, "bsn")]
            pending = connection.execute(text("SELECT id FROM person WHERE bsn_pending")).scalars().all()
            assert pending == [2]
            matches = connection.execute(text("SELECT person_id, matched_person_id, kind FROM person_match")).all()
            assert [tuple(r) for r in matches] == [(2, 1, "bsn")]
        engine.dispose()
