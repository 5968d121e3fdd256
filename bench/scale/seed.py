"""The seeder: a fresh PostgreSQL database, migrated, with the demo's reference data and accounts, then
N cases and their content in bulk.

Phases (each timed and reported):

1. ``reference``: ``casebook.migrate.upgrade``, then the demo seeding for organisations, districts,
   case types, accounts and authorisations, and an API token: through the app's own services, so
   they are exactly what the app expects (and audited, which starts the chain).
2. ``cases``: worker processes (``--workers``, default 2) build chunks of cases with their participants,
   persons (own data keys, blind indexes), notes, plan goals and interventions, encrypt them, and
   COPY them on a connection of their own.
3. ``audit``: ten events per case, built by worker processes and chained by this one after the
   head phase 1 left (``audit_rows``).
4. ``indexes``: the indexes and constraints set aside for the load are built again (those of the
   other tables already while the audit events load); sequences and the reference counter move
   past the loaded rows.
5. ``vacuum``: ``VACUUM (ANALYZE)``, so the measurement reads pages as a database under autovacuum
   would be, with planner statistics.

``save`` writes ``seed.json`` beside the keyring; ``load_kept`` opens a kept database from them
(``--measure-only``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import secrets
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from bench.scale import audit_rows, commands, database
from bench.scale.rows import ChunkBuilder, Reference, bench_fixture_bsn, case_reference

HTML_USER = "zvh.coordinator"  # case list, case page, person search
SUPERVISOR = "zvh.supervisor"  # audit searches
MUNICIPALITY_USER = "gemeente.supervisor"  # the report pages over the whole municipality
AUDIT_SUBJECT = "zvh.caseworker"  # whose trail the supervisor searches
WORKER_ROLES = ("caseworker", "coordinator")


@dataclass
class SeedResult:
    """Everything the runner needs to serve and drive the bench database."""

    name: str
    url: str
    settings: dict[str, Any]  # create_app overrides (also exported as CASEBOOK_* to gunicorn)
    password: str
    api_token: str
    fixtures: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    chain_rule: str = ""
    chain_verified: str = "not checked"
    verify_seconds: float | None = None  # `casebook audit verify --full` right after seeding
    database_bytes: int | None = None
    load_average: dict[str, Any] = field(default_factory=dict)  # (1, 5, 15 min) at start and end of seeding

    def report(self) -> dict[str, Any]:
        """The part that goes into the JSON output (no secrets)."""
        out = asdict(self)
        for secret in ("settings", "password", "api_token", "url"):
            out.pop(secret)
        out["database_gb"] = round(self.database_bytes / 1e9, 2) if self.database_bytes else None
        total = sum(self.seconds.values())
        out["seconds"]["total"] = round(total, 1)
        cases, events = self.counts.get("case", 0), self.counts.get("audit_event", 0)
        out["cases_per_second"] = round(cases / total, 1) if total else None
        rates = {
            "cases": cases / self.seconds["cases"] if self.seconds.get("cases") else None,
            "audit_events": events / self.seconds["audit"] if self.seconds.get("audit") else None,
        }
        out["phase_rates_per_second"] = {k: None if v is None else round(v, 1) for k, v in rates.items()}
        out["extrapolated_seconds_for_1m_cases"] = _extrapolate(self.seconds, cases, events)
        return out


SEED_FILE = "seed.json"


def save(result: SeedResult, workdir: str) -> None:
    """What ``--measure-only`` needs besides the keyring, beside it (mode 0600: the demo password)."""
    document = {k: v for k, v in asdict(result).items() if k not in ("settings", "api_token", "url")}
    path = os.path.join(workdir, SEED_FILE)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(document, f, indent=2)


def load_kept(admin_url: str, name: str, workdir: str) -> SeedResult:
    """A database kept by an earlier ``--seed-only --keep``, opened with its keyring and a fresh API token.

    :raises FileNotFoundError: the work directory lacks the keyring or ``seed.json``.
    :raises RuntimeError: the work directory belongs to another database.
    """
    with open(os.path.join(workdir, "keyring.json")) as f:
        keyring_json = f.read()
    with open(os.path.join(workdir, SEED_FILE)) as f:
        document = json.load(f)
    if document["name"] != name:
        raise RuntimeError(f"{workdir} holds the work directory of {document['name']}, not of {name}")
    url = database.with_database(admin_url, name)
    settings = app_settings(url, workdir, keyring_json)
    return SeedResult(url=url, settings=settings, api_token=issue_token(settings), **document)


def issue_token(settings: dict[str, Any]) -> str:
    """A bearer token for the API list, issued by the app to the case list's user (7 days)."""
    from sqlalchemy import select

    from casebook import create_app
    from casebook.api.tokens import create_token
    from casebook.auth.models import User
    from casebook.db import db

    app = create_app(settings)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == HTML_USER))
        token = create_token(user, name="bench scale", lifetime=timedelta(days=7), by=None)
        db.session.commit()
        return token.plaintext


