"""API endpoints. Importing this package attaches every route (and the blueprint plumbing)."""

from casebook.api import (
    setup,  # noqa: F401 - before the routes: authentication, error rendering
    token_views,  # noqa: F401 - the "Mijn API-tokens" screens
)
from casebook.api.views import audit, case_changes, cases, casework, handoffs, meta, persons, signals  # noqa: F401
