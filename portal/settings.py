"""Cobrand settings.

Everything that differs between a laptop and production is read from the
environment. With nothing set, the portal runs on SQLite, local files, an
in-process cache and inline background work, so a fresh clone needs no
services. README.md ("Configuration" and "Production") lists the variables.
"""

from datetime import timedelta
from pathlib import Path

from portal.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("COBRAND_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-secret-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the portal, used in invitation e-mails, QR codes and
# published landing-page links (requests are not available everywhere).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
VENDOR_NAME = env_str("VENDOR_NAME", "Northwind Cloud")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # Bootstrap 5.3 files from the django-bootstrap-static wheel
    "django_htmx",
    "axes",
    "portal.accounts",
    "portal.partners",
    "assets",
    "portal.landing",
    "portal.home",
    "portal.workspace",
]
# The demo loader (`manage.py seed_demo`, what `make run` shows) exists only in
# development: with DEBUG on, or when COBRAND_DEMO=1 asks for it explicitly.
DEMO_ENABLED = env_bool("COBRAND_DEMO", default=DEBUG)
if DEMO_ENABLED:
    INSTALLED_APPS.append("portal.demo")

MIDDLEWARE = [
    # First: every log line of the request carries its id (portal/core/log_context.py).
    "portal.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Refuses oversized bodies by Content-Length before anything reads them.
    "portal.core.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last: its process_exception sees a view's errors first.
    "portal.middleware.ErrorResponseMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "portal.partners.context_processors.current_partner",
            ],
        },
    },
]

