"""Settings shared by every environment; each value is read from the environment.

Layers: ``local`` (development default), ``test`` and ``production`` import this module
and override what differs. Every variable is documented in ``docs/configuration.md``.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("TESSERA_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key_from_data_dir() -> str:
    """Development only: generate a key once and keep it beside the data it protects."""
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _secret_key_from_data_dir()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "axes",
    # the domain core, one app per bounded context
    "tessera.core.common",
    "tessera.core.accounts",
    "tessera.core.organizations",
    "tessera.core.projects",
    "tessera.core.crm",
    "tessera.core.tickets",
    "tessera.core.audit",
    "tessera.core.notifications",
    "tessera.core.workshop",
    "tessera.core.triage",
    "tessera.core.contacts",
    "tessera.core.search",
    "tessera.core.servicedesk",
    "tessera.core.demo",
    # the surfaces and the UI
    "tessera.surfaces.workshop",
    "tessera.surfaces.support",
    "tessera.surfaces.servicedesk",
    "tessera.surfaces.boards",
    "tessera.surfaces.feed",
    "tessera.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tessera.core.common.middleware.StatementTimeoutMiddleware",
]

ROOT_URLCONF = "tessera.urls"
WSGI_APPLICATION = "tessera.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # locks out brute force before checking passwords
    "tessera.core.accounts.backends.UsernameOrEmailBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_config() -> dict:
    """SQLite (WAL, immediate transactions) in the data dir unless DATABASE_URL says otherwise."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"] == "django.db.backends.sqlite3":
            config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
        else:
            if config["ENGINE"] == "django.db.backends.postgresql":
                # Django's backend with timestamps read in C (the module says why)
                config["ENGINE"] = "tessera.core.common.postgresql"
            postgres_options(config.setdefault("OPTIONS", {}))
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "tessera.sqlite3"),
        "OPTIONS": SQLITE_OPTIONS,
    }


STATEMENT_TIMEOUT_RE = re.compile(r"\d+(ms|s|min)?")


