"""API endpoints. ``casebook.api.init_app`` imports this package, which attaches every route (and the
blueprint plumbing) to the API blueprint."""

from casebook.api import (
    setup,  # noqa: F401 - before the routes: authentication, error rendering
    token_views,  # noqa: F401 - the "Mijn API-tokens" screens
)
from casebook.api.views import (  # noqa: F401
    audit,
    break_glass,
    case_changes,
    cases,
    casework,
    closing,
    dossier,
    handoffs,
    households,
    meetings,
    meta,
    persons,
    plans,
    printing,
    signals,
    weegtafel,
)
from casebook.documents import api as documents_api  # noqa: F401 - the documents module's operations
