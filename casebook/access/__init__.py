"""The one place that decides who may do what to which object.

Services call ``can``/``require``/``case_scope``; views and the API never decide themselves.
The blueprint (authorisation management, break-the-glass) lives in ``casebook.access.views``.
"""

from flask import Blueprint

from casebook.access.policy import (
    AccessDenied,
    Action,
    audit_scope,
    break_glass_active,
    can,
    can_open,
    case_scope,
    case_visibility,
    require,
)

bp = Blueprint("access", __name__, url_prefix="/access")

__all__ = [
    "AccessDenied",
    "Action",
    "audit_scope",
    "bp",
    "break_glass_active",
    "can",
    "can_open",
    "case_scope",
    "case_visibility",
    "require",
]
