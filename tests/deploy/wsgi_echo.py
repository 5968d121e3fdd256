"""A WSGI app for the gunicorn configuration tests: answers with the scheme gunicorn decided on and
sets a request id header, as the real app does."""

from __future__ import annotations


def app(environ, start_response):
    body = environ["wsgi.url_scheme"].encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Request-Id", "req-test-1")])
    return [body]