# --- Database: SQLite by default, anything dj-database-url reads otherwise.
import dj_database_url  # noqa: E402

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that does not answer fails fast (health checks, requests) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5)
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers and the writer overlap; the timeout makes concurrent
    # writers wait instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, locks and task queue: Redis when REDIS_URL is set.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # A Redis that stops answering degrades to misses, with a log line
    # (portal/core/redis_cache.py): pages and downloads keep being served.
    from portal.core.redis_cache import redis_cache_config

    CACHES = {
        "default": redis_cache_config(
            REDIS_URL,
            key_prefix=env_str("CACHE_KEY_PREFIX", "cobrand"),
            timeout=env_int("REDIS_TIMEOUT_SECONDS", 2),
        )
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read on every request: keep them in the cache, backed by the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
# Without a broker, tasks run inline in the process that queued them.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# The queue tasks are sent to and workers consume: deployments (or test
# runs) sharing one Redis keep apart by naming their own.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers log through LOGGING below (JSON or plain), not Celery's own set-up.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery beat's timetable. Without a broker, run `manage.py kits_tick` from cron instead.
CELERY_BEAT_SCHEDULE = {
    "kits-lifecycle-tick": {"task": "assets.kits_lifecycle_tick", "schedule": 60.0},
    "pending-uploads-prune": {"task": "assets.pending_uploads_prune", "schedule": 3600.0},
    "workspace-pending-uploads-prune": {
        "task": "workspace.pending_uploads_prune",
        "schedule": 6 * 60 * 60.0,
    },
}

# --- Files: local folders by default, S3-compatible storage when a bucket is named.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through permission-checked views
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "portal.core.s3_storage.RecordingS3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "portal.core.storage.RecordingFileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: bodies above these sizes are refused before anything reads them
# (portal/core/request_limits.py works out each request's cap from them).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
LOGO_MAX_UPLOAD_BYTES = env_int("LOGO_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
ASSET_MAX_UPLOAD_BYTES = env_int("ASSET_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
# Kit import (assets/transfer.py, docs/kit-format.md): the ZIP's size, what it
# may unpack to, how many entries it may hold and how far one entry over 1 MB
# may be compressed before it counts as a ZIP bomb.
KIT_IMPORT_MAX_BYTES = env_int("KIT_IMPORT_MAX_BYTES", ASSET_MAX_UPLOAD_BYTES)
KIT_IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("KIT_IMPORT_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024)
KIT_IMPORT_MAX_ENTRIES = env_int("KIT_IMPORT_MAX_ENTRIES", 2000)
KIT_IMPORT_MAX_RATIO = env_int("KIT_IMPORT_MAX_RATIO", 100)
KIT_COVER_MAX_UPLOAD_BYTES = env_int("KIT_COVER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Renders: how long one may take, how many pages it may have, how much text
# a template may produce, and the memory of each render worker process.
RENDER_TIMEOUT_SECONDS = env_int("RENDER_TIMEOUT_SECONDS", 30)
RENDER_MAX_PAGES = env_int("RENDER_MAX_PAGES", 50)
RENDER_MAX_OUTPUT_BYTES = env_int("RENDER_MAX_OUTPUT_BYTES", 5 * 1024 * 1024)
RENDER_WORKER_MEMORY_MB = env_int("RENDER_WORKER_MEMORY_MB", 1024)
# The worst-case check before publishing: the smallest a stamped logo may be
# drawn (its longer side, mm) and the print resolution image layouts assume.
WORST_CASE_MIN_LOGO_MM = env_int("WORST_CASE_MIN_LOGO_MM", 15)
WORST_CASE_IMAGE_DPI = env_int("WORST_CASE_IMAGE_DPI", 300)
# How many pages the workspace's preview shows as pictures.
WORKSPACE_PREVIEW_MAX_PAGES = env_int("WORKSPACE_PREVIEW_MAX_PAGES", 50)
# Renditions unused for this many days are removed by `manage.py prune_renditions`.
RENDITION_KEEP_DAYS = env_int("RENDITION_KEEP_DAYS", 30)
# How long a checked download may be repeated from the cache (assets/download_passes.py).
# Any change to what the checks read ends it sooner.
DOWNLOAD_PASS_SECONDS = env_int("DOWNLOAD_PASS_SECONDS", 300)
# Production can let the web server send permission-checked files:
# set to the internal location prefix configured in nginx (e.g. "/protected/").
X_ACCEL_REDIRECT_PREFIX = env_str("X_ACCEL_REDIRECT_PREFIX", "")
# How a permission-checked file is sent (portal/core/files.py): "stream"
# through this process, "x-accel" by nginx (needs X_ACCEL_REDIRECT_PREFIX),
# "redirect" to a signed storage URL valid DOWNLOAD_URL_SECONDS (S3).
DOWNLOAD_DELIVERY = env_str(
    "DOWNLOAD_DELIVERY", "x-accel" if X_ACCEL_REDIRECT_PREFIX else "stream"
).lower()
DOWNLOAD_URL_SECONDS = env_int("DOWNLOAD_URL_SECONDS", 60)
if DOWNLOAD_DELIVERY not in ("stream", "x-accel", "redirect"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"DOWNLOAD_DELIVERY must be stream, x-accel or redirect, not {DOWNLOAD_DELIVERY!r}."
    )
if DOWNLOAD_DELIVERY == "x-accel" and not X_ACCEL_REDIRECT_PREFIX:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DOWNLOAD_DELIVERY=x-accel needs X_ACCEL_REDIRECT_PREFIX.")

# --- Accounts
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:dashboard"
# Marketing admins start in the workspace (portal/views.py).
LOGIN_REDIRECT_FOR = "portal.views.start_page_for"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (django-axes, portal/accounts/throttle.py): every
# authentication path, keyed by the address tried and by the client address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked sign-ins unchecked
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
# A client address is locked after this many times LOGIN_FAILURE_LIMIT failures.
LOGIN_CLIENT_FAILURE_FACTOR = env_int("LOGIN_CLIENT_FAILURE_FACTOR", 4)
AXES_HANDLER = "portal.accounts.throttle.LoginAttemptHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=LOGIN_FAILURE_WINDOW_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "portal.accounts.throttle.axes_username"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.throttle.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)
# Mail that anyone can make the portal send is limited per recipient address
# and per requester (client address for password resets, inviting user for
# invitations), in windows of MAIL_RATE_WINDOW_SECONDS. 0: no limit.
MAIL_RATE_WINDOW_SECONDS = env_int("MAIL_RATE_WINDOW_SECONDS", 60 * 60)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env_int("PASSWORD_RESET_LIMIT_PER_CLIENT", 10)
INVITATION_LIMIT_PER_ADDRESS = env_int("INVITATION_LIMIT_PER_ADDRESS", 3)
INVITATION_LIMIT_PER_INVITER = env_int("INVITATION_LIMIT_PER_INVITER", 30)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- E-mail: printed to the console unless an SMTP host is given.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cobrand <no-reply@cobrand.local>")

# --- Security. Cookies are secure unless DEBUG is on; see `manage.py check --deploy`.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env_str("SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = (env_str("SECURE_PROXY_SSL_HEADER", ""), "https")
# The request header a trusted reverse proxy sets to the client's address
# (for example "HTTP_X_FORWARDED_FOR"); empty means use REMOTE_ADDR.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")

# --- Landing pages and leads
# Lead submissions allowed per client address in each window (0: no limit).
LEAD_RATE_LIMIT = env_int("LEAD_RATE_LIMIT", 5)
LEAD_RATE_WINDOW_SECONDS = env_int("LEAD_RATE_WINDOW_SECONDS", 10 * 60)
# How long a rendered public page stays in the cache (its key changes with its content).
LANDING_PAGE_CACHE_SECONDS = env_int("LANDING_PAGE_CACHE_SECONDS", 24 * 60 * 60)
# How long which-page-is-live answers are kept at most (saves end them at once).
LANDING_STATE_CACHE_SECONDS = env_int("LANDING_STATE_CACHE_SECONDS", 30)

# --- Front end
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
FORMS_URLFIELD_ASSUME_HTTPS = True

# /healthz (portal/health.py): seconds each check may take before it counts as failing.
HEALTH_CHECK_TIMEOUT_SECONDS = float(env_str("HEALTH_CHECK_TIMEOUT_SECONDS", "2"))

# Logs go to the console: "plain" lines for people, or "json", one object a
# line with the request id, user, partner, asset and render time where known
# (portal/core/log_context.py), for a log collector.
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
if LOG_FORMAT not in ("plain", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.core.log_context.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts, not every check
    },
}
