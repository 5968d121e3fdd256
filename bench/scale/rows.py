"""The rows of a chunk of cases, encrypted with the project's crypto and written with COPY.

Runs in worker processes (one chunk at a time, one connection each). Ids are assigned from the
case's index in fixed slots (a case owns ids ``index * SLOTS[table] + j``), so workers never need
``RETURNING`` and never collide; the sequences are moved past the highest id at the end.

Every encrypted value goes through ``casebook.crypto.fields.encrypt_text`` under the owner's own
data key, wrapped by the bench keyring with ``casebook.crypto.envelope.wrap_dek``; its associated
data is the model's own ``EncryptedText`` rule (``_Aad``, checked against the descriptor at the
start), so the app decrypts these rows exactly as it decrypts its own (``seed.check_readable``).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import psycopg

from casebook.crypto import envelope, fields, load_keyring
from casebook.demo import data

# Id slots per case (upper bounds of what one case holds).
SLOTS = {
    "data_key": 4, "person": 3, "search": 12, "subject": 3, "participant": 5, "note": 64, "goal": 4, "int": 4,
    "signal": 2, "status": 8, "closure": 2,
}  # fmt: skip
BENCH_CASE_NOTES = 50
MAX_NOTES = 20  # uniform 0..20: 10 per case on average
# Two years of cases at a million (2026 and 2025), opened evenly from 1 January to NOW's day of the
# year, so the reports' periods, months and quarters all hold data; smaller runs fall in 2026.
REFERENCES_PER_YEAR = 500_000
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
YEAR_SPAN_SECONDS = 334 * 86_400  # 1 January to 1 December
REOPENED_SHARE = 0.08  # of the closed cases: reopened within a year (the recidivism proxy's reopenings)
REPEAT_SUBJECT_SHARE = 0.05  # of the cases: also about the first person of a case half a year older
REPEAT_SUBJECT_DISTANCE = REFERENCES_PER_YEAR // 2  # cases back in the same year: about 167 days
EXTRA_SIGNAL_SHARE = 0.45  # a signal that did not lead to a case (advice, referral, no action, waiting)
CHANNELS = {
    "politie": "police",
    "veilig-thuis": "veilig_thuis",
    "woningcorporatie": "partner",
    "gemeente": "partner",
    "jongerenwerk": "partner",
    "ggd": "partner",
}

# (code, weight) of the case mix
TYPE_WEIGHTS = {
    "youth": 30,
    "housing_nuisance": 23,
    "adult_offender": 20,
    "domestic_violence": 15,
    "radicalisation": 12,
}
EXTRA_PARTNERS = {
    "youth": ("politie", "jongerenwerk", "ggd", "reclassering"),
    "housing_nuisance": ("woningcorporatie", "ggd", "politie"),
    "adult_offender": ("politie", "reclassering", "jongerenwerk", "om"),
    "domestic_violence": ("veilig-thuis", "politie", "ggd"),
    "radicalisation": ("politie", "gemeente", "om"),
}
REFERRING = {
    "youth": "politie",
    "housing_nuisance": "woningcorporatie",
    "adult_offender": "politie",
    "domestic_violence": "veilig-thuis",
    "radicalisation": "gemeente",
}
DOMAINS = ("housing", "finances", "work", "education", "health", "family", "justice", "network_safety")
ROLES = ("subject", "family_member", "victim")

_SENTENCES = (
    "Huisbezoek afgelegd samen met de wijkagent; betrokkene was aanwezig en meewerkend.",
    "Afspraak gemaakt met de schuldhulpverlening voor volgende week dinsdag.",
    "Moeder geeft aan dat de situatie thuis rustiger is sinds de laatste bespreking.",
    "School meldt opnieuw verzuim; leerplicht is geïnformeerd en neemt contact op.",
    "In het casusoverleg is afgesproken dat de woningcorporatie een gesprek plant.",
    "Betrokkene weigert vooralsnog hulp van de GGZ; we blijven in contact via het wijkteam.",
    "De reclassering bevestigt dat de meldplicht wordt nageleefd.",
    "Buren melden geluidsoverlast in de nachtelijke uren, vooral in het weekend.",
    "Plan van aanpak besproken met het gezin; de doelen zijn aangescherpt.",
    "Jongerenwerk ziet hem wekelijks bij de inloop en merkt een positieve ontwikkeling.",
)


def _corpus() -> str:
    rng = random.Random(7)
    return " ".join(rng.choice(_SENTENCES) for _ in range(4000))


@dataclass(frozen=True)
class Reference:
    """What a worker needs to know of the reference data (picklable)."""

    url: str
    keyring_json: str
    seed: int
    org_ids: dict[str, int]
    org_workers: dict[int, tuple[int, ...]]  # organisation id -> ids of its caseworkers/coordinators
    coordinator_id: int  # zvh.coordinator: procesregisseur of ZVH-led cases
    districts: tuple[tuple[int, str], ...]  # (id, code)
    case_types: dict[str, tuple[int, int, tuple[int, ...]]]  # code -> (id, confidentiality, status ids in order)
    intervention_kinds: tuple[int, ...]
    supervisor_id: int = 0  # zvh.supervisor: approves the closings
    case_results: dict[str, tuple[int, ...]] = field(default_factory=dict)  # type code -> its result ids


COLUMNS = {
    "data_key": ("id", "owner_type", "owner_ref", "kek_id", "wrapped", "created_at"),
    "person": ("id", "uuid", "family_name", "given_names", "birth_date", "bsn", "address", "phone", "created_at"),
    "person_search_index": ("id", "person_id", "index_name", "value"),
    "case": (
        "id", "uuid", "reference", "case_type_id", "status_id", "confidentiality", "district_id",
        "lead_organisation_id", "referring_organisation_id", "process_coordinator_id", "opened_at", "closed_at",
        "next_evaluation_on", "result_id", "version",
    ),
    "case_subject": ("id", "case_id", "person_id", "role"),
    "case_participant": ("id", "case_id", "organisation_id", "involvement", "started_at"),
    "note": (
        "id", "uuid", "case_id", "author_id", "author_organisation_id", "visibility", "created_at", "body",
    ),
    "plan_goal": ("id", "uuid", "case_id", "domain", "created_by_id", "created_at", "text"),
    "intervention": (
        "id", "uuid", "case_id", "kind_id", "occurred_on", "organisation_id", "recorded_by_id", "recorded_at",
        "outcome",
    ),
    "case_status_change": (
        "id", "uuid", "case_id", "from_status_id", "to_status_id", "changed_by_id", "changed_at", "version", "reopened",
    ),
    "case_closure_step": ("id", "uuid", "case_id", "kind", "result_id", "by_id", "at", "version"),
    "signal": (
        "id", "uuid", "source_organisation_id", "channel", "case_type_id", "district_id", "subject_informed",
        "registered_by_id", "received_at", "triaged_at", "triaged_by_id", "criterion_a", "criterion_b",
        "criterion_c", "criterion_d", "decision", "referred_to_id", "case_id",
    ),
}  # fmt: skip
# Tables in foreign-key order (the constraints are set aside during the load, but keep it tidy).
ORDER = tuple(COLUMNS)


def case_reference(index: int) -> tuple[str, int, int]:
    """``PGA-<year>-<number>`` for the index-th case: 500,000 a year, newest year first."""
    year = 2026 - index // REFERENCES_PER_YEAR
    number = index % REFERENCES_PER_YEAR + 1
    return f"PGA-{year}-{number:05d}", year, number


def valid_bsn(person_id: int) -> str:
    """A unique BSN passing the 11-proef: of the prefixes 2p and 2p+1 at most one has check digit 10."""
    for prefix in (20_000_000 + 2 * person_id, 20_000_001 + 2 * person_id):
        digits = f"{prefix:08d}"
        check = sum(int(d) * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            return digits + str(check)
    raise AssertionError("unreachable: 2p and 2p+1 cannot both have check digit 10")


def _below(rng: random.Random, n: int) -> int:
    """``rng.randrange(n)`` at a tenth of its cost (its checks and bit-drawing loop are a tenth of a
    case's build time); the float's 53 bits are plenty for a bench's choices."""
    return int(rng.random() * n)


def _between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``, as cheaply as ``_below``."""
    return low + int(rng.random() * (high - low + 1))


def _uuid(rng: random.Random) -> str:
    """A version-4 UUID from the case's own random stream (reproducible; ``uuid.uuid4()`` costs a
    system call and an object per value, a sixth of a case's build time)."""
    bits = rng.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62) | (0x4 << 76) | (0x2 << 62)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def memoise_name_normalisation() -> None:
    """Let this (worker) process remember the normalised forms of the few family names the bench uses.

    ``person_index_entries`` normalises the family name (Unicode folding, tussenvoegsels) for every
    person: a third of the time a case takes to build, for 35 distinct names. Both functions are
    pure, so wrapping them in a cache changes no digest; the blind indexes are still computed by
    the app's own code.
    """
    from casebook.crypto import blind_index
    from casebook.people import blind_indexes

    if not hasattr(blind_index.normalise_family_name, "cache_info"):
        blind_index.normalise_family_name = functools.lru_cache(maxsize=4096)(blind_index.normalise_family_name)
        blind_indexes.family_name_variants = functools.lru_cache(maxsize=4096)(blind_indexes.family_name_variants)


