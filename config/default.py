"""Default settings for Casebook.

Every setting can be overridden by an environment variable with the same name prefixed by
``CASEBOOK_`` (``CASEBOOK_DATABASE_URL``, ``CASEBOOK_ENV`` …). Values from the environment are
parsed as JSON when they look like JSON (numbers, ``true``/``false``), else taken as text.
Secrets are never set here: they come from the environment or from files under ``instance/``.
"""

# "development" (default) or "production". Production refuses to start without an explicit
# SECRET_KEY and DATABASE_URL.
ENV = "development"

# SQLAlchemy URL. None means a SQLite file under instance/ (zero set-up).
# PostgreSQL: postgresql+psycopg://user:password@host:5432/casebook
DATABASE_URL = None

# Flask's secret key (signs the session cookie). None in development: a random key is generated
# once into instance/secret_key and reused. Required in production.
SECRET_KEY = None

# Where instance files live (SQLite database, generated secret key, keyring). None: ./instance
INSTANCE_PATH = None

# Password of the demo accounts created by `casebook seed-demo`.
DEMO_PASSWORD = "Dordrecht-demo-2026"  # noqa: S105 - public training password, documented

# UI language and time zone: Dutch by default, times stored in UTC and shown in Amsterdam time.
DEFAULT_LOCALE = "nl"
LANGUAGES = ["nl", "en"]
DISPLAY_TIMEZONE = "Europe/Amsterdam"

# Case list page size.
PAGE_SIZE = 25

# Log SQL statements (development aid only; never enable in production).
SQL_ECHO = False

# argon2id parameters (time_cost, memory_cost in KiB, parallelism). None: argon2-cffi's defaults,
# which follow RFC 9106. Existing hashes are rehashed at login when these change.
PASSWORD_HASH_PARAMS = None

# Break-the-glass: minutes of read-only access to an out-of-scope case after stating a reason.
BREAK_GLASS_MINUTES = 60

# Unusual access (supervisor screen): users who opened more than this many distinct cases within
# one clock hour, looked for over this many days.
AUDIT_UNUSUAL_CASES_PER_HOUR = 20
AUDIT_UNUSUAL_DAYS = 7

# Rows per page of the audit log, and the most rows one CSV export may hold.
AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX_ROWS = 100000
