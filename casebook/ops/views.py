"""``/healthz``, ``/readyz`` and ``/metrics``: plain JSON and text for machines, no pages, no session."""

from __future__ import annotations

import hmac

from flask import Response, abort, current_app, jsonify, request

from casebook.db import db
from casebook.ops import bp, metrics, readiness
from casebook.web import public


@bp.get("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """Liveness: the process answers. Touches nothing else — a database outage must not make the
    supervisor restart healthy workers; that is what ``/readyz`` tells the load balancer."""
    return jsonify(status="ok"), 200


@bp.get("/readyz")
@public
def readyz() -> tuple[Response, int]:
    """Readiness: 200 ``{"status": "ok", "checks": {...}}`` or 503 with ``"fail"`` and the failing checks."""
    ready, checks = readiness.run_checks()
    response = jsonify(status="ok" if ready else "fail", checks=checks)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if ready else 503


@bp.get("/metrics")
@public
def metrics_view() -> Response:
    """Prometheus exposition, for a caller presenting ``Authorization: Bearer <METRICS_TOKEN>``.

    Without a configured token the endpoint does not exist (404); a wrong or missing token is 401.
    """
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    presented = request.headers.get("Authorization", "")
    scheme, _, value = presented.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(value.strip().encode(), str(token).encode()):
        return Response("unauthorised\n", 401, {"WWW-Authenticate": 'Bearer realm="metrics"'}, mimetype="text/plain")
    body = metrics.scrape(db.session())
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=metrics.CONTENT_TYPE)
