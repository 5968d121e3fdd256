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

# Master keys (KEKs) for encryption at rest live outside the database and outside git:
# KEYRING names the keyring JSON file (default: instance/keyring.json, mode 0600, created by
# `casebook keys init`); MASTER_KEYS (env CASEBOOK_MASTER_KEYS) holds the same JSON instead.
# Development creates a missing keyring with a warning; production refuses to start without one.
KEYRING = None
MASTER_KEYS = None

# Benchmarks only: store "encrypted" fields as plain text to measure the cost of encryption.
# Refused in production.
ENCRYPTION_DISABLED_FOR_BENCHMARK = False

# Handoffs between organisations: a pending handoff or request for a case expires after this many
# days (`casebook handoffs expire`, safe to schedule). Notifications are in-app only: no e-mail.
HANDOFF_EXPIRY_DAYS = 14
