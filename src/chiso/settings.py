"""Django settings for chiso.

SQLite is the embedded default (a file in the chiso data folder); set DATABASE_URL for PostgreSQL,
e.g. DATABASE_URL=postgres://user@127.0.0.1:5432/chiso.

Production reads its secrets and its HTTPS set-up from the environment (CHISO_SECRET_KEY,
CHISO_HTTPS, CHISO_BEHIND_PROXY …: the README's "Production settings" lists them all); without
them chiso is a local installation (the demo, the command line, the tests) served over plain HTTP.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from chiso import serving
from chiso.bootstrap import local_secret_key

BASE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Where chiso keeps its database and uploaded files: $CHISO_HOME, else ~/.local/share/chiso."""
    configured = os.environ.get("CHISO_HOME")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "chiso"


DATA_DIR = data_dir()

DEBUG = os.environ.get("CHISO_DEBUG", "0") == "1"
# Production sets CHISO_SECRET_KEY, and a server refuses to start without it (chiso.wsgi). A local
# installation uses a random key generated once into its data folder: never a published one.
CHISO_GENERATED_SECRET_KEY = "" if os.environ.get("CHISO_SECRET_KEY") else local_secret_key(DATA_DIR)
SECRET_KEY = os.environ.get("CHISO_SECRET_KEY") or CHISO_GENERATED_SECRET_KEY
ALLOWED_HOSTS = os.environ.get("CHISO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "auditlog",
    "chiso.core",
    "chiso.units",
    "chiso.frameworks",
    "chiso.results",
    "chiso.accounts",
    "chiso.jobs",
    "chiso.assessments",
    "chiso.administration",
    "chiso.surveys",
    "chiso.dossiers",
    "chiso.plans",
    "chiso.rounds",
    "chiso.reports",
    "chiso.api",
    "ninja",  # django-ninja: its templates and static files (the API's docs page, served offline)
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "chiso.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before anything that reads the session
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chiso.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "chiso.urls"

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
                "chiso.administration.menus.menu",
            ],
        },
    },
]

WSGI_APPLICATION = "chiso.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'chiso.sqlite3'}",
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A psycopg pool per process, at most one connection per server thread (chiso.serving): the
    # server holds at most workers × threads connections, however many users come. A pooled
    # connection goes back to the pool after each request, so no persistent connection (Django
    # refuses both at once); each is checked before use, so a restarted PostgreSQL costs no error.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = serving.pool_options()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (computed analyses of published results: chiso.results.cache). By default a file cache
# in the data folder, shared by every worker process of the server on this machine without another
# service; CHISO_CACHE_URL chooses another: redis://127.0.0.1:6379/1 (Redis, needs the `redis`
# package), file:///a/folder (a file cache elsewhere), locmem:// (one process only: tests).
CHISO_CACHE_URL = os.environ.get("CHISO_CACHE_URL", "").strip()
if CHISO_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    _cache: dict[str, object] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CHISO_CACHE_URL,
    }
elif CHISO_CACHE_URL.startswith("locmem://"):
    _cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chiso"}
