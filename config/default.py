"""Default settings for Casebook.

This file is the declaration of every setting: one annotated line each, ``NAME: type = default``,
with what it means in the comment above. Nothing else declares a setting or repeats its default;
code reads ``app.config["NAME"]``. Every setting can be overridden by an environment variable
with the same name prefixed by ``CASEBOOK_`` (``CASEBOOK_DATABASE_URL``, ``CASEBOOK_ENV`` …),
parsed by the type declared here (numbers, ``true``/``false``, lists as JSON or ``a,b``, mappings
as JSON, text as it is); a value of the wrong type or an unknown ``CASEBOOK_*`` name stops
start-up with one line (``casebook/settings.py``). ``casebook config show`` prints the effective
values. Secrets are never set here: they come from the environment or from files under ``instance/``.

A new setting: one annotated line in the section of its module (``tests/config`` checks the annotation).
"""

from typing import Literal

# "development" (default) or "production". Production refuses to start without an explicit
# SECRET_KEY and DATABASE_URL.
ENV: Literal["development", "production"] = "development"

# SQLAlchemy URL. None means a SQLite file under instance/ (zero set-up).
# PostgreSQL: postgresql+psycopg://user:password@host:5432/casebook
DATABASE_URL: str | None = None

# Flask's secret key (signs the session cookie). None in development: a random key is generated
# once into instance/secret_key and reused. Required in production.
SECRET_KEY: str | None = None

# Where instance files live (SQLite database, generated secret key, keyring). None: ./instance
INSTANCE_PATH: str | None = None

# Password of the demo accounts created by `casebook seed-demo`.
DEMO_PASSWORD: str = "Dordrecht-demo-2026"  # noqa: S105 - public training password, documented

# `casebook seed-demo` also writes two years of case history behind the handpicked cases (about 860
# cases, 1,500 signals, 3,500 interventions) so the reports show trends; it adds some 15 seconds.
# Tests that do not look at the history turn it off to stay fast.
DEMO_HISTORY: bool = True

# UI language and time zone: Dutch by default, times stored in UTC and shown in Amsterdam time.
DEFAULT_LOCALE: str = "nl"
LANGUAGES: list[str] = ["nl", "en"]
DISPLAY_TIMEZONE: str = "Europe/Amsterdam"

# A signal waiting longer than this many working days (Mon-Fri) for triage is marked overdue.
SIGNAL_OVERDUE_WORKING_DAYS: int = 5

# Case list page size.
PAGE_SIZE: int = 25

# Reference data the screens offer as choices (status types, results, case types, districts,
# intervention kinds) is read once per process and kept this many seconds; a change made in the
# same process shows at once, one made by another process (a migration, seed-demo) after this. 0: off.
REFERENCE_CACHE_SECONDS: float = 300

# Log SQL statements (development aid only; never enable in production).
SQL_ECHO: bool = False

# argon2id parameters (time_cost, memory_cost in KiB, parallelism). None: argon2-cffi's defaults,
# which follow RFC 9106. Existing hashes are rehashed at login when these change.
PASSWORD_HASH_PARAMS: dict[str, int] | None = None

# Master keys (KEKs) for encryption at rest live outside the database and outside git:
# KEYRING names the keyring JSON file (default: instance/keyring.json, mode 0600, created by
# `casebook keys init`); MASTER_KEYS (env CASEBOOK_MASTER_KEYS) holds the same JSON instead.
# Development creates a missing keyring with a warning; production refuses to start without one.
KEYRING: str | None = None
MASTER_KEYS: str | None = None

# Benchmarks only: store "encrypted" fields as plain text to measure the cost of encryption.
# Refused in production.
ENCRYPTION_DISABLED_FOR_BENCHMARK: bool = False

# Modules beyond casebook.MODULES, by full dotted path (tests; env: comma-separated).
EXTRA_MODULES: list[str] = []

# --- Documents (casebook/documents) ---------------------------------------------------------

