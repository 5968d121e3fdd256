"""What encryption at rest costs: a 2 KB value, and a whole page full of encrypted values.

``field_medians``: median microseconds to encrypt and to decrypt one 2 KB value (AES-256-GCM
with its associated data), as in ``bench/bench_crypto_fields.py``.

``page_medians``: the same case page rendered by two apps built in one run — one encrypting,
one with ``ENCRYPTION_DISABLED_FOR_BENCHMARK`` — each on its own temporary SQLite database with
the same data: a case with ``subjects`` persons (each its own data key, so every request unwraps
``subjects`` data keys and decrypts three values per person: given names, family name, birth
date). Requests alternate between the two apps so drift hits both alike; the median counts.
Time is the process's CPU time (``time.process_time``), not wall-clock: on a shared, loaded
machine waiting for a CPU would otherwise dominate; the client and server run in one process.
``notes`` adds that many 2 KB journal notes to the case (all under the case's one data key): the
page the encryption issue names is "a case with 50 notes" (``casebook bench crypto`` measures both
that page and the worst case of 50 subjects, each with their own key).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import timeit
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from casebook.crypto import decrypt_text, encrypt_text, field_aad, generate_keyring, keyring_to_json, new_dek

NOTE_TEXT = "Gesprek met betrokkene en moeder over schoolverzuim en schulden. " * 64
BENCH_PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway account in a temporary database


@dataclass(frozen=True)
class FieldMedians:
    plaintext_bytes: int
    stored_bytes: int
    encrypt_us: float
    decrypt_us: float


def _median_us(stmt, repeat: int, number: int) -> float:
    return statistics.median(timeit.repeat(stmt, repeat=repeat, number=number)) / number * 1e6


def field_medians(*, repeat: int = 201, number: int = 200, size: int = 2048) -> FieldMedians:
    dek = new_dek()
    aad = field_aad("note", "body", "3f1c2a9e-5b7d-4e0f-9a61-2b8c4d6e8f00", "case:42")
    text = NOTE_TEXT[:size]
    blob = encrypt_text(dek, 42, text, aad)
    assert decrypt_text(dek, blob, aad) == text
    return FieldMedians(
        plaintext_bytes=len(text.encode()),
        stored_bytes=len(blob),
        encrypt_us=_median_us(lambda: encrypt_text(dek, 42, text, aad), repeat, number),
        decrypt_us=_median_us(lambda: decrypt_text(dek, blob, aad), repeat, number),
    )


@dataclass(frozen=True)
class PageMedians:
    encrypted_ms: float
    plain_ms: float
    encrypted_values: int
    data_keys: int

    @property
    def added_percent(self) -> float:
        return (self.encrypted_ms - self.plain_ms) / self.plain_ms * 100


def _build_app(directory: Path, keyring_json: str, *, disabled: bool, subjects: int, notes: int = 0):
    from casebook import create_app, migrate
    from casebook.access.models import Authorisation
    from casebook.access.scope import AUTHORISABLE_ACTIONS
    from casebook.auth.models import Role
    from casebook.auth.services import create_user
    from casebook.cases.models import CaseType, StatusType, SubjectRole
    from casebook.cases.services import NewCase, open_case
    from casebook.confidentiality import Confidentiality
    from casebook.db import db
    from casebook.demo.data import PGA_STATUSES
    from casebook.organisations.models import Organisation, OrganisationKind
    from casebook.people.models import Person

    directory.mkdir()
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{directory / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(directory),
            "SECRET_KEY": "bench-secret-key-not-secret",
            "MASTER_KEYS": keyring_json,
            "ENCRYPTION_DISABLED_FOR_BENCHMARK": disabled,
            "WTF_CSRF_ENABLED": False,
            "REQUIRE_MFA": False,  # a throwaway benchmark database; the page is what is measured
            "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    with app.app_context():
        migrate.upgrade(app)
        org = Organisation(slug="zvh", name="Zorg- en Veiligheidshuis", kind=OrganisationKind.ZVH)
        case_type = CaseType(
            code="youth",
            label_nl="Jeugd",
            label_en="Youth",
            default_confidentiality=Confidentiality.ZAAKVERTROUWELIJK,
            retention_period="P5Y",
            statuses=[
                StatusType(code=c, label_nl=nl, label_en=en, position=i, is_end=i == len(PGA_STATUSES))
                for i, (c, nl, en) in enumerate(PGA_STATUSES, start=1)
            ],
        )
        db.session.add_all([org, case_type])
        db.session.flush()
        bench_user = create_user("bench", "Bench", org, [Role.CASEWORKER], BENCH_PASSWORD)
        db.session.add(
            Authorisation(
                user=bench_user,
                case_type=case_type,
                actions=sorted(str(a) for a in AUTHORISABLE_ACTIONS),
                max_confidentiality=Confidentiality.VERTROUWELIJK,
            )
        )
        persons = [
            Person(
                family_name=f"van der Berg-{n}",
                given_names="Noor Fatima",
                birth_date=date(1990, 1, 1) + timedelta(days=n),
                bsn="123456782",
                address=f"Voorstraat {n}, Dordrecht",
                phone="06-12345678",
            )
            for n in range(subjects)
        ]
        case = open_case(
            NewCase(
                case_type=case_type,
                lead_organisation=org,
                subjects=tuple((p, SubjectRole.SUBJECT) for p in persons),
            ),
            by=None,
        )
        if notes:
            from casebook.journal.services import add_note

            db.session.flush()
            for n in range(notes):
                add_note(case, by=bench_user, body=f"{n}: {NOTE_TEXT}"[:2048], visibility="shared")
        case_id = case.id
        db.session.commit()
    client = app.test_client()
    response = client.post("/login", data={"username": "bench", "password": BENCH_PASSWORD})
    assert response.status_code == 302, "bench login failed"
    return client, f"/cases/{case_id}"


def page_medians(*, requests: int = 41, subjects: int = 50, notes: int = 0) -> PageMedians:
    """Median CPU time of the case page, encrypted and not; ``notes`` 2 KB notes on it (one case key)."""
    keyring_json = keyring_to_json(generate_keyring())
    # On tmpfs when there is one: the SQLite commit's fsync (the same in both apps) would otherwise
    # add milliseconds of disk noise to every request and drown the difference being measured.
    shm = Path("/dev/shm")  # noqa: S108 - TemporaryDirectory creates a private (0700) directory in it
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        encrypted = _build_app(Path(tmp) / "encrypted", keyring_json, disabled=False, subjects=subjects, notes=notes)
        plain = _build_app(Path(tmp) / "plain", keyring_json, disabled=True, subjects=subjects, notes=notes)
        timings: dict[str, list[float]] = {"encrypted": [], "plain": []}
        for round_number in range(requests + 3):
            for label, (client, path) in (("encrypted", encrypted), ("plain", plain)):
                started = time.process_time()
                response = client.get(path)
                elapsed = time.process_time() - started
                assert response.status_code == 200, f"{label} page answered {response.status_code}"
                if round_number >= 3:  # warm-up: templates compiled, caches filled
                    timings[label].append(elapsed)
    return PageMedians(
        encrypted_ms=statistics.median(timings["encrypted"]) * 1000,
        plain_ms=statistics.median(timings["plain"]) * 1000,
        encrypted_values=3 * subjects + notes,
        data_keys=subjects + (1 if notes else 0),
    )