def postgres_options(options: dict) -> None:
    if env_bool("DB_SERVER_SIDE_BINDING", True):
        # psycopg binds parameters on the server and prepares a statement the fifth time
        # a connection runs it: a list page's queries are then neither parsed nor planned
        # again (docs/performance.md). Off for a pooler in transaction mode (PgBouncer).
        options["server_side_binding"] = True
        options["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5)
    server_settings = []
    if limit := env_int("DB_JOIN_COLLAPSE_LIMIT", 4):
        # A list page joins up to eight tables for display; with PostgreSQL's default (8)
        # planning them cost 7-25 ms per request against ~1 ms of execution. Reordering
        # within groups of four keeps plans good and planning ~3 ms (docs/performance.md).
        # 0: the server's own setting.
        server_settings += [f"join_collapse_limit={limit}", f"from_collapse_limit={limit}"]
    if cost := os.environ.get("DB_RANDOM_PAGE_COST", "1.1").strip():
        # The default (4) prices a random read as a disk seek; with the working set in
        # memory or on SSD it misleads the planner into hashing a whole table for a
        # search's few hundred matches (17 ms instead of 6 ms). Empty: the server's own.
        server_settings.append(f"random_page_cost={float(cost)}")
    if (workers := os.environ.get("DB_MAX_PARALLEL_WORKERS_PER_GATHER", "0").strip()) != "":
        # Parallel workers help one big report on an idle server; a web request that gets
        # them competes with every other request for the same cores. A two-word search's
        # count at 1,000,000 tickets: 62 ms with two workers, 37 ms without, before load.
        # Empty: the server's own setting.
        server_settings.append(f"max_parallel_workers_per_gather={int(workers)}")
    if timeout := os.environ.get("DB_STATEMENT_TIMEOUT", "").strip():
        # The web processes set it (tessera/wsgi.py, 30 s): one query that runs away (a
        # plan gone wrong at a million tickets) is cancelled and answered 503 instead of
        # holding a connection and a core for minutes. Commands and the task worker run
        # without it: a migration or an import at that size takes longer.
        if not STATEMENT_TIMEOUT_RE.fullmatch(timeout):
            raise ImproperlyConfigured(
                f"DB_STATEMENT_TIMEOUT={timeout!r}: a number of ms, or with ms, s or min"
            )
        server_settings.append(f"statement_timeout={timeout}")
    if server_settings:
        options["options"] = " ".join(f"-c {s}" for s in server_settings)


SQLITE_OPTIONS = {
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers racing for a counter queue instead of deadlocking.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: bounded in size, stored under generated names (see tessera.core.tickets.storage).
TESSERA_MAX_UPLOAD_BYTES = env_int("TESSERA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Uploads are refused while they would leave less than this much free disk in the data dir.
TESSERA_MIN_FREE_DISK_BYTES = env_int("TESSERA_MIN_FREE_DISK_BYTES", 512 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(2_621_440, TESSERA_MAX_UPLOAD_BYTES + 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: the database queue by default (worker: ``manage.py db_worker``);
# ``TASKS_BACKEND=rq`` puts it on Redis (worker: ``manage.py rqworker --job-class
# django_tasks_rq.Job default``) for several machines.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": TASKS_BACKEND}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tessera@localhost")
TESSERA_BASE_URL = os.environ.get("TESSERA_BASE_URL", "http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tessera.core.accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "tessera.surfaces.drf.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [  # JSON with NUL/lone surrogates is a 400, never a 500
        "tessera.surfaces.drf.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "tessera.core.common.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["tessera.surfaces.filtering.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tessera.surfaces.drf.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "tessera.surfaces.drf.LenientContentNegotiation",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=24),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
    "UPDATE_LAST_LOGIN": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tessera API",
    "DESCRIPTION": "Five ticketing APIs (workshop, support, servicedesk, boards, feed) on one core.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Document 003's development bypass header; off unless set AND DEBUG is on (docs/surfaces/boards.md).
SUPER_SECRET_KEY = os.environ.get("SUPER_SECRET_KEY", "")

# AI triage provider (docs/triage.md)
TRIAGE = {
    "TRIAGE_PROVIDER": os.environ.get("TRIAGE_PROVIDER", "offline"),
    "TRIAGE_API_KEY": os.environ.get("TRIAGE_API_KEY", ""),
    "TRIAGE_MODEL": os.environ.get("TRIAGE_MODEL", ""),
    "TRIAGE_BASE_URL": os.environ.get("TRIAGE_BASE_URL", ""),
    "TRIAGE_TIMEOUT_SECONDS": os.environ.get("TRIAGE_TIMEOUT_SECONDS", "10"),
}

# Brute-force protection (django-axes): per account and, separately, per address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_VERBOSE = False
if REDIS_URL:  # shared by every app process, so a lockout holds across the cluster
    AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
# axes.W002 is silenced on purpose: without AxesMiddleware, each surface turns a lockout into its own error envelope (429), see
# tessera.core.accounts.login.user_authenticate.
# models.W040: SQLite ignores an index's INCLUDE columns (audit events' (project, ticket)
# INCLUDE (action)); the index still serves SQLite, PostgreSQL reads the count from it alone.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "models.W040"]

# Security headers (also on in development; production adds HTTPS-only ones)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"tessera": {"level": os.environ.get("TESSERA_LOG_LEVEL", "INFO")}},
}

# Feed (document 004): page size of GET /api/tickets/ (docs/surfaces/feed.md)
# A search counts (and so pages through) at most this many matches, newest first; 0: all.
TESSERA_SEARCH_MAX_RESULTS = env_int("TESSERA_SEARCH_MAX_RESULTS", 1000)
TESSERA_FEED_PAGE_SIZE = env_int("TESSERA_FEED_PAGE_SIZE", 100)
TESSERA_FEED_MAX_PAGE_SIZE = env_int("TESSERA_FEED_MAX_PAGE_SIZE", 500)

# Support surface (document 001): triage pipeline retries, leases and the default desk
# (docs/configuration.md, "Support desk").
TRIAGE_STEP_MAX_ATTEMPTS = env_int("TRIAGE_STEP_MAX_ATTEMPTS", 3)
TRIAGE_RETRY_BASE_SECONDS = env_int("TRIAGE_RETRY_BASE_SECONDS", 10)
TRIAGE_STEP_LEASE_SECONDS = env_int("TRIAGE_STEP_LEASE_SECONDS", 300)
SUPPORT_DEFAULT_PROJECT_KEY = os.environ.get("SUPPORT_DEFAULT_PROJECT_KEY", "")

# Boards surface (document 003): largest company logo upload, in bytes (docs/surfaces/boards.md)
BOARDS_MAX_LOGO_BYTES = env_int("BOARDS_MAX_LOGO_BYTES", 2 * 1024 * 1024)

# Boards (document 003): OpenAPI enum names for its urgency/importance levels and roles.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {
        "BoardsLevelEnum": "tessera.surfaces.boards.schema.LEVELS",
        "BoardsRoleEnum": "tessera.surfaces.boards.schema.ROLES",
    }
)

# Support (document 001): OpenAPI enum names for the ticket's status/priority and the role.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "SupportTicketStatusEnum": "tessera.surfaces.support.serializers.TICKET_STATUS",
        "SupportPriorityEnum": "tessera.surfaces.support.serializers.PRIORITIES",
        "SupportRoleEnum": "tessera.surfaces.support.schema.ROLES",
    }
)

# Servicedesk (document 002): OpenAPI enum names for the ticket's status and priority.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "ServicedeskStatusEnum": "tessera.core.servicedesk.selectors.STATUSES",
        "ServicedeskPriorityEnum": "tessera.surfaces.servicedesk.serializers.PRIORITY_CHOICES",
    }
)