def _part(value: str) -> bytes:
    """One length-prefixed part of ``fields.field_aad``'s encoding."""
    encoded = value.encode()
    return len(encoded).to_bytes(4, "big") + encoded


class _Aad:
    """``descriptor.aad(row)`` for the rows of one encrypted column, from the row's uuid and its
    owner's encoded part, without a row object and the checks per value (a fifth of a case's build
    time). ``__init__`` compares it with the descriptor itself on a sample row, so a changed rule
    fails the seeding at its start instead of seeding ciphertexts the app cannot read.
    """

    def __init__(self, descriptor: Any, table: str, owner: Any) -> None:
        self.prefix = fields.field_aad(table, descriptor.column_attr, "r", "o")[: -len(_part("r") + _part("o"))]
        kind = owner.crypto_owner_type
        row, other = "3f1c2a9e-5b7d-4e0f-9a61-2b8c4d6e8f00", "0b7e4f8a-2c1d-4e5f-8a9b-c0d1e2f3a4b5"
        # The row owns itself (a person) or belongs to a case: the sample says both, the descriptor picks.
        sample = SimpleNamespace(__tablename__=table, uuid=row, crypto_owner_type=kind)
        sample.case = SimpleNamespace(crypto_owner_type=kind, uuid=other)
        expected = _part(f"{kind}:{row if owner.__tablename__ == table else other}")
        if descriptor.aad(sample) != self(row, expected):
            raise RuntimeError(f"the associated data of {table}.{descriptor.column_attr} changed; update bench/scale")

    def __call__(self, row_uuid: str, owner_part: bytes) -> bytes:
        return self.prefix + _part(row_uuid) + owner_part


