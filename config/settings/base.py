"""Settings shared by every environment, read once from the environment (django-environ).

With nothing set, Lodestone runs on embedded defaults: SQLite, Celery tasks executed in
process, mail printed to the console. DATABASE_URL, CELERY_BROKER_URL and EMAIL_URL switch
to PostgreSQL, Redis with real workers, and SMTP.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-change-me")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach the app: links in e-mail. The embedded default follows the port the
# dev server runs on (bin/start reads PORT); production must say it (production.py).
PORT = env.int("PORT", default=8000)
SITE_URL = env("LODESTONE_SITE_URL", default=f"http://127.0.0.1:{PORT}")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "simple_history",
    "django_htmx",
    "csp",
    "registry",
    "shipments",
    "assessments",
    "notifications",
    "accounts",
    "api",
    "benchmarks",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page requires login unless a view opts out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from Lodestone
# itself, no inline script or style, no plug-ins, no framing. The API docs page alone
# allows the inline style Swagger UI ships (api/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "notifications.context_processors.outbox_trouble",
                "assessments.context_processors.caveats",
                "assessments.context_processors.approvals",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes' backend first: it refuses a locked-out user or address before the password is
# checked, on every path that calls authenticate() (login page, admin, API token).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "shipments:case_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("LODESTONE_MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Uploaded case documents: size and type limits (enforced in shipments.forms).
DOCUMENT_MAX_BYTES = env.int("LODESTONE_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
DOCUMENT_ALLOWED_EXTENSIONS = ["pdf", "png", "jpg", "jpeg", "docx", "xlsx", "txt"]
# Uploaded spreadsheets (case import, admin imports): checked before anything parses them
# (registry/spreadsheets.py). Excel itself holds at most 32,767 characters in a cell.
LODESTONE_SPREADSHEET_MAX_BYTES = env.int(
    "LODESTONE_SPREADSHEET_MAX_BYTES", default=10 * 1024 * 1024
)
LODESTONE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env.int(
    "LODESTONE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
LODESTONE_SPREADSHEET_MAX_RATIO = env.int("LODESTONE_SPREADSHEET_MAX_RATIO", default=100)
LODESTONE_SPREADSHEET_MAX_ROWS = env.int("LODESTONE_SPREADSHEET_MAX_ROWS", default=100_000)
LODESTONE_SPREADSHEET_MAX_COLUMNS = env.int("LODESTONE_SPREADSHEET_MAX_COLUMNS", default=100)
LODESTONE_SPREADSHEET_MAX_CELL_CHARS = env.int(
    "LODESTONE_SPREADSHEET_MAX_CELL_CHARS", default=32_767
)
LODESTONE_SPREADSHEET_MAX_MEMBERS = env.int("LODESTONE_SPREADSHEET_MAX_MEMBERS", default=200)
# Case imports run in the background (shipments.tasks): rows per committed chunk, errors kept
# per job, how long a running job may stand still before its page offers to resume it.
LODESTONE_IMPORT_CHUNK_SIZE = env.int("LODESTONE_IMPORT_CHUNK_SIZE", default=500)
LODESTONE_IMPORT_MAX_ERRORS = env.int("LODESTONE_IMPORT_MAX_ERRORS", default=1000)
LODESTONE_IMPORT_STALE_SECONDS = env.int("LODESTONE_IMPORT_STALE_SECONDS", default=600)
LODESTONE_IMPORT_TIME_LIMIT = env.int("LODESTONE_IMPORT_TIME_LIMIT", default=3600)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Cache: shared by every process (throttle counts). CACHE_URL wins; otherwise the Redis
# of a Redis broker, otherwise the database (table lodestone_cache, made by a migration).
# cache.clear() flushes the whole Redis database: give the cache its own (redis://.../1).
_broker = env("CELERY_BROKER_URL", default="")
CACHES = {
    "default": env.cache(
        "CACHE_URL",
        default=_broker if _broker.startswith("redis") else "dbcache://lodestone_cache",
    )
}
CACHES["default"].setdefault("KEY_PREFIX", "lodestone")
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A dead or hung Redis costs a request at most a second (throttles then fail open).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )

# --- The client's address (accounts.network.client_ip): how many reverse proxies in front
# of gunicorn append to X-Forwarded-For. 0: the header is ignored, REMOTE_ADDR is the client.
LODESTONE_TRUSTED_PROXIES = env.int("LODESTONE_TRUSTED_PROXIES", default=0)

# --- Sign-in lockout (django-axes), on the login page, the admin login and the API token.
# Locked per username (from any address) and per address (for any username), each after
# LODESTONE_LOGIN_FAILURE_LIMIT failures within the cool-off; a failure during a lockout
# starts the cool-off again. Attempts are rows (admin > Axes); `axes_reset` unlocks.
AXES_ENABLED = env.bool("LODESTONE_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env.int("LODESTONE_LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LODESTONE_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success must not wipe an address's count of failures
AXES_VERBOSE = False

# --- E-mail: by default each message is written to a file in var/mail/ (quiet start-up;
# open them to read what was sent); EMAIL_URL=smtp://user:pass@host:port switches to SMTP,
# EMAIL_URL=consolemail:// prints them.
MAIL_DIR = Path(env("LODESTONE_MAIL_DIR", default=str(BASE_DIR / "var" / "mail")))
_email = env.email_url("EMAIL_URL", default="filemail://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = str(MAIL_DIR)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
# Short: a hung mail server holds a mail worker slot (never a re-score) for this long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=5)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Lodestone <lodestone@localhost>")

# --- Celery: no broker URL means tasks run in process (eager), the embedded default.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    # Never fall back to Celery's default amqp://localhost: in-process means in-memory.
    # (A host is named so that kombu does not warn "No hostname was supplied".)
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Results are never read: no backend, so .delay() never waits on a result store.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_TIMEZONE = TIME_ZONE
# A request must never hang on a dead or hung broker: one publish attempt (no retries),
# bounded to about a second; what it carried stays in the database for beat's periodic
# tasks (core/broker.py). Workers reconnect on their own.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 1,
    "socket_connect_timeout": 1,
    "max_retries": 0,
    # A killed worker's unacked message comes back after this; the re-score lease and the
    # minute check recover sooner, and a redelivered re-score of a live job is a no-op.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
}
# Separate queues, so a hung mail server never holds a re-score and a large re-score never
# holds mail: `celery -A config worker -Q rescore`, `-Q mail`, `-Q default` (README,
# docs/operations.md). The minute check runs on `default`, beside the re-scores it watches.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "assessments.tasks.rescore_watchdog": {"queue": "default"},
    "assessments.tasks.*": {"queue": "rescore"},
    "notifications.tasks.*": {"queue": "mail"},
}
LODESTONE_QUEUES = ("rescore", "mail", "default")
CELERY_BEAT_SCHEDULE = {
    "assessments-rescore-watchdog": {
        "task": "assessments.tasks.rescore_watchdog",
        "schedule": env.float("LODESTONE_WATCHDOG_INTERVAL", default=60.0),
    },
    "assessments-sweep": {
        "task": "assessments.tasks.sweep",
        "schedule": crontab(minute=15),
    },
    "notifications-send-due": {
        "task": "notifications.tasks.outbox_flush",
        "schedule": crontab(minute="*"),
    },
    "notifications-webhooks-send-due": {
        "task": "notifications.tasks.webhook_flush",
        "schedule": crontab(minute="*"),
    },
    # Before the digest, which carries the reminders of owners in digest mode.
    "notifications-document-expiry": {
        "task": "notifications.tasks.document_expiry_remind",
        "schedule": crontab(hour=6, minute=0),
    },
    "notifications-daily-digest": {
        "task": "notifications.tasks.digest_send",
        "schedule": crontab(hour=6, minute=30),
    },
}

# Outbound webhooks (docs/api.md): one POST waits this long; an endpoint whose deliveries
# failed this many attempts in a row is disabled and staff are told.
LODESTONE_WEBHOOK_TIMEOUT = env.float("LODESTONE_WEBHOOK_TIMEOUT", default=10.0)
LODESTONE_WEBHOOK_DISABLE_AFTER = env.int("LODESTONE_WEBHOOK_DISABLE_AFTER", default=5)

# --- Assessment method settings (fed to the pure method as inputs, stored with each snapshot).
LODESTONE_SCREENING_STRONG_MATCH = env.int("LODESTONE_SCREENING_STRONG_MATCH", default=92)
LODESTONE_SCREENING_WEAK_MATCH = env.int("LODESTONE_SCREENING_WEAK_MATCH", default=80)
# `load_demo_data` creates accounts with known passwords: allowed except in production.
LODESTONE_DEMO_DATA_ALLOWED = True
LODESTONE_RESCORE_CHUNK_SIZE = env.int("LODESTONE_RESCORE_CHUNK_SIZE", default=500)
# A re-score job's lease, renewed after every chunk: a job whose lease lapsed lost its
# worker, and the minute check re-enqueues it; a pending change older than
# LODESTONE_RESCORE_PENDING_AFTER lost its enqueue (a broker outage) and is enqueued again.
LODESTONE_RESCORE_LEASE_SECONDS = env.int("LODESTONE_RESCORE_LEASE_SECONDS", default=90)
LODESTONE_RESCORE_PENDING_AFTER = env.int("LODESTONE_RESCORE_PENDING_AFTER", default=60)

# --- API
# API tokens (django-rest-knox): shown once, stored as a SHA-512 digest, expiring.
LODESTONE_API_TOKEN_TTL_DAYS = env.int("LODESTONE_API_TOKEN_TTL_DAYS", default=90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=LODESTONE_API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Counted in the shared cache, keyed on the real client address (api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("LODESTONE_API_RATE_ANON", default="60/min"),
        "user": env("LODESTONE_API_RATE_USER", default="1200/min"),
        "token": env("LODESTONE_API_RATE_TOKEN", default="10/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # One JSON error shape for every API error (api/errors.py).
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lodestone API",
    "DESCRIPTION": "Rare earth shipment cases, their assessments, and the reference data.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models reuse field names (status, kind, confidence) with different choices.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "shipments.choices.CaseStatus",
        "DocumentStatusEnum": "shipments.choices.DocumentStatus",
        "ListVersionStatusEnum": "registry.choices.ListVersionStatus",
        "ListEntryStatusEnum": "registry.choices.ListEntryStatus",
        "WatchEntryStatusEnum": "registry.choices.WatchEntryStatus",
        "ChangeStatusEnum": "registry.choices.ChangeStatus",
        "ConfidenceEnum": "registry.choices.Confidence",
        "QuotaConfidenceEnum": "registry.choices.QuotaConfidence",
        "FacilityKindEnum": "registry.choices.FacilityKind",
        "QuotaKindEnum": "registry.choices.QuotaKind",
        "ChangeKindEnum": "registry.choices.ChangeKind",
        "ProductFormEnum": "registry.choices.ProductForm",
        "BandEnum": "shipments.choices.Band",
        "VerdictEnum": "shipments.choices.Verdict",
        "SeverityEnum": "method.choices.SEVERITIES",
        "DispositionKindEnum": "assessments.choices.DispositionKind",
        "DispositionStatusEnum": "assessments.choices.DispositionStatus",
        "DispositionPartyRoleEnum": "shipments.choices.PartyRole",
    },
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LODESTONE_LOG_LEVEL", default="INFO")},
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in process (the embedded default): "Task ... succeeded" after every request
    # and every demo step is noise; failures still log at ERROR.
    LOGGING["loggers"] = {"celery.app.trace": {"level": "WARNING"}}
