"""The JSON API v1 (``/api/v1/``) for partner systems, and the "Mijn API-tokens" screens.

``bp`` carries the API; ``api`` is its registry (routes + generated OpenAPI). Endpoints live in
``casebook/api/views/``; adding one is a decorated function calling one service.
"""

from flask import Blueprint, Flask

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


def init_app(app: Flask) -> None:
    """The API, its token screens and ``casebook token``: routes, plumbing and the nav entry."""
    from flask_babel import lazy_gettext as _l

    from casebook.api import views  # noqa: F401 - attaches the plumbing and every route to the blueprints
    from casebook.api.cli import token_group
    from casebook.modules import navigation

    app.register_blueprint(bp)
    app.register_blueprint(tokens_bp)
    app.cli.add_command(token_group)
    navigation(app).add("api_tokens.index", _l("API-tokens"), order=40, area="account")
