"""A WSGI app for the gunicorn and nginx configuration tests: answers with the scheme gunicorn decided
on and the forwarded headers it received, and sets a request id header, as the real app does."""

from __future__ import annotations

import json


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/scheme":
        body = environ["wsgi.url_scheme"].encode()
    else:
        seen = {
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING"),
            "scheme": environ["wsgi.url_scheme"],
            "x_forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "x_forwarded_proto": environ.get("HTTP_X_FORWARDED_PROTO"),
            "x_forwarded_host": environ.get("HTTP_X_FORWARDED_HOST"),
            "x_request_id": environ.get("HTTP_X_REQUEST_ID"),
        }
        body = json.dumps(seen).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-Id", "req-test-1")])
    return [body]
