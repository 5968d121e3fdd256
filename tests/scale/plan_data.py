"""A municipality's worth of rows, built in set-based SQL so that the planner chooses as it would in production.

Used by ``test_query_plans``: the reference data (organisations, case types, the users whose
queries are explained, their authorisations) is written through the ORM and the factories, as
the app writes it; the bulk (cases, participants, notes, audit events, persons and their blind
indexes, plans) with one ``INSERT … SELECT … FROM generate_series`` per table. The bulk rows are
shaped like production's, not like the app's content: ciphertexts are short random bytes and
the audit chain's hashes are dummies (nothing here decrypts them or verifies the chain).

The shape that matters for plans (counted in ``World.counts``):

- most cases are closed (those opened more than a year ago almost all), the open ones recent;
- the ZVH takes part in most cases (its coordinator sees ~90%), the partner organisations in few,
  skewed: the caseworker's organisation is among the rarest (a fraction of a percent);
- a few percent of the cases are above the role-wide authorisations' maximum, and two types are
  restricted (only the ZVH is authorised for them);
- audit events are in ``seq`` order in time, spread over the users and, for most, over the cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, text

from casebook.auth.models import Role
from casebook.cases.models import Case, CaseSubject, CaseType, SubjectRole
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.factories import authorise_roles, make_case_type, make_district, make_org, make_person, make_user

PARTNERS = 40  # partner organisations besides the ZVH and the municipality
DISTRICTS = 12
BULK_USERS_PER_ORGANISATION = 12
# (code, share of the cases, restricted, default confidentiality)
CASE_TYPES = (
    ("youth", 0.35, False, Confidentiality.ZAAKVERTROUWELIJK),
    ("housing_nuisance", 0.30, False, Confidentiality.ZAAKVERTROUWELIJK),
    ("adult_offender", 0.25, False, Confidentiality.ZAAKVERTROUWELIJK),
    ("domestic_violence", 0.07, True, Confidentiality.VERTROUWELIJK),
    ("radicalisation", 0.03, True, Confidentiality.GEHEIM),
)
AUDIT_ACTIONS = ("case.view", "case.list", "note.list", "person.search", "case.update", "note.add", "audit.list")
SEARCHED_BSN = "123456782"
SEARCHED_FAMILY_NAME = "Kwakernaak"
SEARCHED_BIRTH_DATE = date(1990, 4, 12)


@dataclass(frozen=True)
class Scale:
    cases: int = 100_000
    notes_per_case: int = 3
    audit_events: int = 500_000
    notes_on_busy_case: int = 200
    events_on_busy_case: int = 300


@dataclass
class World:
    """What the scenarios ask about: the users whose queries are explained and the rows they name."""

    caseworker_id: int
    coordinator_id: int
    supervisor_id: int
    municipal_supervisor_id: int
    rare_partner_slug: str
    busy_case_id: int
    busy_case_reference: str
    district_code: str
    case_type_code: str
    status_code: str
    counts: dict[str, int] = field(default_factory=dict)
    shares: dict[str, float] = field(default_factory=dict)


def build(scale: Scale) -> World:
    """Write the reference data through the ORM, then the bulk in SQL, on ``db.session``'s connection.

    The caller commits and runs ``ANALYZE`` (and ``VACUUM``, outside a transaction).
    """
    zvh = make_org("zvh", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")
    municipality = make_org("gemeente", kind=OrganisationKind.MUNICIPALITY, name="Gemeente")
    kinds = (
        OrganisationKind.WIJKTEAM,
        OrganisationKind.POLICE,
        OrganisationKind.MENTAL_HEALTH,
        OrganisationKind.PROBATION,
    )
    partners = [make_org(f"partner-{i:02d}", kind=kinds[i % len(kinds)]) for i in range(PARTNERS)]
    districts = [make_district(f"wijk-{i:02d}") for i in range(DISTRICTS)]
    types: list[CaseType] = []
    for code, _share, restricted, level in CASE_TYPES:
        case_type = make_case_type(code, restricted=restricted, confidentiality=level)
        if restricted:  # only the ZVH works on restricted types
            authorise_roles(
                case_type,
                roles=(Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR),
                max_confidentiality=Confidentiality.GEHEIM,
                organisation=zvh,
            )
        types.append(case_type)
    rare_partner = partners[-1]  # partners are drawn skewed (below): the last is among the rarest
    caseworker = make_user("qp.caseworker", org=rare_partner, roles=[Role.CASEWORKER])
    coordinator = make_user("qp.coordinator", org=zvh, roles=[Role.COORDINATOR])
    supervisor = make_user("qp.supervisor", org=zvh, roles=[Role.SUPERVISOR])
    municipal_supervisor = make_user("qp.gemeente", org=municipality, roles=[Role.SUPERVISOR])
    db.session.flush()
    named = (caseworker, coordinator, supervisor, municipal_supervisor)

    connection = db.session.connection()
    organisations = [zvh, municipality, *partners]
    _bulk(
        connection,
        scale,
        zvh_id=zvh.id,
        partner_ids=[p.id for p in partners],
        organisation_ids=[o.id for o in organisations],
        district_ids=[d.id for d in districts],
        type_ids=[t.id for t in types],
        type_bounds=list(itertools.accumulate(share for _code, share, _r, _l in CASE_TYPES[:-1])),
        type_levels=[int(level) for *_rest, level in CASE_TYPES],
        caseworker=caseworker.id,
        coordinator=coordinator.id,
        actors=[
            (100000 + g, f"bulk{g}", organisations[(g - 1) // BULK_USERS_PER_ORGANISATION].slug)
            for g in range(1, len(organisations) * BULK_USERS_PER_ORGANISATION + 1)
        ]
        + [(u.id, u.username, u.organisation.slug) for u in named],
    )

    # The persons searched for: real ones (encrypted, blind-indexed by the flush hook), each a
    # subject of a case the caseworker sees and of one they do not.
    busy_case_id = _busy_case(connection, zvh.id, rare_partner.id)
    searched = make_person(
        SEARCHED_FAMILY_NAME, given_names="Theodorus", birth_date=SEARCHED_BIRTH_DATE, bsn=SEARCHED_BSN
    )
    namesake = make_person(SEARCHED_FAMILY_NAME, given_names="Anna", birth_date=SEARCHED_BIRTH_DATE)
    hidden_case = db.session.scalar(
        text(
            'SELECT c.id FROM "case" c WHERE NOT EXISTS (SELECT 1 FROM case_participant p '
            "WHERE p.case_id = c.id AND p.organisation_id = :org) ORDER BY c.id DESC LIMIT 1"
        ),
        {"org": rare_partner.id},
    )
    for case_id, person in ((busy_case_id, searched), (hidden_case, namesake)):
        db.session.add(CaseSubject(case_id=case_id, person_id=person.id, role=SubjectRole.SUBJECT))
    db.session.flush()

    busy = db.session.get(Case, busy_case_id)
    world = World(
        caseworker_id=caseworker.id,
        coordinator_id=coordinator.id,
        supervisor_id=supervisor.id,
        municipal_supervisor_id=municipal_supervisor.id,
        rare_partner_slug=rare_partner.slug,
        busy_case_id=busy.id,
        busy_case_reference=busy.reference,
        district_code=districts[3].code,
        case_type_code=types[1].code,
        status_code=busy.status.code,
    )
    _count(connection, world, zvh.id, rare_partner.id)
    return world


BULK_TABLES = (
    "user_account",
    "user_role",
    "case",
    "case_participant",
    "note",
    "person",
    "case_subject",
    "person_search_index",
    "plan_goal",
    "plan_action",
)


@contextmanager
def _restoring(run, tables: tuple[str, ...]) -> Iterator[None]:
    """Load ``tables`` as a restore would: foreign keys unchecked (the rows are consistent by
    construction) and the secondary indexes and unique constraints built once at the end rather
    than row by row (unique constraints only where no foreign key points at them: the uuids, the
    references, the chain's seq)."""
    run("SET LOCAL session_replication_role = replica")
    indexes = run(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = to_regclass(quote_ident(i.indexname)))
        """,
        tables=list(tables),
    ).all()
    constraints = run(
        """
        SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
        WHERE c.contype = 'u' AND c.connamespace = current_schema()::regnamespace
          AND c.conrelid::regclass::text = ANY(:tables)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)
        """,
        tables=[f'"{t}"' if t == "case" else t for t in tables],
    ).all()
    for name, _definition in indexes:
        run(f'DROP INDEX "{name}"')
    for table, name, _definition in constraints:
        run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    yield
    run("SET LOCAL maintenance_work_mem = '256MB'")
    for _name, definition in indexes:
        run(definition)
    for table, name, definition in constraints:
        run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    run("SET LOCAL session_replication_role = DEFAULT")


def _bulk(connection: Connection, scale: Scale, **ids) -> None:
    """Everything but the trail, on the session's connection; the trail meanwhile on one of its own
    (it points at cases and users by value only), so that the two loads share the machine's cores."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        trail = pool.submit(_load_trail, connection.engine, scale, ids.pop("actors"))
        run = _runner(connection, {"cases": scale.cases, **ids})
        with _restoring(run, BULK_TABLES):
            _load(run, scale)
        trail.result()