# Where the ciphertext of documents is kept: "directory" (DOCUMENT_DIR, default instance/documents)
# or "s3" (an S3-compatible store: S3_BUCKET, S3_PREFIX, S3_ENDPOINT_URL; credentials from boto3's
# usual chain — environment, profile, instance role — never from here).
DOCUMENT_STORAGE: Literal["directory", "s3"] = "directory"
DOCUMENT_DIR: str | None = None
S3_BUCKET: str | None = None
S3_PREFIX: str = ""
S3_ENDPOINT_URL: str | None = None

# The largest file accepted, in MB; the request body limit (MAX_CONTENT_LENGTH) is sized from it.
DOCUMENT_MAX_MB: int = 25

# Where uploads are spooled (encrypted) while they arrive. None: the system's temporary directory.
DOCUMENT_SPOOL_DIR: str | None = None

# Virus scanning: clamd's unix socket (/run/clamav/clamd.ctl) or tcp://host:3310; None: no scan.
# CLAMAV_TIMEOUT in seconds.
CLAMAV_SOCKET: str | None = None
CLAMAV_TIMEOUT: float = 30.0

# --- Retention and destruction (casebook/retention) -------------------------------------------

# How long a signal that never became a case is kept after its triage decision, and a person who is
# in no case, signal or household any more after their registration (ISO-8601 durations: P6M, P1Y).
# A case's retention is data: its case type's retention period (archiefactiedatum).
SIGNAL_RETENTION_PERIOD: str = "P6M"
PERSON_RETENTION_PERIOD: str = "P1Y"

# --- Backup and restore (casebook/backup) ---------------------------------------------------

# Directory of pg_dump and pg_restore (e.g. /usr/lib/postgresql/16/bin) when the ones on PATH are
# older than the server; `casebook backup create` refuses a pg_dump older than the server.
BACKUP_PG_BIN_DIR: str | None = None

# --- Account security (casebook/auth, casebook/security.py) ---------------------------------

# Every user needs a second factor (TOTP). The demo data may exempt demo accounts only, and
# only outside production (the login page says so); production ignores the exemption.
REQUIRE_MFA: bool = True

# Name shown in the authenticator app next to the username.
MFA_ISSUER: str = "Casebook"

# Server-side sessions: logged out after this many seconds without a request (idle) and this
# many seconds after login whatever happens (absolute). "Last seen" is written at most once a minute.
SESSION_IDLE_TIMEOUT: int = 15 * 60
SESSION_ABSOLUTE_TIMEOUT: int = 8 * 60 * 60

# Between a correct password and the second factor: this many seconds to enter the code.
MFA_PENDING_TIMEOUT: int = 5 * 60

# Lockout: after LOGIN_MAX_FAILURES failed passwords or codes for one account within
# LOGIN_FAILURE_WINDOW seconds the account is locked for LOGIN_LOCKOUT_SECONDS (HTTP 429).
# Unknown usernames are counted the same way, so the answer never tells whether an account exists.
LOGIN_MAX_FAILURES: int = 5
LOGIN_FAILURE_WINDOW: int = 15 * 60
LOGIN_LOCKOUT_SECONDS: int = 15 * 60

# Per client address, on the login, MFA and activation forms (Flask-Limiter notation).
LOGIN_RATE_PER_ADDRESS: str = "100 per 15 minutes"

# Where the rate-limit counters live: "memory://" for one process; with several processes or
# hosts use Redis, e.g. "redis://redis.internal:6379/0" (install the extra: pip install 'casebook[redis]').
RATELIMIT_STORAGE_URL: str = "memory://"

# One-time activation links sent by admins stay valid this many hours.
ACTIVATION_LINK_HOURS: int = 72

# Access reviews (BIO): every user yearly, admins quarterly (days); older reviews are overdue.
ACCESS_REVIEW_DAYS: int = 365
ACCESS_REVIEW_DAYS_ADMIN: int = 91
# Rate limits. Storage for the counters (the `limits` library's URIs): memory:// for one process,
# redis://host:6379/0 when several processes serve the app. The API limits per token.
API_RATE_LIMIT: str = "600 per minute"

# Re-authentication ("step-up"): revealing a BSN, exports and key operations need a login
# (password and second factor) within this many seconds; otherwise the user confirms again.
REAUTH_MAX_AGE_SECONDS: int = 5 * 60
# Break-the-glass: minutes of read-only access to an out-of-scope case after stating a reason.
BREAK_GLASS_MINUTES: int = 60

