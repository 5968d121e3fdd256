"""Operations: liveness, readiness, Prometheus metrics and structured request logs.

``/healthz`` (is the process alive), ``/readyz`` (may it take traffic: database, keyring, Redis,
migrations, audit seal) and ``/metrics`` (behind ``METRICS_TOKEN``) are public to Flask-Login and
exempt from rate limits: load balancers and Prometheus call them without a session, often.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("ops", __name__)


def init_app(app: Flask) -> None:
    from flask import request_finished, request_started

    from casebook.extensions import limiter
    from casebook.ops import logs, metrics, views

    logs.configure(app)
    app.register_blueprint(bp)
    for view in (views.healthz, views.readyz, views.metrics_view):
        limiter.exempt(view)
    request_started.connect(logs.request_started, app)
    request_finished.connect(logs.request_finished, app)
    metrics.watch_pool(app.extensions["casebook.engine"])
