"""The API about itself: its OpenAPI document and the caller."""

from __future__ import annotations

from flask import Response, jsonify

from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.schemas.me import Me


@api.get("/openapi.json", tags=["meta"], summary="The OpenAPI 3.1 document of this API")
def openapi() -> Response:
    """Generated from the route registry and the pydantic models that validate and shape the data."""
    return jsonify(api.openapi())


@api.get("/me", response=Me, tags=["meta"])
def me() -> Me:
    """The user the token acts for: username, organisation, roles and authorisations."""
    return Me.of(api_user())
