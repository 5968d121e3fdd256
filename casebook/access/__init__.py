"""The one place that decides who may do what to which object.

Services call ``can``/``require``/``case_scope``; views and the API never decide themselves.
"""

from casebook.access.policy import AccessDenied, Action, can, case_scope, require

__all__ = ["AccessDenied", "Action", "can", "case_scope", "require"]
