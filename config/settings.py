"""Settings, read from the environment only (each variable is listed in docs/configuration.md)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_choice, env_int, env_list, env_rate, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    _key_file = Path(env_str("DJANGO_SECRET_KEY_FILE", str(BASE_DIR / ".secret_key")))
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    elif DEBUG or env_bool("DJANGO_ALLOW_INSECURE_KEY", False):
        SECRET_KEY = "insecure-development-key-only-for-local-use-0123456789abcdef"  # noqa: S105 - DEBUG only
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. `make run` creates .secret_key for local use; "
            "production must set DJANGO_SECRET_KEY."
        )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "core.admin_config.CongVuAdminConfig",  # django.contrib.admin with the 2FA-aware site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_htmx",
    "core",
    "staff",
    "inspections",
    "training",
    "reform",
    "reports",
    "notifications",
    "workspace",
]

# Given to every ModelAdmin by the admin site (core.admin_site): rows through the access layer.
ADMIN_MODEL_MIXINS = ["staff.access.RestrictedAdminMixin"]
# History pages are read-only: a change goes through the change form and its services
# (docs/access.md).
SIMPLE_HISTORY_REVERT_DISABLED = True

MIDDLEWARE = [
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RequireTwoFactorMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into a 429 answer.
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workspace.context.workspace",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0))
except Exception as exc:  # dj_database_url raises several types on bad input
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing with
    # "database is locked" when a read transaction tries to upgrade.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=20000;"
        ),
    }
    _db.setdefault("TEST", {})
    # DRF imports django.contrib.postgres.fields whenever psycopg is installed
    # (rest_framework.compat), and with it psycopg and libpq: about 20 MB of
    # every process, for a database that is not there. Nothing of ours uses
    # those fields; on SQLite that import fails as if psycopg were absent.
    sys.modules.setdefault("django.contrib.postgres.fields", None)  # type: ignore[arg-type]
elif _db["ENGINE"].startswith("django.db.backends.postgresql"):
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# dumpdata/loaddata (backups) keep timestamps to the microsecond (core.serializers).
SERIALIZATION_MODULES = {"json": "core.serializers"}

# --- Redis: one variable turns a single host into a fleet -------------------
# With REDIS_URL set, the cache, the throttles, the public-form rate limit
# (atomic INCR) and the task queue all use Redis, so several web instances
# and workers behave as one (docs/operations.md). Without it everything
# shared lives in the database and `make run` needs no other service.
REDIS_CONFIGURED = bool(os.environ.get("REDIS_URL", "").strip())
REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", ("redis", "rediss", "unix"))

# --- Cache (shared by all workers: rate limits, lockouts) -----------------
CACHE_URL = env_str("CACHE_URL", REDIS_URL if REDIS_CONFIGURED else "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
elif CACHE_URL in ("", "db"):
    # The database cache is shared by every gunicorn worker without any extra
    # service; set CACHE_URL=redis://127.0.0.1:6379/1 to use Redis instead.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "congvu_cache",
        }
    }
elif CACHE_URL == "locmem":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured("CACHE_URL must be empty, 'db', 'locmem' or a redis:// URL")
# The signed-in users' API throttle is checked on every request. On Redis it
# shares the default cache; on the database cache it would turn every API read
# into a write transaction (and serialise readers on SQLite), so without Redis
# it is counted per worker process instead. The public limits (anonymous
# throttle, feedback rate limit, sign-in lockout) always use the shared cache.
CACHES["throttle"] = (
    dict(CACHES["default"])
    if CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
)

# --- Background tasks (Django Tasks API: django-tasks now, django.tasks in Django 6) ---
# database: the embedded queue in the database, worked by `manage.py run_worker`
# (started by `make run`); redis: RQ on REDIS_URL (several hosts, `run_worker`
# runs rqworker); immediate: tasks run inside the caller (tests, scripts).
TASKS_BACKEND = env_choice(
    "TASKS_BACKEND", "redis" if REDIS_CONFIGURED else "database", ("database", "redis", "immediate")
)
TASK_QUEUES = ["default"]
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "redis": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": TASK_QUEUES,
    }
}
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in TASK_QUEUES}
# A failed task is tried again after TASK_RETRY_DELAY seconds, then 4x longer
# each time, TASK_MAX_ATTEMPTS times in all; then it is kept in the admin
# ("Failed tasks") with its error.
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 6, minimum=1)
TASK_RETRY_DELAY = env_int("TASK_RETRY_DELAY", 30, minimum=0)
# A database-queue worker writes a heartbeat every few seconds; a task still
# "running" on a worker silent for this long (killed, host lost) is run again.
TASK_WORKER_STALE_SECONDS = env_int("TASK_WORKER_STALE_SECONDS", 60, minimum=1)
# Run by `run_worker --daily` (make run) at start-up and each new day.
DAILY_COMMANDS = ["send_reminders", "purge_jobs"]
# Long work off the request (core/jobs.py): a page's export above this many
# rows runs as a background job; its file is kept this many hours.
EXPORT_ASYNC_ROWS = env_int("EXPORT_ASYNC_ROWS", 50_000, minimum=0)
JOB_FILE_HOURS = env_int("JOB_FILE_HOURS", 24, minimum=1)
# An import whose file is above IMPORT_ASYNC_BYTES (its check and its import),
# or whose checked file has more than IMPORT_ASYNC_ROWS rows (its import), runs
# as a background job too; smaller ones stay inside the request.
IMPORT_ASYNC_BYTES = env_int("IMPORT_ASYNC_BYTES", 2 * 1024 * 1024, minimum=0)
IMPORT_ASYNC_ROWS = env_int("IMPORT_ASYNC_ROWS", 5_000, minimum=0)

# --- E-mail ------------------------------------------------------------------
# Without EMAIL_HOST mails are printed on the console (make run).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CongVu <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Absolute links in mails (the site as people reach it).
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", ("http", "https"))

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out client before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes) on the admin login and the API token endpoint: after
# AXES_FAILURE_LIMIT failures for one user name from one address, that pair
# is refused for the cool-off time. Keying on the pair (not the address alone)
# keeps one office behind a NAT from locking out its colleagues; per-address
# guessing across many names is limited by the "auth" throttle instead.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_VERBOSE = False
# Two-factor sign-in (TOTP, django-otp) for admins and inspectors; off by
# default so the demo logins work as printed.
REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "CongVu"
# Staff sign in to the workspace (/app/); the admin keeps its own login page.
LOGIN_URL = "/app/login/"
LOGIN_REDIRECT_URL = "/app/"

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# vendor/locale: Vietnamese for DRF's and Django's own messages that their catalogues lack.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "vendor" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
# People type dates as dd/mm/yyyy; Django's vi locale has no input formats and
# the global defaults would read 05/03/2019 as 3 May.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
]

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded files go through Django's storage API only (no code opens a local
# path): a folder shared by every instance by default (DJANGO_MEDIA_ROOT on
# NFS or similar), or S3-compatible object storage with DJANGO_STORAGE=s3
# (django-storages; `pip install -e '.[s3]'`), configured by the AWS_* variables.
STORAGE_KIND = env_choice("DJANGO_STORAGE", "filesystem", ("filesystem", "s3"))
if STORAGE_KIND == "s3":
    try:
        import storages  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured(
            "DJANGO_STORAGE=s3 needs django-storages: pip install -e '.[s3]'"
        ) from exc
    if not env_str("AWS_STORAGE_BUCKET_NAME", ""):
        raise ImproperlyConfigured("DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY", "") or None,
            # Files are served only through permission-checked views, never by URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("DJANGO_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or not env_bool("DJANGO_MANIFEST_STATIC", True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Security ---------------------------------------------------------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Load balancers probe /healthz over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp 4): only our own origin. Scripts need
# our files or a per-response nonce (`{{ request.csp_nonce }}`), never inline
# code; styles allow inline because the admin and Swagger UI use style
# attributes; images allow data: URIs (Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        **({"upgrade-insecure-requests": True} if HTTPS else {}),
    },
}
# How many reverse proxies in front of the app append to X-Forwarded-For; the
# client address is read that many hops from the right so it cannot be forged.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0, minimum=0)

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.security.VerifiedTokenAuthentication",
        "core.security.VerifiedSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.security.AnonThrottle", "core.security.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("DJANGO_THROTTLE_ANON", "60/m"),
        "user": env_rate("DJANGO_THROTTLE_USER", "600/m"),
        "auth": env_rate("DJANGO_THROTTLE_AUTH", "10/m"),
    },
    # DRF's parsers, with JSON nesting bounded (core.parsers: a deep body is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.AccentInsensitiveSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.exports.CSVRenderer",
        "core.exports.XLSXRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DATE_INPUT_FORMATS": ["iso-8601", "%d/%m/%Y"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "CongVu API",
    "DESCRIPTION": "Public-service inspections, discipline, citizen feedback and training.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models share a choice set or a field name ("status", "category");
    # one name per choice set keeps the schema's enums stable and readable.
    "ENUM_NAME_OVERRIDES": {
        "UnitLevelEnum": "staff.choices.UnitLevel",
        "StaffCategoryEnum": "staff.choices.StaffCategory",
        "StaffStatusEnum": "staff.choices.StaffStatus",
        "InspectionStatusEnum": "inspections.casework.choices.InspectionStatus",
        "SeverityEnum": "inspections.casework.choices.Severity",
        "ActionStatusEnum": "inspections.casework.choices.ActionStatus",
        "CaseStatusEnum": "inspections.casework.choices.CaseStatus",
        "FeedbackStatusEnum": "inspections.feedback.choices.FeedbackStatus",
        "EnrolmentStatusEnum": "training.choices.EnrolmentStatus",
        "ProcedureLevelEnum": "reform.choices.ProcedureLevel",
        # Several models have a field named "kind": each choice set gets its own name.
        "InspectionKindEnum": "inspections.casework.choices.InspectionKind",
        "SuspensionKindEnum": "inspections.casework.choices.SuspensionKind",
        "EvidenceKindEnum": "inspections.casework.choices.EvidenceKind",
        "FeedbackKindEnum": "inspections.feedback.choices.FeedbackKind",
        # decision_form and warranted_form share the choice set of disciplinary forms.
        "DisciplineFormEnum": "inspections.casework.choices.DisciplineFormCode",
        "CourseKindEnum": "training.choices.CourseKind",
        "NotificationKindEnum": "notifications.choices.NotificationKind",
    },
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
}

# --- Application ------------------------------------------------------------
FEEDBACK_RATE_LIMIT = env_rate("FEEDBACK_RATE_LIMIT", "10/m")
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-pass-2019")
# Uploads: an inspector's evidence (photos, PDFs) and a citizen's attachment.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FEEDBACK_MAX_UPLOAD_BYTES = env_int("FEEDBACK_MAX_UPLOAD_BYTES", 5 * 1024 * 1024, minimum=1024)
# The public form refuses a submission made faster than a person can type (a bot).
FEEDBACK_MIN_FILL_SECONDS = env_int("FEEDBACK_MIN_FILL_SECONDS", 3, minimum=0)
# Working days to answer a petition when no dated rule row covers the day (docs/rules.md).
FEEDBACK_RESPONSE_WORKING_DAYS = env_int("FEEDBACK_RESPONSE_WORKING_DAYS", 15, minimum=1)
# Where uploaded spreadsheets wait between the preview and the confirmation of an import.
IMPORT_UPLOAD_DIR = env_str("IMPORT_UPLOAD_DIR", "")
# The accountability report's official header (Decree 30/2020 layout): the
# issuing body, the document symbol after "Số: .../" and the recipients (";"-separated).
REPORT_ISSUING_BODY = env_str("REPORT_ISSUING_BODY", "")
REPORT_DOCUMENT_SYMBOL = env_str("REPORT_DOCUMENT_SYMBOL", "")
REPORT_RECIPIENTS = [
    part.strip() for part in env_str("REPORT_RECIPIENTS", "").split(";") if part.strip()
] or None
# Each app adds its part of the demo district; run in this order by seed_demo.
DEMO_SEEDERS = [
    "staff.demo.seed",
    # Right after the users exist: <username>@example.vn, so the events of the
    # present-day demo data are mailed (on the console with make run).
    "notifications.demo.seed",
    "training.demo.seed",
    "reform.demo.seed",
    "inspections.casework.demo.seed",
    "inspections.feedback.demo.seed",
]

# Logs are JSON lines on stderr (core.logging); "congvu.request" has one line
# per request without personal data, "congvu.security" mirrors SecurityEvent.
# DJANGO_LOG_FORMAT=plain gives human-readable lines for development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logging.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if env_str("DJANGO_LOG_FORMAT", "json") == "plain" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "congvu.request": {"level": env_str("DJANGO_REQUEST_LOG_LEVEL", "INFO")},
    },
}