def _load_trail(engine: Engine, scale: Scale, actors: list[tuple[int, str, str]]) -> None:
    """The trail: in seq order through time, spread over ``actors`` (id, username, organisation slug:
    by value, as events keep them); 70% about a case; 2% denied."""
    with engine.begin() as connection:
        run = _runner(connection, {"cases": scale.cases})
        with _restoring(run, ("audit_event",)):
            run(
                f"""
                INSERT INTO audit_event (seq, occurred_at, actor_user_id, actor_username, actor_organisation,
                                         action, object_type, object_id, case_id, outcome, details, prev_hash, hash)
                SELECT g, now() - ({scale.audit_events} - g) * (interval '5 years' / {scale.audit_events}),
                       a.id, a.username, a.slug, (CAST(:actions AS text[]))[1 + g % {len(AUDIT_ACTIONS)}],
                       CASE WHEN g % 10 < 7 THEN 'case' END,
                       CASE WHEN g % 10 < 7 THEN (1 + (g * 31) % :cases)::text END,
                       CASE WHEN g % 10 < 7 THEN 1 + (g * 31) % :cases END,
                       CASE WHEN g % 50 = 0 THEN 'denied' ELSE 'allowed' END, '{{}}', '-', '-'
                FROM generate_series(1, {scale.audit_events}) g
                JOIN unnest(CAST(:ids AS int[]), CAST(:names AS text[]), CAST(:slugs AS text[]))
                     WITH ORDINALITY AS a(id, username, slug, n) ON a.n = 1 + (g * 13) % {len(actors)}
                """,
                actions=list(AUDIT_ACTIONS),
                ids=[a[0] for a in actors],
                names=[a[1] for a in actors],
                slugs=[a[2] for a in actors],
            )
            run("SELECT setval(pg_get_serial_sequence('audit_event', 'id'), (SELECT max(id) FROM audit_event))")