else:
    _folder = CHISO_CACHE_URL.removeprefix("file://") if CHISO_CACHE_URL else str(DATA_DIR / "cache")
    _cache = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": _folder,
        # analyses, and the public pages kept as HTML (compressed, a few KB each; chiso.core.pagecache)
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
CACHES = {"default": {**_cache, "KEY_PREFIX": "chiso"}}
# The public results pages are also kept there as rendered HTML, per published-data generation
# (chiso.core.pagecache); CHISO_PAGE_CACHE=0 renders them afresh on every request.
CHISO_PAGE_CACHE = os.environ.get("CHISO_PAGE_CACHE", "1").strip() != "0"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["chiso.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# Hashed names and compressed variants, served by whitenoise (chiso.core.staticfiles).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "chiso.core.staticfiles.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

MEDIA_URL = "media/"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "assessments:home"
LOGOUT_REDIRECT_URL = "results:home"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Long work (imports, estimation, reports, reminders) runs as background tasks (django-tasks),
# queued in the database and run by `chiso worker`; CHISO_TASKS_IMMEDIATE=1 runs them in the request
# instead (a single-process installation without a worker).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("CHISO_TASKS_IMMEDIATE", "0") == "1"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get("CHISO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("CHISO_FROM_EMAIL", "chiso@localhost")
# The SMTP server of CHISO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend (docs/deploy.md).
EMAIL_HOST = os.environ.get("CHISO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("CHISO_EMAIL_PORT", "").strip() or 25)
EMAIL_HOST_USER = os.environ.get("CHISO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CHISO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("CHISO_EMAIL_TLS", "").strip().lower() in {"1", "true", "yes"}


# --- Hardening (issue 10): passwords, sign-in throttling, sessions, CSP, HTTPS, logging ---------
# Kept in one block, after everything else, so that it merges apart from other changes. Every
# production switch is an environment variable; the README's "Production settings" lists them.


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None or value.strip() == "" else value.strip().lower() in {"1", "true", "yes"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


INSTALLED_APPS += ["axes", "csp"]
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    "chiso.middleware.MethodNotAllowedPageMiddleware",  # inside CSP: its page gets the policy
    "chiso.accounts.sessions.SlidingSessionMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

# Passwords: Django's four validators (translated by Django; the length one by chiso) and its
# default hasher, PBKDF2 with Django's iteration count: slow on purpose, never lowered here.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "chiso.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling (django-axes): after CHISO_LOGIN_FAILURE_LIMIT wrong passwords for one user
# name from one address, that pair is refused for CHISO_LOGIN_COOLOFF_MINUTES without checking
# the password (no hashing: the cost of a try is spent only on the first few).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _env_int("CHISO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_env_int("CHISO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "chiso.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "chiso.accounts.sessions.client_address"

# Sessions end after CHISO_SESSION_IDLE_MINUTES without a request (the expiry slides with use,
# refreshed at most every few minutes: chiso.accounts.sessions) and when the browser closes. Three
# hours: an office's two-hour lunch break does not sign anyone out; a desk left for the evening does.
SESSION_COOKIE_AGE = 60 * _env_int("CHISO_SESSION_IDLE_MINUTES", 180)
# Read from the cache, written to both: a signed-in page pays no query for its session (the
# database keeps them when the cache is emptied or evicts one).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The open-data API (chiso.api, /api/v1/): every client is limited to CHISO_API_RATE requests
# ("120/min", "5000/day" …) counted by address (chiso.accounts.sessions.client_address), and a
# page of a list holds at most CHISO_API_MAX_LIMIT rows.
CHISO_API_RATE = os.environ.get("CHISO_API_RATE", "120/min")
CHISO_API_MAX_LIMIT = _env_int("CHISO_API_MAX_LIMIT", 500)

# Content Security Policy (django-csp): scripts and style sheets from chiso's own static files only,
# no inline script or event handler anywhere. Inline style *attributes* stay allowed: the bars of
# the tables take their width from the data (style="width: 42%"); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# HTTPS: CHISO_HTTPS=1 behind TLS (secure cookies, redirect to https, HSTS); CHISO_BEHIND_PROXY=1
# when a reverse proxy terminates TLS and sets X-Forwarded-Proto and X-Forwarded-For. Both off for
# the demo on http://127.0.0.1:8000.
_https = _env_flag("CHISO_HTTPS")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = _https
SECURE_HSTS_SECONDS = _env_int("CHISO_HSTS_SECONDS", 31_536_000) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_flag("CHISO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_flag("CHISO_HSTS_PRELOAD", True)
CHISO_BEHIND_PROXY = _env_flag("CHISO_BEHIND_PROXY")
if CHISO_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CHISO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Logging: one JSON object per line on stderr. Server errors (with their traceback and request id),
# security warnings, sign-in lockouts, and chiso's own loggers: "chiso.imports" (every file
# imported or refused) and "chiso.mail" (every e-mail sent, through chiso.core.logs.LoggingEmailBackend).
CHISO_EMAIL_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "chiso.core.logs.LoggingEmailBackend"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "chiso.core.logs.JsonFormatter"}},
    "handlers": {"stderr": {"class": "chiso.core.logs.StderrHandler", "formatter": "json"}},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": "ERROR"},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "chiso": {
            "handlers": ["stderr"],
            "level": os.environ.get("CHISO_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