def _extrapolate(seconds: dict[str, float], cases: int, events: int) -> float | None:
    """Linear in the size for the loading, the indexes and the vacuum (the index sorts are n log n: a
    slight underestimate), the reference phase as measured; 10 audit events per case."""
    if not cases:
        return None
    factor = 1_000_000 / cases
    audit = seconds.get("audit", 0) * (10_000_000 / events if events else 0)
    scaled = sum(seconds.get(phase, 0) for phase in ("cases", "indexes", "vacuum")) * factor
    return round(seconds.get("reference", 0) + scaled + audit)


def app_settings(url: str, workdir: str, keyring_json: str) -> dict[str, Any]:
    return {
        "DATABASE_URL": url,
        "MASTER_KEYS": keyring_json,
        "INSTANCE_PATH": workdir,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "REQUIRE_MFA": False,
        "API_RATE_LIMIT": "1000000 per minute",
        "LOGIN_RATE_PER_ADDRESS": "10000 per minute",
    }


def _say(message: str) -> None:
    print(message, flush=True)


def _seed_reference(settings: dict[str, Any]) -> tuple[Reference, str, str, dict[str, Any]]:
    """Phase 1 through the app. Returns the workers' reference data, the password, a token and fixtures."""
    from sqlalchemy import select

    from casebook import create_app, migrate
    from casebook.api.tokens import create_token
    from casebook.auth.models import User
    from casebook.cases.models import CaseType
    from casebook.db import db
    from casebook.demo.seed import seed_accounts, seed_authorisations, seed_reference_data
    from casebook.interventions.models import InterventionKind
    from casebook.organisations.models import District, Organisation

    app = create_app(settings)
    with app.app_context():
        migrate.upgrade(app)
        password = app.config["DEMO_PASSWORD"]
        seed_reference_data()
        seed_accounts(password)
        seed_authorisations()
        users = {u.username: u for u in db.session.scalars(select(User))}
        token = create_token(users[HTML_USER], name="bench scale", lifetime=timedelta(days=7), by=None)
        db.session.commit()
        orgs = {o.slug: o.id for o in db.session.scalars(select(Organisation))}
        workers: dict[int, list[int]] = {}
        for user in users.values():
            if any(str(role) in WORKER_ROLES for role in user.roles):
                workers.setdefault(user.organisation_id, []).append(user.id)
        types = {
            t.code: (
                t.id,
                int(t.default_confidentiality),
                tuple(s.id for s in sorted(t.statuses, key=lambda s: s.position)),
            )
            for t in db.session.scalars(select(CaseType))
        }
        reference = Reference(
            url=settings["DATABASE_URL"],
            keyring_json=settings["MASTER_KEYS"],
            seed=20261201,
            org_ids=orgs,
            org_workers={org: tuple(sorted(ids)) for org, ids in workers.items()},
            coordinator_id=users[HTML_USER].id,
            districts=tuple((d.id, d.code) for d in db.session.scalars(select(District).order_by(District.id))),
            case_types=types,
            intervention_kinds=tuple(db.session.scalars(select(InterventionKind.id).order_by(InterventionKind.id))),
            supervisor_id=users[SUPERVISOR].id,
            case_results=_case_results(),
        )
        fixtures = {
            "html_user": HTML_USER,
            "supervisor": SUPERVISOR,
            "municipality_user": MUNICIPALITY_USER,
            "audit_subject": AUDIT_SUBJECT,
            "bench_case_id": 1,
            "bench_case_reference": case_reference(0)[0],
            "bench_case_notes": 50,
            "bsn": bench_fixture_bsn(),
            "user_names": {u.id: (u.username, u.organisation.slug) for u in users.values()},
        }
    return reference, password, token.plaintext, fixtures


def _case_results() -> dict[str, tuple[int, ...]]:
    """The closing results of each case type (seeded by the demo's ``seed_case_results`` if missing)."""
    from sqlalchemy import select

    from casebook.cases.models import CaseResult, CaseType
    from casebook.db import db
    from casebook.demo.casework import seed_case_results

    seed_case_results()
    db.session.commit()
    found: dict[str, list[int]] = {}
    rows = db.session.execute(
        select(CaseType.code, CaseResult.id).join(CaseResult.case_type).order_by(CaseResult.position, CaseResult.id)
    )
    for code, result_id in rows:
        found.setdefault(code, []).append(result_id)
    return {code: tuple(ids) for code, ids in found.items()}


