"""WSGI entry point: ``gunicorn 'wsgi:app'``.

A configuration problem (a wrong type, an unknown ``CASEBOOK_*`` name, an incomplete production
set-up) is one line on stderr and exit code 3, gunicorn's "worker failed to boot", which stops the
arbiter instead of respawning the worker in a loop (and ends a ``--preload`` start at once).
"""

import sys

from casebook import create_app
from casebook.settings import ConfigurationError

try:
    app = create_app()
except ConfigurationError as exc:
    print(f"casebook: {exc}", file=sys.stderr, flush=True)
    raise SystemExit(3) from None
