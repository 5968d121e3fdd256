"""Upload and download of a document through the screens' routes, beside the storage layer alone.

Run from the repository root: ``python bench/bench_document_http.py [--size-mb 25] [--repeat 3]``.

The request path adds what ``bench_documents.py`` leaves out: werkzeug's multipart parsing into
the encrypted upload spool (a second encryption, under a key of the request), the policy, the
audit events and the commit — and, on the way out, the streamed response. The storage layer
alone (``store_upload`` / ``open_download`` on the same file) is measured in the same run as the
baseline, so the ratio says what the request path costs. Peak memory (tracemalloc) of one upload
through the route is reported too: the body must never sit in memory whole.

An app with a temporary SQLite database and instance directory (WSGI test client, no network);
prints one JSON object, throughput as the best of ``--repeat`` runs, in MB/s of plaintext.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

MB = 1024 * 1024
LINE = b"Regel uit een gespreksverslag voor de benchmark van de documentopslag.\n"


def _text(size: int) -> bytes:
    return (LINE * (size // len(LINE) + 1))[:size]


def _app(workdir: str):
    from casebook import create_app, migrate
    from casebook.crypto import generate_keyring, keyring_to_json

    settings = {
        "MASTER_KEYS": keyring_to_json(generate_keyring()),
        "TESTING": True,
        "SECRET_KEY": "bench-secret-key",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        "REQUIRE_MFA": False,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
        "INSTANCE_PATH": os.path.join(workdir, "instance"),
        "DOCUMENT_MAX_MB": 60,
    }
    app = create_app(settings)
    with app.app_context():
        migrate.upgrade(app)
    return app


def _seed(app):
    """A case with a coordinator of its lead organisation, made with the test suite's factories."""
    from casebook.db import db
    from tests.factories import make_case, make_org, make_user

    with app.app_context():
        lead = make_org("bench-zvh")
        user = make_user(org=lead)
        case = make_case(lead=lead)
        db.session.commit()
        return user.username, case.id


def _upload(client, case_id: int, body: bytes) -> str:
    data = {"file": (io.BytesIO(body), "verslag.txt"), "title": "Verslag", "type": "verslag", "visibility": "shared"}
    response = client.post(f"/cases/{case_id}/documents/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:300])
    return response.headers["Location"]


def _latest_document_id(app) -> int:
    from sqlalchemy import func, select

    from casebook.db import db
    from casebook.documents.models import Document

    with app.app_context():
        return db.session.scalar(select(func.max(Document.id)))


def _download(client, document_id: int) -> int:
    response = client.get(f"/documents/{document_id}/download")
    assert response.status_code == 200, response.status_code
    return sum(len(piece) for piece in response.response)


def _best(runs: list[float], size: int) -> float:
    return round(size / MB / min(runs), 1)


def _storage_baseline(body: bytes, repeat: int) -> tuple[float, float]:
    from casebook.documents.sink import open_download, store_upload
    from casebook.documents.storage import DirectoryStorage

    with tempfile.TemporaryDirectory() as root:
        storage, dek, ups, downs = DirectoryStorage(root), os.urandom(32), [], []
        for index in range(repeat):
            started = time.perf_counter()
            blob = store_upload(
                io.BytesIO(body), dek=dek, blob_ref=f"b{index}", storage=storage, scanner=None, max_bytes=len(body)
            )
            ups.append(time.perf_counter() - started)
            started = time.perf_counter()
            sum(len(p) for p in open_download(storage, blob.key, blob.size, dek, f"b{index}"))
            downs.append(time.perf_counter() - started)
    return _best(ups, len(body)), _best(downs, len(body))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    body = _text(args.size_mb * MB)
    with tempfile.TemporaryDirectory() as workdir:
        app = _app(workdir)
        username, case_id = _seed(app)
        client = app.test_client()
        from tests.factories import TEST_PASSWORD

        client.post("/login", data={"username": username, "password": TEST_PASSWORD})
        ups, downs = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            _upload(client, case_id, body)
            ups.append(time.perf_counter() - started)
            document_id = _latest_document_id(app)
            started = time.perf_counter()
            assert _download(client, document_id) == len(body)
            downs.append(time.perf_counter() - started)
        tracemalloc.start()
        _upload(client, case_id, body)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    store_up, store_down = _storage_baseline(body, args.repeat)
    http_up, http_down = _best(ups, len(body)), _best(downs, len(body))
    print(
        json.dumps(
            {
                "size_mb": args.size_mb,
                "route_upload_mb_s": http_up,
                "route_download_mb_s": http_down,
                "storage_upload_mb_s": store_up,
                "storage_download_mb_s": store_down,
                "route_vs_storage_upload": round(http_up / store_up, 2),
                "route_vs_storage_download": round(http_down / store_down, 2),
                # everything Python allocated during one upload, the test client's request included
                "route_upload_peak_mb": round(peak / MB, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