# -- worker processes ------------------------------------------------------------------------------

_builder: ChunkBuilder | None = None
_connection: Any = None


def _init_worker(reference: Reference) -> None:
    global _builder, _connection
    import psycopg

    _builder = ChunkBuilder(reference)
    _connection = psycopg.connect(database.libpq_url(reference.url))
    _connection.execute("SET synchronous_commit = off")


def _load_chunk(bounds: tuple[int, int]) -> tuple[dict[str, int], list]:
    assert _builder is not None
    return _builder.load(_connection, *bounds)


def _load_cases(reference: Reference, cases: int, workers: int, chunk: int) -> tuple[dict[str, int], list]:
    counts: dict[str, int] = {}
    headers: list = []
    started = time.monotonic()
    bounds = [(start, min(start + chunk, cases)) for start in range(0, cases, chunk)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(reference,)) as pool:
        last = 0.0
        for chunk_counts, chunk_headers in pool.imap_unordered(_load_chunk, bounds):
            for table, n in chunk_counts.items():
                counts[table] = counts.get(table, 0) + n
            headers.extend(chunk_headers)
            elapsed = time.monotonic() - started
            if elapsed - last >= 5 or len(headers) == cases:
                last = elapsed
                rate = len(headers) / elapsed
                _say(
                    f"  cases {len(headers):>9,}/{cases:,}  notes {counts.get('note', 0):>11,}  "
                    f"{rate:,.0f} cases/s  eta {(cases - len(headers)) / rate:,.0f} s"
                )
    headers.sort()
    return counts, headers


def seed(
    admin_url: str,
    cases: int,
    workdir: str,
    *,
    events_per_case: int = 10,
    workers: int = 2,
    chunk: int = 500,
    verify_chain: bool = False,
    name: str | None = None,
    say: Callable[[str], None] = _say,
) -> SeedResult:
    """Create, migrate and fill a bench database ``name`` (default ``casebook_bench_<timestamp>``);
    write ``seed.json`` beside the keyring in ``workdir``. The caller drops it
    (``database.drop_database``); a seeding that fails drops it itself.
    """

    name = name or database.bench_database_name()
    url = database.create_database(admin_url, name)
    load_before = os.getloadavg()
    try:
        result = _seed(admin_url, name, url, cases, workdir, events_per_case, workers, chunk, verify_chain, say)
    except BaseException:
        database.drop_database(admin_url, name)
        raise
    result.load_average = {"start": load_before, "end": os.getloadavg(), "cpus": os.cpu_count()}
    save(result, workdir)
    return result


