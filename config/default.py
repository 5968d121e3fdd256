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

# A signal waiting longer than this many working days (Mon-Fri) for triage is marked overdue.
SIGNAL_OVERDUE_WORKING_DAYS = 5

# Case list page size.
PAGE_SIZE = 25

# Reference data the screens offer as choices (status types, results, case types, districts,
# intervention kinds) is read once per process and kept this many seconds; a change made in the
# same process shows at once, one made by another process (a migration, seed-demo) after this. 0: off.
REFERENCE_CACHE_SECONDS = 300

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

# --- Account security (casebook/auth, casebook/security.py) ---------------------------------

# Every user needs a second factor (TOTP). The demo data may exempt demo accounts only, and
# only outside production (the login page says so); production ignores the exemption.
REQUIRE_MFA = True

# Name shown in the authenticator app next to the username.
MFA_ISSUER = "Casebook"

# Server-side sessions: logged out after this many seconds without a request (idle) and this
# many seconds after login whatever happens (absolute). "Last seen" is written at most once a minute.
SESSION_IDLE_TIMEOUT = 15 * 60
SESSION_ABSOLUTE_TIMEOUT = 8 * 60 * 60

# Between a correct password and the second factor: this many seconds to enter the code.
MFA_PENDING_TIMEOUT = 5 * 60

# Lockout: after LOGIN_MAX_FAILURES failed passwords or codes for one account within
# LOGIN_FAILURE_WINDOW seconds the account is locked for LOGIN_LOCKOUT_SECONDS (HTTP 429).
# Unknown usernames are counted the same way, so the answer never tells whether an account exists.
LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW = 15 * 60
LOGIN_LOCKOUT_SECONDS = 15 * 60

# Per client address, on the login, MFA and activation forms (Flask-Limiter notation).
LOGIN_RATE_PER_ADDRESS = "100 per 15 minutes"

# Where the rate-limit counters live: "memory://" for one process; with several processes or
# hosts use Redis, e.g. "redis://redis.internal:6379/0" (install the extra: pip install 'casebook[redis]').
RATELIMIT_STORAGE_URL = "memory://"

# One-time activation links sent by admins stay valid this many hours.
ACTIVATION_LINK_HOURS = 72

# Access reviews (BIO): every user yearly, admins quarterly (days); older reviews are overdue.
ACCESS_REVIEW_DAYS = 365
ACCESS_REVIEW_DAYS_ADMIN = 91
# Rate limits. Storage for the counters (the `limits` library's URIs): memory:// for one process,
# redis://host:6379/0 when several processes serve the app. The API limits per token.
API_RATE_LIMIT = "600 per minute"

# Re-authentication ("step-up"): revealing a BSN, exports and key operations need a login
# (password and second factor) within this many seconds; otherwise the user confirms again.
REAUTH_MAX_AGE_SECONDS = 5 * 60
# Break-the-glass: minutes of read-only access to an out-of-scope case after stating a reason.
BREAK_GLASS_MINUTES = 60

# Unusual access (supervisor screen): users who opened more than this many distinct cases within
# one clock hour, looked for over this many days.
AUDIT_UNUSUAL_CASES_PER_HOUR = 20
AUDIT_UNUSUAL_DAYS = 7

# Rows per page of the audit log, and the most rows one CSV export may hold.
AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX_ROWS = 100000

# Handoffs between organisations: a pending handoff or request for a case expires after this many
# days (`casebook handoffs expire`, safe to schedule). Their notices go through casebook.notifications.
HANDOFF_EXPIRY_DAYS = 14

# Number of reverse proxies / load balancers in front of the app whose X-Forwarded-For and
# X-Forwarded-Proto headers are trusted (0: none, the direct peer is the client). Set it to the real
# number of hops: the client address feeds the audit trail and the per-address rate limits.
TRUSTED_PROXIES = 0

# Reminders and notifications (`casebook notifications send`, schedule it e.g. every 15 minutes):
# actions and evaluations count as due this many days ahead. E-mails carry counts and a link to
# BASE_URL only. Without SMTP_HOST (development) the digests are written as .eml files to
# MAIL_FILE_DIR (default: instance/mail/); production refuses to send without SMTP_HOST and BASE_URL.
REMINDER_DUE_DAYS = 3
# ... and are looked at until this many days past their date (each run's work stays bounded).
REMINDER_LOOKBACK_DAYS = 30
BASE_URL = ""
SMTP_HOST = ""
SMTP_PORT = 587
SMTP_USERNAME = ""
SMTP_PASSWORD = ""
SMTP_STARTTLS = True
SMTP_FROM = "casebook@localhost"
MAIL_FILE_DIR = ""

# --- Reports (casebook/reports) ------------------------------------------------------------

# Reports (management information): every cell counting cases, persons or signals below this number
# is suppressed (shown as "·"), with complementary suppression so that no hidden cell can be derived from the
# totals; medians and percentiles over fewer cases are not shown. Env: CASEBOOK_REPORT_MIN_CELL.
REPORT_MIN_CELL = 5

# --- Observability (casebook/ops) ------------------------------------------------------------

# Log lines: "json" (one JSON object per line on standard error, gunicorn's error log included) or
# "text". None: json in production, text otherwise. Logs never carry query strings, form values or names.
LOG_FORMAT = None

# Bearer token Prometheus presents to scrape /metrics (Authorization: Bearer <token>). None: /metrics
# answers 404. Set it from the environment (CASEBOOK_METRICS_TOKEN), never in git. With several
# gunicorn workers also set PROMETHEUS_MULTIPROC_DIR (see README, "Observability").
METRICS_TOKEN = None

# /readyz fails its audit_chain check when the oldest audit event not yet covered by a signed
# checkpoint (`casebook audit checkpoint`) is older than this many seconds. None: reported, never failing.
AUDIT_UNSEALED_MAX_AGE_SECONDS = None
