"""The ``casebook`` command: bad input gets a clear message, exit code 2 and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases.models import Case, CaseParticipant
from casebook.cli import cli, describe_database
from casebook.db import db
from casebook.demo.seed import demo_bsn, seed
from casebook.organisations.models import Organisation
from tests.factories import make_org


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_user_create_makes_an_active_user(runner):
    make_org("zvh")
    result = runner.invoke(
        cli,
        [
            "user",
            "create",
            "nieuw",
            "--organisation",
            "zvh",
            "--role",
            "caseworker",
            "--password",
            "paard kachel fiets regen",
        ],
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "nieuw"))
    assert user.active and {str(r) for r in user.roles} == {"caseworker"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["taken", "--organisation", "zvh", "--role", "caseworker", "--password", "paard kachel fiets regen"],
            "already taken",
        ),
        (["kort", "--organisation", "zvh", "--role", "caseworker", "--password", "short"], "minstens 12"),
        (
            ["wie", "--organisation", "nergens", "--role", "caseworker", "--password", "paard kachel fiets regen"],
            "unknown organisation",
        ),
    ],
)
def test_user_create_refuses_bad_input_with_exit_2_and_writes_nothing(runner, args, message):
    org = make_org("zvh")
    runner.invoke(
        cli,
        [
            "user",
            "create",
            "taken",
            "--organisation",
            org.slug,
            "--role",
            "admin",
            "--password",
            "bromfiets lantaarn ijsvogel",
        ],
    )
    before = _users()
    result = runner.invoke(cli, ["user", "create", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert _users() == before


def test_seed_demo_is_idempotent_and_builds_dordrecht(app):
    first = seed("demo-password-for-tests")
    counts = (
        db.session.scalar(select(func.count(Case.id))),
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Organisation.id))),
    )
    second = seed("demo-password-for-tests")
    assert first["cases"] == 60 and first["accounts"] == 12
    assert all(value == 0 for value in second.values())
    assert counts == (
        db.session.scalar(select(func.count(Case.id))),
        db.session.scalar(select(func.count(User.id))),
        db.session.scalar(select(func.count(Organisation.id))),
    )
    slugs = set(db.session.scalars(select(Organisation.slug)))
    for username in db.session.scalars(select(User.username)):
        assert username == "admin" or username.split(".")[0] in slugs
    former = db.session.scalar(select(func.count(CaseParticipant.id)).where(CaseParticipant.ended_at.is_not(None)))
    assert former > 0, "demo data should include a former participant"


def test_demo_bsns_pass_the_eleven_test_and_come_from_the_test_range():
    import random

    rng, taken = random.Random(1), set()
    for _ in range(50):
        bsn = demo_bsn(rng, taken)
        digits = [int(c) for c in bsn]
        assert bsn.startswith("99999")
        assert (sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]) % 11 == 0


def test_unreachable_database_prints_one_line_naming_host_not_password(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.update(
        {
            "CASEBOOK_DATABASE_URL": "postgresql+psycopg://casebook:supersecret@127.0.0.1:1/casebook",
            "CASEBOOK_INSTANCE_PATH": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "casebook", "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1] == "casebook: cannot reach the database (postgresql at 127.0.0.1:1)"
    assert "Traceback" not in result.stderr
    assert "supersecret" not in result.stderr + result.stdout


def test_describe_database_hides_credentials():
    assert describe_database("postgresql+psycopg://u:pw@db.internal:5433/x") == "postgresql at db.internal:5433"
    assert describe_database("sqlite:////tmp/a.db") == "sqlite file /tmp/a.db"