def _seed(
    admin_url: str,
    name: str,
    url: str,
    cases: int,
    workdir: str,
    events_per_case: int,
    workers: int,
    chunk: int,
    verify_chain: bool,
    say: Callable[[str], None],
) -> SeedResult:
    from casebook.crypto import generate_keyring, keyring_to_json, load_keyring

    keyring_json = keyring_to_json(generate_keyring())
    # Kept beside the logs, so a database kept with --keep can still be opened (mode 0600, like `keys init`).
    with os.fdopen(
        os.open(os.path.join(workdir, "keyring.json"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w"
    ) as f:
        f.write(keyring_json)
    settings = app_settings(url, workdir, keyring_json)
    seconds: dict[str, float] = {}

    say(f"bench database {name}: migrating and seeding reference data, accounts and authorisations")
    started = time.monotonic()
    reference, password, token, fixtures = _seed_reference(settings)
    seconds["reference"] = time.monotonic() - started

    say(f"loading {cases:,} cases with {workers} worker process(es)")
    started = time.monotonic()
    aside = database.set_aside(url)
    counts, headers = _load_cases(reference, cases, workers, chunk)
    seconds["cases"] = time.monotonic() - started

    total_events = cases * events_per_case
    say(f"chaining and loading {total_events:,} audit events ({audit_rows.chain_rule()})")
    started = time.monotonic()
    event_key = load_keyring(env_value=settings["MASTER_KEYS"]).chain_key_for("event")

    def progress(written: int) -> None:
        rate = written / max(time.monotonic() - started, 1e-9)
        say(f"  audit events {written:>11,}/{total_events:,}  {rate:,.0f}/s")

    # The other tables' indexes and constraints are built meanwhile, in PostgreSQL.
    audit_aside, others = aside.split("audit_event")
    with ThreadPoolExecutor(max_workers=1) as background:
        building = background.submit(database.restore, url, others, 1)
        counts["audit_event"] = audit_rows.load(
            lambda: database.bulk_connection(url), headers, fixtures["user_names"], events_per_case, reference.seed,
            key=event_key, workers=workers, progress=progress,
        )  # fmt: skip
        seconds["audit"] = time.monotonic() - started
        say(f"building the rest of {len(aside.indexes)} indexes and {len(aside.constraints)} constraints")
        started = time.monotonic()
        building.result()
    database.restore(url, audit_aside, parallel=workers)
    database.reset_sequences(url)
    _reset_reference_counters(url)
    seconds["indexes"] = time.monotonic() - started

    say("VACUUM ANALYZE (hint bits and visibility map, as autovacuum would have left them; planner statistics)")
    started = time.monotonic()
    database.vacuum_analyze(url, parallel=workers)
    seconds["vacuum"] = time.monotonic() - started

    result = SeedResult(
        name=name,
        url=url,
        settings=settings,
        password=password,
        api_token=token,
        fixtures={k: v for k, v in fixtures.items() if k != "user_names"},
        counts=counts,
        seconds={k: round(v, 1) for k, v in seconds.items()},
        chain_rule=audit_rows.chain_rule(),
    )
    check_readable(result)
    result.database_bytes = database.database_size(url)
    if verify_chain:
        run = verify(result)
        say(f"{run.command}: {run.output} ({run.seconds:,.1f} s)")
        if not run.ok:
            raise RuntimeError(f"the seeded audit chain does not verify: {run.output}")
    return result


def _reset_reference_counters(url: str) -> None:
    with database.bulk_connection(url) as connection:
        connection.execute(
            """
            INSERT INTO case_reference_counter (year, last_number)
            SELECT split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::int) FROM "case" GROUP BY 1
            ON CONFLICT (year) DO UPDATE SET last_number = EXCLUDED.last_number
            """
        )
        connection.commit()


def check_readable(result: SeedResult) -> None:
    """The app itself decrypts every kind of seeded value of the bench case (a note, a plan goal, an
    intervention, its first subject's fields) and finds that subject by the blind index of its BSN.

    :raises RuntimeError: the seeded ciphertexts do not fit the app's crypto (a bug here, or a rule changed).
    """
    from sqlalchemy import select

    from casebook import create_app
    from casebook.crypto import bsn_index
    from casebook.crypto.store import UnreadableText, current_keyring
    from casebook.db import db
    from casebook.interventions.models import Intervention
    from casebook.journal.models import Note
    from casebook.people.blind_indexes import BSN
    from casebook.people.models import Person, PersonSearchIndex
    from casebook.plans.models import PlanGoal

    case_id = result.fixtures["bench_case_id"]
    app = create_app(result.settings)
    with app.app_context():
        values = [
            getattr(db.session.scalar(select(model).where(model.case_id == case_id).limit(1)), name, None)
            for model, name in ((Note, "body"), (PlanGoal, "text"), (Intervention, "outcome"))
        ]
        person = db.session.get(Person, 1)
        fields = ("family_name", "given_names", "birth_date", "bsn", "address", "phone")
        values += [getattr(person, name, None) for name in fields]
        found = db.session.scalars(
            select(PersonSearchIndex.person_id).where(
                PersonSearchIndex.index_name == BSN,
                PersonSearchIndex.value == bsn_index(current_keyring(), result.fixtures["bsn"]),
            )
        ).all()
        bsn = person.bsn if person else None
        db.session.rollback()
    if any(v is None or isinstance(v, UnreadableText) for v in values) or bsn != result.fixtures["bsn"]:
        raise RuntimeError("the app cannot read the seeded data: encryption of the bench rows does not match")
    if found != [1]:
        raise RuntimeError(f"the bench case's subject is not found by its BSN's blind index (found {found})")


def verify(result: SeedResult) -> commands.CommandRun:
    """``casebook audit verify --full`` over the seeded chain (a process of its own, timed); the
    outcome and time go into ``result``."""
    run = commands.verify_audit(result.settings)
    result.chain_verified = run.output.splitlines()[-1] if run.output else f"exit {run.exit_code}"
    result.verify_seconds = run.seconds
    return run


if __name__ == "__main__":  # pragma: no cover - manual use: python -m bench.scale.seed 1000
    import tempfile

    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as scratch:
        res = seed(database.DEFAULT_ADMIN_URL, int(sys.argv[1]), scratch, verify_chain=True)
        print(res.report())
        database.drop_database(database.DEFAULT_ADMIN_URL, res.name)