# Unusual access (supervisor screen): users who opened more than this many distinct cases within
# one clock hour, looked for over this many days.
AUDIT_UNUSUAL_CASES_PER_HOUR: int = 20
AUDIT_UNUSUAL_DAYS: int = 7

# Rows per page of the audit log, and the most rows one CSV export may hold.
AUDIT_PAGE_SIZE: int = 50
AUDIT_EXPORT_MAX_ROWS: int = 100000

# Handoffs between organisations: a pending handoff or request for a case expires after this many
# days (`casebook handoffs expire`, safe to schedule). Their notices go through casebook.notifications.
HANDOFF_EXPIRY_DAYS: int = 14

# Closing a case: whose supervisors decide a proposal, tried in this order until one organisation
# has a supervisor who may decide it — "lead" (the regiehouder), then organisation kinds
# (`zvh`, `municipality`, …: of that kind, preferring one that takes or took part in the case).
CLOSURE_APPROVERS: list[str] = ["lead", "zvh", "municipality"]

# Number of reverse proxies / load balancers in front of the app whose X-Forwarded-For and
# X-Forwarded-Proto headers are trusted (0: none, the direct peer is the client). Set it to the real
# number of hops: the client address feeds the audit trail and the per-address rate limits.
TRUSTED_PROXIES: int = 0

# Reminders and notifications (`casebook notifications send`, schedule it e.g. every 15 minutes):
# actions and evaluations count as due this many days ahead. E-mails carry counts and a link to
# BASE_URL only. Without SMTP_HOST (development) the digests are written as .eml files to
# MAIL_FILE_DIR (default: instance/mail/); production refuses to send without SMTP_HOST and BASE_URL.
REMINDER_DUE_DAYS: int = 3
# ... and are looked at until this many days past their date (each run's work stays bounded).
REMINDER_LOOKBACK_DAYS: int = 30
BASE_URL: str = ""
SMTP_HOST: str = ""
SMTP_PORT: int = 587
SMTP_USERNAME: str = ""
SMTP_PASSWORD: str = ""
SMTP_STARTTLS: bool = True
SMTP_FROM: str = "casebook@localhost"
MAIL_FILE_DIR = ""

# --- Reports (casebook/reports) ------------------------------------------------------------

# Reports (management information): every cell counting cases, persons or signals below this number
# is suppressed (shown as "·"), with complementary suppression so that no hidden cell can be derived from the
# totals; medians and percentiles over fewer cases are not shown. Env: CASEBOOK_REPORT_MIN_CELL.
REPORT_MIN_CELL = 5

# --- Observability (casebook/ops) ------------------------------------------------------------

# Log lines: "json" (one JSON object per line on standard error, gunicorn's error log included) or
# "text". None: json in production, text otherwise. Logs never carry query strings, form values or names.
LOG_FORMAT: Literal["json", "text"] | None = None

# Bearer token Prometheus presents to scrape /metrics (Authorization: Bearer <token>). None: /metrics
# answers 404. Set it from the environment (CASEBOOK_METRICS_TOKEN), never in git. With several
# gunicorn workers also set PROMETHEUS_MULTIPROC_DIR (see README, "Observability").
METRICS_TOKEN: str | None = None

# /readyz fails its audit_chain check when the oldest audit event not yet covered by a signed
# checkpoint (`casebook audit checkpoint`) is older than this many seconds. None: reported, never failing.
AUDIT_UNSEALED_MAX_AGE_SECONDS: int | None = None

# --- Requests of persons concerned (casebook/subject_requests) -------------------------------

# The inzage export (AVG art. 15) includes the summary (probleemanalyse, hulpvraag) of the cases in
# which the person is the subject ("betrokkene"), read by the privacy officer and audited per case;
# False: the export lists those cases' metadata only. Never of cases where they are victim or family.
SUBJECT_EXPORT_CASE_SUMMARY: bool = True
# Days before a request's deadline that the privacy officers are reminded (and again once overdue).
SUBJECT_REQUEST_REMINDER_DAYS: int = 7