def _load(run, scale: Scale) -> None:
    run("SELECT setseed(0.1304)")
    run(
        f"""
        INSERT INTO user_account (id, username, display_name, organisation_id, password_hash, active, created_at,
                                  must_change_password, mfa_exempt_demo)
        SELECT 100000 + g, 'bulk' || g, 'Bulk user', (:organisation_ids)[1 + (g - 1) / {BULK_USERS_PER_ORGANISATION}],
               'not-a-hash', true, now(), false, false
        FROM generate_series(1, cardinality(:organisation_ids) * {BULK_USERS_PER_ORGANISATION}) g
        """
    )
    run(
        f"""
        INSERT INTO user_role (user_id, role)
        SELECT 100000 + g, (ARRAY['caseworker', 'caseworker', 'coordinator', 'supervisor'])[1 + g % 4]
        FROM generate_series(1, cardinality(:organisation_ids) * {BULK_USERS_PER_ORGANISATION}) g
        """
    )
    # A case's lead: the ZVH for 60%, else a partner drawn skewed (random()^2: a few common, many rare).
    # Opened over five years in id order; opened more than a year ago: 97% closed, else 40%.
    run(
        """
        CREATE TEMPORARY TABLE qp_case ON COMMIT DROP AS
        SELECT g AS id,
               now() - (:cases - g) * (interval '5 years' / :cases) - random() * interval '12 hours' AS opened_at,
               CASE WHEN random() < 0.6 THEN :zvh_id
                    ELSE (:partner_ids)[1 + floor(random() ^ 2 * cardinality(:partner_ids))::int] END AS lead_id,
               1 + width_bucket(random(), :type_bounds) AS type_ord,
               random() AS close_draw,
               random() AS level_draw
        FROM generate_series(1, :cases) g
        """
    )
    run(
        f"""
        INSERT INTO "case" (id, uuid, reference, case_type_id, status_id, confidentiality, district_id,
                            lead_organisation_id, process_coordinator_id, opened_at, closed_at,
                            next_evaluation_on, closure_proposed_at, version)
        SELECT c.id, md5('case' || c.id)::uuid::text, 'PGA-' || lpad(c.id::text, 8, '0'), s.case_type_id, s.id,
               CASE WHEN c.level_draw < 0.04 THEN {int(Confidentiality.GEHEIM)} ELSE (:type_levels)[c.type_ord] END,
               (:district_ids)[1 + c.id % cardinality(:district_ids)], c.lead_id,
               CASE WHEN c.lead_id = :zvh_id THEN  -- the named coordinator, else one of the ZVH's bulk ones
                   CASE WHEN c.id % 40 = 0 THEN :coordinator ELSE 100002 + 4 * (c.id % 3) END END,
               c.opened_at, CASE WHEN c.closed THEN c.opened_at + interval '200 days' END,
               CASE WHEN NOT c.closed THEN current_date + (c.id % 120) - 30 END,
               CASE WHEN NOT c.closed AND c.id % 50 = 0 THEN now() - (c.id % 20) * interval '1 day' END,
               1
        FROM (SELECT *, CASE WHEN opened_at < now() - interval '1 year' THEN close_draw < 0.97
                             ELSE close_draw < 0.4 END AS closed FROM qp_case) c
        JOIN status_type s ON s.case_type_id = (:type_ids)[c.type_ord]
         AND s.position = CASE WHEN c.closed THEN 6 ELSE 1 + c.id % 5 END
        """
    )
    # Participants: the lead; for 80% a second (the ZVH, or a partner when the ZVH leads; 10% ended);
    # a third partner for all (30% ended), named for one in five (a user of that organisation).
    run(
        f"""
        INSERT INTO case_participant (case_id, organisation_id, user_id, involvement, started_at, ended_at)
        SELECT id, lead_id, NULL::int, 'lead', opened_at, NULL::timestamptz FROM qp_case
        UNION ALL
        SELECT id, CASE WHEN lead_id = :zvh_id THEN (:partner_ids)[1 + floor(r ^ 2 * cardinality(:partner_ids))::int]
                        ELSE :zvh_id END,
               NULL, 'contributor', opened_at, CASE WHEN random() < 0.1 THEN opened_at + interval '90 days' END
        FROM (SELECT *, random() AS r, random() AS take FROM qp_case) c WHERE take < 0.8
        UNION ALL
        SELECT id, org, CASE WHEN named THEN 100000 + (array_position(:organisation_ids, org) - 1)
                                              * {BULK_USERS_PER_ORGANISATION} + 1 + id % 2 END,
               'contributor', opened_at, CASE WHEN random() < 0.3 THEN opened_at + interval '120 days' END
        FROM (SELECT id, opened_at, random() < 0.2 AS named,
                     (:partner_ids)[1 + floor(random() ^ 2 * cardinality(:partner_ids))::int] AS org FROM qp_case) c
        """
    )
    # The caseworker is named on some of their organisation's participations.
    run(
        """
        UPDATE case_participant SET user_id = :caseworker
        WHERE organisation_id = (:partner_ids)[cardinality(:partner_ids)] AND case_id % 3 = 0
        """
    )
    run(
        f"""
        INSERT INTO note (uuid, case_id, author_id, author_organisation_id, visibility, created_at, body)
        SELECT md5('note' || g)::uuid::text, 1 + (g::bigint * 7919) % :cases,
               100001 + g % {BULK_USERS_PER_ORGANISATION}, :zvh_id,
               CASE WHEN g % 10 = 0 THEN 'internal' ELSE 'shared' END,
               now() - random() * interval '5 years', decode(md5(g::text), 'hex')
        FROM generate_series(1, :cases * {scale.notes_per_case}) g
        """
    )
    # Persons: a subject per case, a family member for one in five; each with a BSN and a name+birth
    # date index entry (digests; the real search's entries are added by the ORM's flush hook).
    run(
        """
        INSERT INTO person (id, uuid, created_at, family_name, birth_date, bsn, bsn_pending)
        SELECT g, md5('person' || g)::uuid::text, now(), decode(md5('f' || g), 'hex'),
               decode(md5('d' || g), 'hex'), decode(md5('b' || g), 'hex'), false
        FROM generate_series(1, :cases + :cases / 5) g
        """
    )
    run(
        """
        INSERT INTO case_subject (case_id, person_id, role)
        SELECT g, g, 'subject' FROM generate_series(1, :cases) g
        UNION ALL
        SELECT 5 * g, :cases + g, 'family_member' FROM generate_series(1, :cases / 5) g
        """
    )
    run(
        """
        INSERT INTO person_search_index (person_id, index_name, value)
        SELECT id, 'bsn', md5('bsn' || id) FROM person
        UNION ALL
        SELECT id, 'name_dob', md5('name' || (id % (:cases / 2))) FROM person
        """
    )
    # Plans: a goal and two actions per open case; a finished action for every other closed case.
    run(
        """
        INSERT INTO plan_goal (uuid, case_id, domain, created_at, text)
        SELECT md5('goal' || id)::uuid::text, id, 'housing', opened_at, decode(md5('g' || id), 'hex')
        FROM "case" WHERE closed_at IS NULL
        """
    )
    run(
        """
        INSERT INTO plan_action (uuid, case_id, goal_id, owner_organisation_id, owner_user_id, due_on, status,
                                 created_at, description)
        SELECT md5('action' || g.id || '-' || n)::uuid::text, g.case_id, g.id, c.lead_organisation_id,
               CASE WHEN n = 1 AND g.case_id % 40 = 0 THEN :coordinator WHEN n = 1 THEN c.process_coordinator_id END,
               current_date + (g.id % 60) - 20, CASE WHEN n = 1 THEN 'open' ELSE 'in_progress' END, now(),
               decode(md5('a' || g.id || n), 'hex')
        FROM plan_goal g JOIN "case" c ON c.id = g.case_id CROSS JOIN generate_series(1, 2) n
        UNION ALL
        SELECT md5('done' || c.id)::uuid::text, c.id, NULL, c.lead_organisation_id, NULL,
               (c.opened_at + interval '60 days')::date, 'done', c.opened_at, decode(md5('d' || c.id), 'hex')
        FROM "case" c WHERE c.closed_at IS NOT NULL AND c.id % 2 = 0
        """
    )
    run(
        """
        INSERT INTO break_glass_access (uuid, user_id, case_id, started_at, expires_at, review_status)
        SELECT md5('glass' || g)::uuid::text, :caseworker, g * 997, now() - interval '1 hour',
               now() + CASE WHEN g = 1 THEN interval '1 hour' ELSE -interval '1 minute' END, 'pending'
        FROM generate_series(1, 5) g
        """
    )
    for table in ("user_account", "case", "person"):
        run(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")


def _busy_case(connection: Connection, zvh_id: int, partner_id: int) -> int:
    """A recent open case that the ZVH leads and the caseworker's organisation takes part in, with a
    long journal and a long trail (the case page's and the case trail's worst case)."""
    scale = Scale()
    run = _runner(connection, {})
    case_id = run(
        """
        SELECT c.id FROM "case" c
        WHERE c.lead_organisation_id = :zvh AND c.closed_at IS NULL AND c.confidentiality <= 4
          AND EXISTS (SELECT 1 FROM case_participant p WHERE p.case_id = c.id AND p.organisation_id = :partner
                      AND p.ended_at IS NULL)
        ORDER BY c.id DESC LIMIT 1
        """,
        zvh=zvh_id,
        partner=partner_id,
    ).scalar_one_or_none()
    if case_id is None:  # the partner is rare: make it take part
        case_id = run(
            'SELECT id FROM "case" WHERE lead_organisation_id = :zvh AND closed_at IS NULL AND confidentiality <= 4 '
            "ORDER BY id DESC LIMIT 1",
            zvh=zvh_id,
        ).scalar_one()
        run(
            "INSERT INTO case_participant (case_id, organisation_id, involvement, started_at) "
            "VALUES (:case, :partner, 'contributor', now())",
            case=case_id,
            partner=partner_id,
        )
    run(
        f"""
        INSERT INTO note (uuid, case_id, author_id, author_organisation_id, visibility, created_at, body)
        SELECT md5('busy' || g)::uuid::text, :case, 100001, :zvh, 'shared', now() - g * interval '1 hour',
               decode(md5('busy' || g), 'hex')
        FROM generate_series(1, {scale.notes_on_busy_case}) g
        """,
        case=case_id,
        zvh=zvh_id,
    )
    run(
        f"""
        INSERT INTO audit_event (seq, occurred_at, actor_user_id, actor_username, actor_organisation, action,
                                 object_type, object_id, case_id, outcome, details, prev_hash, hash)
        SELECT m.seq + g, now() - g * interval '1 minute', 100001, 'bulk1', 'zvh', 'case.view', 'case',
               CAST(:case AS text), :case, 'allowed', '{{}}', '-', '-'
        FROM generate_series(1, {scale.events_on_busy_case}) g, (SELECT max(seq) AS seq FROM audit_event) m
        """,
        case=case_id,
    )
    return case_id


def _count(connection: Connection, world: World, zvh_id: int, partner_id: int) -> None:
    run = _runner(connection, {})
    for table in ("case", "case_participant", "note", "audit_event", "person", "person_search_index", "plan_action"):
        world.counts[table] = run(f'SELECT count(*) FROM "{table}"').scalar_one()
    for name, org in (("zvh", zvh_id), ("caseworker_organisation", partner_id)):
        seen = run(
            "SELECT count(DISTINCT case_id) FROM case_participant WHERE organisation_id = :org AND ended_at IS NULL",
            org=org,
        ).scalar_one()
        world.shares[f"{name}_takes_part_in"] = round(seen / world.counts["case"], 4)
    open_cases = run('SELECT count(*) FROM "case" WHERE closed_at IS NULL').scalar_one()
    world.shares["open"] = round(open_cases / world.counts["case"], 4)


def _runner(connection: Connection, defaults: dict):
    def run(sql: str, **params):
        return connection.execute(text(sql), {**defaults, **params})

    return run


def recent_window(days: int = 30) -> tuple[date, date]:
    """A month of the trail, ending today: the organisation-and-time search's window."""
    today = date.today()
    return today - timedelta(days=days), today
