"""The JSON API v1 (``/api/v1/``) for partner systems, and the "Mijn API-tokens" screens.

``bp`` carries the API; ``api`` is its registry (routes + generated OpenAPI). Endpoints live in
``casebook/api/views/``; adding one is a decorated function calling one service.
"""

from flask import Blueprint

from casebook.api.registry import Api

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Api(
    bp,
    title="Casebook API",
    version="1.0.0",
    description=(
        "JSON API of Casebook for partner systems. Authenticate with `Authorization: Bearer <token>`. "
        "A token acts as its user: the same access policy and services as the screens decide what it may "
        "see and do. Out-of-scope objects answer 404 exactly like missing ones. Errors are RFC 9457 "
        "`application/problem+json`. Changes need `If-Match` with the `ETag` of the version being changed."
    ),
)

tokens_bp = Blueprint("api_tokens", __name__)
