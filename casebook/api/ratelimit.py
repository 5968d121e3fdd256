"""Rate limiting of the API, per token.

A limiter of its own (not the login limiter of ``casebook.auth``): its key is the token's lookup
id, known only after bearer authentication in the blueprint, and its 429 is a problem document
with ``Retry-After``. It uses the ``limits`` library (the engine under Flask-Limiter) with the
same storage setting, ``RATELIMIT_STORAGE_URL`` (``memory://`` by default; ``redis://…`` when more
than one process serves the API), under its own key namespace. The limit itself is
``API_RATE_LIMIT`` (e.g. ``600 per minute``), read on every request so operators can tune it.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from casebook.api.problems import ApiProblem

log = logging.getLogger(__name__)

EXTENSION_KEY = "casebook.api.ratelimit"
NAMESPACE = "casebook-api"


def init_app(app: Flask) -> None:
    uri = app.config["RATELIMIT_STORAGE_URL"]
    app.extensions[EXTENSION_KEY] = MovingWindowRateLimiter(storage_from_string(uri))


def hit(key: str) -> None:
    """Count one request for ``key``.

    Storage failures let the request through (logged): an unreachable Redis must not take the
    API down with it.

    :raises ApiProblem: 429 with ``Retry-After`` when the limit is exhausted.
    """
    limiter: MovingWindowRateLimiter = current_app.extensions[EXTENSION_KEY]
    item = parse(current_app.config["API_RATE_LIMIT"])
    try:
        if limiter.hit(item, NAMESPACE, key):
            return
        reset_at = limiter.get_window_stats(item, NAMESPACE, key).reset_time
    except Exception:
        log.exception("API rate-limit storage failed; request let through")
        return
    retry_after = max(1, math.ceil(reset_at - time.time()))
    raise ApiProblem(429, "rate-limited", headers={"Retry-After": str(retry_after)})