class ChunkBuilder:
    """Builds and loads the rows of cases ``[start, stop)``; one per worker process."""

    def __init__(self, ref: Reference) -> None:
        from casebook.cases.models import Case
        from casebook.interventions.models import Intervention
        from casebook.journal.models import Note
        from casebook.people.blind_indexes import person_index_entries
        from casebook.people.models import Person
        from casebook.plans.models import PlanGoal

        memoise_name_normalisation()
        self.ref = ref
        self.keyring = load_keyring(env_value=ref.keyring_json)
        self.kek_id = self.keyring.primary()[0]
        self.corpus = _corpus()
        self.case_owner_type = Case.crypto_owner_type
        self.person_owner_type = Person.crypto_owner_type
        self.note_body = _Aad(Note.__dict__["body"], "note", Case)
        self.goal_text = _Aad(PlanGoal.__dict__["text"], "plan_goal", Case)
        self.intervention_outcome = _Aad(Intervention.__dict__["outcome"], "intervention", Case)
        names = ("family_name", "given_names", "birth_date", "bsn", "address", "phone")
        self.person_fields = {name: _Aad(Person.__dict__[name], "person", Person) for name in names}
        self.index_entries = person_index_entries
        self.type_codes = list(TYPE_WEIGHTS)
        self.type_weights = list(TYPE_WEIGHTS.values())
        self.wijkteam = {
            district_id: ref.org_ids[data.DISTRICT_WIJKTEAM.get(code, "wijkteam-west")]
            for district_id, code in ref.districts
        }

    # -- values -----------------------------------------------------------------------------

    def _text(self, rng: random.Random, low: int, high: int) -> str:
        length = _between(rng, low, high)
        start = _below(rng, len(self.corpus) - length)
        return self.corpus[start : start + length]

    @staticmethod
    def _encrypt(aad: _Aad, dek: bytes, dek_id: int, row_uuid: str, owner_part: bytes, plain: str) -> bytes:
        return fields.encrypt_text(dek, dek_id, plain, aad(row_uuid, owner_part))

    def _data_key(self, rows: dict, key_id: int, owner_type: str, owner_uuid: str) -> bytes:
        dek = envelope.new_dek()
        kek_id, wrapped = envelope.wrap_dek(self.keyring, dek, f"{owner_type}:{owner_uuid}")
        rows["data_key"].append((key_id, owner_type, owner_uuid, kek_id, wrapped, NOW))
        return dek

    # -- one case ---------------------------------------------------------------------------

    def build_case(self, rows: dict, index: int) -> tuple[int, tuple[int, ...]]:
        """Append the rows of the index-th case; return (case id, ids of the users who work on it)."""
        ref = self.ref
        rng = random.Random(ref.seed * 10_000_019 + index)
        bench_case = index == 0
        code = "youth" if bench_case else rng.choices(self.type_codes, self.type_weights)[0]
        type_id, confidentiality, _statuses = ref.case_types[code]
        district_id, _district_code = ref.districts[0 if bench_case else _below(rng, len(ref.districts))]
        wijkteam = self.wijkteam[district_id]
        lead = ref.org_ids["zvh"] if bench_case or rng.random() < 2 / 3 else wijkteam
        case_id = index + 1
        case_uuid = _uuid(rng)
        reference, year, number = case_reference(index)
        opened_at = datetime(year, 1, 1, 8, tzinfo=UTC) + timedelta(
            seconds=number * YEAR_SPAN_SECONDS // REFERENCES_PER_YEAR + _below(rng, 50)
        )
        status_id, closed_at, result_id = self._history(rows, rng, index, code, opened_at, bench_case)
        rows["case"].append(
            (case_id, case_uuid, reference, type_id, status_id, confidentiality, district_id, lead,
             ref.org_ids[REFERRING[code]], ref.coordinator_id if lead == ref.org_ids["zvh"] else None,
             opened_at, closed_at, (opened_at + timedelta(days=90)).date() if closed_at is None else None,
             result_id, 1)
        )  # fmt: skip
        self._signals(rows, rng, index, code, district_id, opened_at)
        case_key_id = index * SLOTS["data_key"] + 1
        case_dek = self._data_key(rows, case_key_id, self.case_owner_type, case_uuid)
        case_owner = _part(f"{self.case_owner_type}:{case_uuid}")

        # participants: the lead, the district's wijkteam, 0-2 partners of the type (1-4 organisations)
        partners = [lead] + ([wijkteam] if wijkteam != lead else [ref.org_ids["zvh"]])
        if bench_case:
            partners = [lead, wijkteam]
        else:
            extra = rng.sample(EXTRA_PARTNERS[code], k=rng.choice((0, 1, 1, 2)))
            partners += [ref.org_ids[slug] for slug in extra if ref.org_ids[slug] not in partners]
            if rng.random() < 0.15:
                partners = partners[:1]
        for j, org_id in enumerate(partners):
            rows["case_participant"].append(
                (index * SLOTS["participant"] + j + 1, case_id, org_id, "lead" if j == 0 else "contributor", opened_at)
            )
        workers = tuple(u for org_id in partners for u in ref.org_workers.get(org_id, ()))
        writers = [(org_id, u) for org_id in partners for u in ref.org_workers.get(org_id, ())]

        # subjects: 1-3 persons, each with a data key of their own and blind indexes
        subject_count = 2 if bench_case else rng.choices((1, 2, 3), (50, 35, 15))[0]
        for j in range(subject_count):
            self._person(rows, rng, index, j, case_id)
        earlier = index - REPEAT_SUBJECT_DISTANCE  # same year, about 170 days older: its person again
        repeats = subject_count < SLOTS["subject"] and index % REFERENCES_PER_YEAR >= REPEAT_SUBJECT_DISTANCE
        if repeats and rng.random() < REPEAT_SUBJECT_SHARE:
            subject_id = index * SLOTS["person"] + subject_count + 1  # a person slot this case left free
            rows["case_subject"].append((subject_id, case_id, earlier * SLOTS["person"] + 1, "subject"))

        note_count = BENCH_CASE_NOTES if bench_case else _between(rng, 0, MAX_NOTES)
        for j in range(note_count):
            org_id, author = writers[_below(rng, len(writers))]
            note_uuid = _uuid(rng)
            body = self._text(rng, 200, 2000)
            rows["note"].append(
                (index * SLOTS["note"] + j + 1, note_uuid, case_id, author, org_id,
                 "internal" if not bench_case and rng.random() < 0.15 else "shared",
                 opened_at + timedelta(days=j, minutes=_below(rng, 600)),
                 self._encrypt(self.note_body, case_dek, case_key_id, note_uuid, case_owner, body))
            )  # fmt: skip
        for j in range(3 if bench_case else _between(rng, 0, 4)):
            goal_uuid = _uuid(rng)
            rows["plan_goal"].append(
                (index * SLOTS["goal"] + j + 1, goal_uuid, case_id, DOMAINS[_below(rng, len(DOMAINS))],
                 writers[0][1], opened_at + timedelta(days=7),
                 self._encrypt(self.goal_text, case_dek, case_key_id, goal_uuid, case_owner, self._text(rng, 50, 200)))
            )  # fmt: skip
        for j in range(3 if bench_case else _between(rng, 0, 4)):
            org_id, author = writers[_below(rng, len(writers))]
            int_uuid = _uuid(rng)
            when = min(opened_at + timedelta(days=14 + 10 * j), NOW)
            rows["intervention"].append(
                (index * SLOTS["int"] + j + 1, int_uuid, case_id,
                 ref.intervention_kinds[_below(rng, len(ref.intervention_kinds))], when.date(), org_id, author, when,
                 self._encrypt(self.intervention_outcome, case_dek, case_key_id, int_uuid, case_owner,
                               self._text(rng, 50, 300)))
            )  # fmt: skip
        return case_id, workers

    def _history(
        self, rows: dict, rng: random.Random, index: int, code: str, opened_at: datetime, bench_case: bool
    ) -> tuple[int, datetime | None, int | None]:
        """The case's status history from its opening to a uniformly drawn status (steps of 7-75 days,
        squeezed to end before NOW); a closed case has its two closing steps and a result, and a share
        of them was reopened later. Returns (current status id, closed at, result id)."""
        ref = self.ref
        statuses = ref.case_types[code][2]
        position = 1 if bench_case else _below(rng, len(statuses))
        gaps = [_between(rng, 7, 75) for _ in range(position)]
        room = (NOW - opened_at).total_seconds() / 86_400 * 0.97
        scale = min(1.0, room / sum(gaps)) if gaps else 1.0
        case_id = index + 1
        at = opened_at
        changes = [(None, statuses[0], at, False)]
        for step, gap in enumerate(gaps, start=1):
            at += timedelta(days=gap * scale)
            changes.append((statuses[step - 1], statuses[step], at, False))
        status_id, closed_at, result_id = statuses[position], None, None
        if status_id == statuses[-1]:
            closed_at = at
            results = ref.case_results.get(code, ())
            result_id = results[_below(rng, len(results))] if results else None
            for j, (kind, when) in enumerate((("proposed", at - timedelta(days=2)), ("approved", at))):
                rows["case_closure_step"].append(
                    (index * SLOTS["closure"] + j + 1, _uuid(rng), case_id, kind, result_id,
                     ref.coordinator_id if kind == "proposed" else ref.supervisor_id, when, 1)
                )  # fmt: skip
            reopened_at = at + timedelta(days=_between(rng, 20, 330))
            if rng.random() < REOPENED_SHARE and reopened_at < NOW:
                changes.append((statuses[-1], statuses[2], reopened_at, True))
                status_id, closed_at, result_id = statuses[2], None, None
        for j, (from_id, to_id, when, reopened) in enumerate(changes):
            by = ref.supervisor_id if to_id == statuses[-1] else ref.coordinator_id
            rows["case_status_change"].append(
                (index * SLOTS["status"] + j + 1, _uuid(rng), case_id, from_id, to_id, by, when, j + 1, reopened)
            )
        return status_id, closed_at, result_id

    def _signals(
        self, rows: dict, rng: random.Random, index: int, code: str, district_id: int, opened_at: datetime
    ) -> None:
        """The signal the case was opened on (triaged shortly before the opening), and for some cases a
        later signal about the same matter that led to advice, a referral, no action, or still waits."""
        ref = self.ref
        type_id = ref.case_types[code][0]
        coordinator = ref.coordinator_id
        source = REFERRING[code]
        triaged = opened_at - timedelta(minutes=_below(rng, 600))
        received = triaged - timedelta(hours=_between(rng, 2, 480))
        rows["signal"].append(
            (index * SLOTS["signal"] + 1, _uuid(rng), ref.org_ids[source], CHANNELS.get(source, "other"), type_id,
             district_id, True, coordinator, received, triaged, coordinator, True, True, rng.random() < 0.7,
             rng.random() < 0.5, "open_case", None, index + 1)
        )  # fmt: skip
        if rng.random() >= EXTRA_SIGNAL_SHARE:
            return
        partners = EXTRA_PARTNERS[code]
        source = partners[_below(rng, len(partners))]
        received = min(opened_at + timedelta(days=_between(rng, 1, 90)), NOW - timedelta(hours=_between(rng, 1, 400)))
        waiting = received > NOW - timedelta(days=21) and rng.random() < 0.5
        decision = None if waiting else ("advice", "refer", "no_action")[_below(rng, 3)]
        triaged = None if waiting else received + timedelta(hours=_between(rng, 1, 200))
        referred = ref.org_ids[partners[_below(rng, len(partners))]] if decision == "refer" else None
        criteria = (None,) * 4 if waiting else tuple(rng.random() < 0.4 for _ in range(4))
        channel = ("resident", "school", "meld_misdaad_anoniem")[_below(rng, 3)] if rng.random() < 0.2 else None
        rows["signal"].append(
            (index * SLOTS["signal"] + 2, _uuid(rng), ref.org_ids[source], channel or CHANNELS.get(source, "other"),
             type_id, district_id, rng.random() < 0.9, coordinator, received, triaged,
             None if waiting else coordinator, *criteria, decision, referred, None)
        )  # fmt: skip

    def _person(self, rows: dict, rng: random.Random, index: int, j: int, case_id: int) -> None:
        person_id = index * SLOTS["person"] + j + 1
        person_uuid = _uuid(rng)
        key_id = index * SLOTS["data_key"] + 2 + j
        dek = self._data_key(rows, key_id, self.person_owner_type, person_uuid)
        family_name = data.FAMILY_NAMES[_below(rng, len(data.FAMILY_NAMES))]
        birth_date = date(1960, 1, 1) + timedelta(days=_below(rng, 20_000))
        bsn = valid_bsn(person_id)
        plain = {
            "family_name": family_name,
            "given_names": data.GIVEN_NAMES[_below(rng, len(data.GIVEN_NAMES))],
            "birth_date": birth_date.isoformat(),
            "bsn": bsn,
            "address": f"{data.STREETS[_below(rng, len(data.STREETS))]} {_between(rng, 1, 180)}, Dordrecht",
            "phone": f"06-{_between(rng, 10_000_000, 99_999_999)}",
        }
        owner = _part(f"{self.person_owner_type}:{person_uuid}")
        encrypted = [
            self._encrypt(aad, dek, key_id, person_uuid, owner, plain[name]) for name, aad in self.person_fields.items()
        ]
        rows["person"].append((person_id, person_uuid, *encrypted, NOW))
        entries = sorted(self.index_entries(self.keyring, family_name=family_name, birth_date=birth_date, bsn=bsn))
        for k, (index_name, value) in enumerate(entries[: SLOTS["search"] // SLOTS["person"]]):
            rows["person_search_index"].append(
                (
                    (index * SLOTS["person"] + j) * (SLOTS["search"] // SLOTS["person"]) + k + 1,
                    person_id,
                    index_name,
                    value,
                )
            )
        rows["case_subject"].append((person_id, case_id, person_id, ROLES[j % len(ROLES)]))

    # -- a chunk ----------------------------------------------------------------------------

    def _column_types(self, connection: psycopg.Connection) -> dict[str, list[str]]:
        """The database types of the loaded columns, from the catalogue (binary COPY needs them exactly)."""
        if not hasattr(self, "_types"):
            found = dict(
                ((table, column), udt)
                for table, column, udt in connection.execute(
                    "SELECT table_name, column_name, udt_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = ANY(%s)",
                    [list(COLUMNS)],
                )
            )
            connection.rollback()
            self._types = {table: [found[(table, column)] for column in columns] for table, columns in COLUMNS.items()}
        return self._types

    def load(self, connection: psycopg.Connection, start: int, stop: int) -> tuple[dict[str, int], list]:
        rows: dict[str, list] = {table: [] for table in ORDER}
        headers = [self.build_case(rows, index) for index in range(start, stop)]
        types = self._column_types(connection)
        with connection.cursor() as cursor:
            for table in ORDER:
                quoted = f'"{table}"' if table == "case" else table
                statement = f"COPY {quoted} ({', '.join(COLUMNS[table])}) FROM STDIN (FORMAT BINARY)"
                with cursor.copy(statement) as copy:
                    copy.set_types(types[table])
                    for row in rows[table]:
                        copy.write_row(row)
        connection.commit()
        return {table: len(values) for table, values in rows.items()}, headers


def bench_fixture_bsn() -> str:
    """The BSN of the bench case's first subject (person id 1): what the person search looks for."""
    return valid_bsn(1)
