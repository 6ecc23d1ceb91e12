"""One settings module, read from the environment.

With no environment at all it runs the embedded default of `make run`: SQLite and
kombu's filesystem broker. DATABASE_URL and CELERY_BROKER_URL (or REDIS_URL) switch
the same code to PostgreSQL and Redis.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only for a laptop running `make run`: never used with DEBUG off.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The public address that emails link to: a wrong one sends every client to a dead link.
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL must be set when DJANGO_DEBUG is off: the public address of the site, "
            "such as https://book.example.com, which email links point to.")
    # `make run`'s address (Procfile.dev): not PORT, which honcho sets to 5000, 5100... per process.
    SITE_URL = f"http://127.0.0.1:{os.environ.get('WEB_PORT', '8000')}"
elif not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "templated_mail",
    "core",
    "accounts",
    "tenancy",
    "booking",
    "checkout",
    "loyalty",
    "giftcards",
    "notifications",
    "reports",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RejectNulMiddleware",
    "core.middleware.TimeZoneResetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "giftcards.middleware.ClientAddressMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.navigation.backoffice_menu",
            ],
        },
    },
]

# PostgreSQL connections (README, "Production settings"). Each process keeps a pool of
# connections (Django's own, psycopg 3's pool) that its threads take one at a time for a
# request or a task and give back when it ends: a connection that died with the server is
# checked and replaced before it is handed out. DATABASE_POOL=off instead keeps one
# persistent connection per thread for DATABASE_CONN_MAX_AGE seconds (behind PgBouncer,
# which pools for every process, turn the pool off: README).
DATABASE_POOL = env_bool("DATABASE_POOL", True)
# Enough for every thread of a web process (WEB_THREADS) or a worker's task and the progress
# of its export (reports/services.py): a thread never waits for a connection.
DATABASE_POOL_OPTIONS = {
    "min_size": int(os.environ.get("DATABASE_POOL_MIN_SIZE", "1")),
    "max_size": int(os.environ.get("DATABASE_POOL_MAX_SIZE",
                                   max(int(os.environ.get("WEB_THREADS", "4")), 2))),
    # Seconds a request waits for a free connection before it fails.
    "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10")),
    # Idle connections above min_size are closed after this long; every connection is
    # replaced after max_lifetime, so that a server-side leak or a failover heals.
    "max_idle": float(os.environ.get("DATABASE_POOL_MAX_IDLE", "300")),
    "max_lifetime": float(os.environ.get("DATABASE_POOL_MAX_LIFETIME", "1800")),
}


def database_settings(url: str) -> dict:
    database = dj_database_url.parse(
        url, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True)
    if database["ENGINE"] != "django.db.backends.postgresql":
        return database
    options = database.setdefault("OPTIONS", {})
    # Set for web processes by config/gunicorn.py: no request holds a connection, or the
    # row locks it took, longer than this.
    if timeout := os.environ.get("DATABASE_STATEMENT_TIMEOUT"):
        options["options"] = f"{options.get('options', '')} -c statement_timeout={timeout}".strip()
    if DATABASE_POOL:
        database["CONN_MAX_AGE"] = 0  # the pool keeps connections, not each thread
        options["pool"] = dict(DATABASE_POOL_OPTIONS)
    return database


DATABASES = {
    "default": database_settings(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'salonbook.sqlite3'}")),
}
# Reads that scale out (core/replica.py): with DATABASE_REPLICA_URL, reports, their exports
# and the dashboard read from this streaming replica of PostgreSQL; everything else, and
# every write, from the primary. Without it there is one database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
REPLICA_DATABASE = "replica" if DATABASE_REPLICA_URL else ""
if REPLICA_DATABASE:
    DATABASES[REPLICA_DATABASE] = database_settings(DATABASE_REPLICA_URL)
    # Tests create no database on the replica (it is read-only) and read the primary's.
    DATABASES[REPLICA_DATABASE]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Lagging more than this, the replica is read but pages say how old their figures are...
DATABASE_REPLICA_NOTICE_LAG_SECONDS = float(
    os.environ.get("DATABASE_REPLICA_NOTICE_LAG_SECONDS", "30"))
# ...and more than this, the primary is read instead.
DATABASE_REPLICA_MAX_LAG_SECONDS = float(os.environ.get("DATABASE_REPLICA_MAX_LAG_SECONDS", "300"))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker process and a live server see the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "booking:backoffice-home-switch"
LOGOUT_REDIRECT_URL = "accounts:login"

# No inline script anywhere: pages load their JavaScript from static files only.
# Styles allow inline attributes (the calendar positions blocks with custom properties).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

AUTHENTICATION_BACKENDS = ["accounts.throttling.ThrottledModelBackend"]
# Failed sign-ins allowed per window before that account, or that address, is refused.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", "30"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("uk", _("Ukrainian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Cache: Redis when configured (shared by all processes), otherwise local memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Health checks come from inside the network, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# The header only allows preloading; being listed takes a manual submission.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of the app that append the client's address to
# X-Forwarded-For (core.ratelimit.client_address); 0: the app is reached directly.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Email: SMTP from environment; by default the mail catcher of `make run` (scripts/mailcatcher.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Salonbook <no-reply@localhost>")
# A failed send is retried with exponential backoff from this delay, this many times.
NOTIFICATION_RETRY_DELAY_SECONDS = int(os.environ.get("NOTIFICATION_RETRY_DELAY_SECONDS", "60"))
NOTIFICATION_MAX_RETRIES = int(os.environ.get("NOTIFICATION_MAX_RETRIES", "5"))

# Celery: Redis in production, kombu's filesystem transport for a laptop.
# The filesystem transport ignores the host, but kombu warns on every connection without one.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("in", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "in"),
        "data_folder_out": str(_broker_dir / "in"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Longer than any task may run, so that a slow task is not delivered twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["tenancy.api_auth.StaffTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["tenancy.api_auth.IsBusinessStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.api.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # The browsable API's HTML pages are a development aid: production answers JSON only.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Salonbook API",
    "DESCRIPTION": (
        "Staff API of one business. Authenticate with `Authorization: Token <key>`; "
        "the business comes from the token. POSTs that move value accept an "
        "`Idempotency-Key` header. Datetimes are answered in the business's time zone, "
        "with their UTC offset. A datetime sent without an offset is a wall-clock time "
        "of the business; one that a clock change skips or repeats is refused with a 400 "
        "asking for the offset."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "InvoiceStateEnum": "checkout.models.InvoiceState",
        "AppointmentStateEnum": "booking.models.AppointmentState",
        # Both are fields named "kind": each gets its own name.
        "LineKindEnum": "checkout.models.LineKind",
        "MessageKindEnum": "notifications.kinds.MessageKind",
        "MessageStatusEnum": "notifications.models.MessageStatus",
        # Invoices and coupons both have a "discount_kind" with different choices.
        "DiscountKindEnum": "checkout.models.DiscountKind",
        "CouponDiscountKindEnum": "booking.codes.CodeKind",
    },
    "REDOC_DIST": "SIDECAR",
}

IDEMPOTENCY_KEY_TTL_HOURS = 24
# A request holding an Idempotency-Key that has not answered after this long died with its
# process: a retry takes the key over. Longer than the slowest request (a web request's
# statements time out after 30 s: config/gunicorn.py), far shorter than the key's life.
IDEMPOTENCY_LEASE_SECONDS = int(os.environ.get("IDEMPOTENCY_LEASE_SECONDS", "120"))

# Reports: exports up to this many rows stream at once; larger ones are written by a worker
# into the "exports" storage (private: never served as media, only by the download view) and
# removed REPORTS_EXPORT_TTL_HOURS later. The worker writes and the web process reads, so
# both must reach it: a folder they share (REPORTS_EXPORT_DIR; one volume under compose),
# or an S3-compatible bucket when REPORTS_EXPORT_S3_BUCKET is set.
REPORTS_STREAM_MAX_ROWS = int(os.environ.get("REPORTS_STREAM_MAX_ROWS", "5000"))
REPORTS_EXPORT_DIR = Path(os.environ.get("REPORTS_EXPORT_DIR", VAR_DIR / "exports"))
if os.environ.get("REPORTS_EXPORT_S3_BUCKET"):
    STORAGES["exports"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["REPORTS_EXPORT_S3_BUCKET"],
        "location": os.environ.get("REPORTS_EXPORT_S3_PREFIX", "exports"),
        # Unset: AWS itself; set: any S3-compatible service (MinIO, Ceph, R2, ...).
        "endpoint_url": os.environ.get("REPORTS_EXPORT_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("REPORTS_EXPORT_S3_REGION") or None,
        "addressing_style": os.environ.get("REPORTS_EXPORT_S3_ADDRESSING_STYLE") or None,
        # Unset: boto3's own chain (AWS_ACCESS_KEY_ID..., an instance or task role).
        "access_key": os.environ.get("REPORTS_EXPORT_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("REPORTS_EXPORT_S3_SECRET_ACCESS_KEY") or None,
        # A download is read to a temporary file first: past this size, on disk, not memory.
        "max_memory_size": 5 * 1024 * 1024,
    }}
else:
    STORAGES["exports"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                           "OPTIONS": {"location": REPORTS_EXPORT_DIR}}
REPORTS_EXPORT_TTL_HOURS = int(os.environ.get("REPORTS_EXPORT_TTL_HOURS", "24"))
REPORTS_XLSX_MAX_ROWS = int(os.environ.get("REPORTS_XLSX_MAX_ROWS", "1048576"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
