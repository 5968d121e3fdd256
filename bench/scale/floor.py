"""The floor: a bare Flask + SQLAlchemy app that runs the same reading SQL as each measured page.

``GET|POST /<endpoint>`` replays, on one pooled connection, the statements ``capture`` took from one
real request of that page (with the same parameters) and fetches every row; it renders nothing,
checks no policy, decrypts nothing and writes no audit event. The ratio app/floor is the share of
the database's speed the app keeps for that page.

Served by gunicorn like the app: ``gunicorn 'bench.scale.floor:create_floor_app()'`` with
``BENCH_FLOOR_STATEMENTS`` (the pickle ``runner`` writes) and ``BENCH_FLOOR_DATABASE_URL``.
"""

from __future__ import annotations

import os
import pickle
from typing import Any

from flask import Flask, abort
from sqlalchemy import create_engine


def create_floor_app(statements: dict[str, list[tuple[str, Any]]] | None = None, url: str | None = None) -> Flask:
    if statements is None:
        # Our own file, written by the runner in its private work directory a moment ago.
        with open(os.environ["BENCH_FLOOR_STATEMENTS"], "rb") as handle:
            statements = pickle.load(handle)  # noqa: S301
    engine = create_engine(url or os.environ["BENCH_FLOOR_DATABASE_URL"], pool_size=2, pool_pre_ping=False)
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    @app.route("/<name>", methods=["GET", "POST"])
    def page(name: str) -> str:
        reads = statements.get(name)
        if reads is None:
            abort(404)
        rows = 0
        with engine.connect() as connection:
            for statement, parameters in reads:
                rows += len(connection.exec_driver_sql(statement, parameters or None).fetchall())
            connection.rollback()
        return f"{len(reads)} statements, {rows} rows\n"

    return app
