"""A copy of the database reveals no seeded name, BSN, address or phone: the raw SQLite file and a pg_dump.

The seeded data is the demo Dordrecht plus a few persons with unmistakable names. Every value is
searched in the raw bytes (and, for pg_dump, also as the hex text PostgreSQL writes bytea in).
Values that also occur in non-personal demo data (an account called "Joris Bakker" shares the
family name "Bakker") or that are shorter than 6 bytes (which random ciphertext bytes could
contain by chance) are left out; the count of checked values is asserted so the test cannot
silently check nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from casebook import create_app, migrate
from casebook.db import db
from casebook.demo import data
from casebook.demo.seed import seed
from casebook.journal.models import Note
from casebook.people.models import Person
from casebook.plans.models import PlanGoal
from casebook.signals.models import Signal
from tests.conftest import IN_CI, TEST_SETTINGS

EXTRA_PERSONS = [
    ("Zwanenburg-Quist", "Wilhelmina", "111222333", "Achterhakkers 17, Dordrecht", "06-98765432"),
    ("van der Kwakernaak", "Theodorus", "123456782", "Vrieseplein 3, Dordrecht", "078-6543210"),
]
MIN_LENGTH = 6


def _public_corpus() -> str:
    parts = [display for _, display, _, _ in data.ACCOUNTS] + [user for user, _, _, _ in data.ACCOUNTS]
    parts += [name for _, name, _ in data.ORGANISATIONS] + [name for _, name in data.DISTRICTS]
    return "\n".join(parts)


def _seed_and_collect(url: str, instance: str) -> set[str]:
    """Migrate and seed the database at ``url``; return the personal values that must not appear in it."""
    session_factory_kw = db.session.session_factory.kw
    test_bind = session_factory_kw.get("bind")
    db.session.remove()
    db.session.configure(bind=None)
    try:
        app = create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": instance})
        with app.app_context():
            migrate.upgrade(app)
            seed("demo-password-for-tests")
            for family, given, bsn, address, phone in EXTRA_PERSONS:
                db.session.add(
                    Person(
                        family_name=family,
                        given_names=given,
                        birth_date=date(1980, 2, 29),
                        bsn=bsn,
                        address=address,
                        phone=phone,
                    )
                )
            db.session.commit()
            values: set[str] = set()
            for person in db.session.scalars(select(Person)):
                values.update([person.family_name, person.given_names, person.bsn, person.address, person.phone])
            notes = [note.body for note in db.session.scalars(select(Note))]
            goals = [goal.text for goal in db.session.scalars(select(PlanGoal))]
            signals = [signal.description for signal in db.session.scalars(select(Signal))]
            assert notes and goals and signals, "the demo data must hold notes, plan goals and signals"
            values.update(notes + goals + signals)
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session.remove()
        db.session.configure(bind=test_bind)
    corpus = _public_corpus()
    return {v for v in values if v and len(v.encode()) >= MIN_LENGTH and v not in corpus}


def _assert_absent(values: set[str], raw: bytes, *, also_hex: bool = False) -> None:
    assert len(values) > 150, "the test must check a real number of values"
    for name in ("Zwanenburg-Quist", "Wilhelmina", "111222333", "Achterhakkers 17, Dordrecht"):
        assert name in values
    leaked = sorted(v for v in values if v.encode() in raw)
    if also_hex:
        leaked += sorted(v for v in values if v.encode().hex().encode() in raw)
    assert leaked == [], f"{len(leaked)} personal values found in the raw database"


def test_the_sqlite_file_holds_no_personal_data(tmp_path):
    path = tmp_path / "seeded.sqlite3"
    values = _seed_and_collect(f"sqlite:///{path}", str(tmp_path / "instance"))
    raw = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            raw += extra.read_bytes()
    assert b"SQLite format 3" in raw and len(raw) > 100_000
    _assert_absent(values, raw)


@pytest.mark.postgres
def test_a_pg_dump_holds_no_personal_data(fresh_postgres_url, tmp_path):
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        if IN_CI:
            pytest.fail("pg_dump is not installed (CI=true: a missing pg_dump is a failure)")
        pytest.skip("needs the pg_dump binary")
    values = _seed_and_collect(fresh_postgres_url, str(tmp_path / "instance"))
    libpq_url = make_url(fresh_postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    dump = subprocess.run(  # noqa: S603 - fixed argv: the pg_dump binary and a URL this test created
        [pg_dump, "--no-owner", "--dbname", libpq_url],
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "PGCONNECT_TIMEOUT": "10"},
    ).stdout
    assert b"COPY public.person" in dump and b"COPY public.person_search_index" in dump
    _assert_absent(values, dump, also_hex=True)
