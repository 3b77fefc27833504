"""Settings for Duikou, read from environment variables with safe defaults.

DUIKOU_DATA_DIR   where the SQLite file, uploads and the generated secret key live (./var)
DATABASE_URL      sqlite:///… (default, in the data dir) or postgres://…
DUIKOU_DEBUG      "1"/"true" to turn debug on (off by default)
DUIKOU_SECRET_KEY the secret key; else generated once into the data dir, never committed
DUIKOU_ALLOWED_HOSTS comma-separated host names (default 127.0.0.1,localhost)
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("DUIKOU_DATA_DIR", str(BASE_DIR / "var"))).resolve()
# Owner only (whatever the umask): it holds the database, the keys and people's files.
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
try:
    DATA_DIR.chmod(0o700)
except PermissionError:  # a data dir owned by someone else: left as its owner set it
    pass


def _owner_only(path: Path) -> None:
    """chmod 0600 a file of ours (an older one may have been created under a loose umask)."""
    try:
        path.chmod(0o600)
    except (PermissionError, FileNotFoundError):
        pass


def _secret_key() -> str:
    key = os.environ.get("DUIKOU_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written once, readable by the owner only; the data dir is never committed.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    _owner_only(path)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DUIKOU_DEBUG", False)
ALLOWED_HOSTS = env_list("DUIKOU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DUIKOU_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tasks",
    "duikou.core.tasks_app.TaskResultsConfig",  # django_tasks_db, named in Chinese
    "duikou.accounts",
    "duikou.core",
    "duikou.notices",
    "duikou.projects",
    "duikou.exchange_io",
    "duikou.people",
    "duikou.orders",
    "duikou.investment",
    "duikou.consumption",
    "duikou.exchanges",
    "duikou.reports",
    "duikou.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "duikou.urls"
WSGI_APPLICATION = "duikou.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "sqlite:///" + str(DATA_DIR / "duikou.sqlite3")),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while the demo server and a script both touch the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve straight from the source folders: `duikou runserver` works without collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "uploads"

# Background work (imports, big exports, reports): one task mechanism, database-backed so the
# embedded default needs no broker; `duikou db_worker` runs it (`duikou demo` starts one).
# DUIKOU_TASKS=immediate runs tasks inline (tests, scripts).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_str("DUIKOU_TASKS", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# Files: uploads, permissions, exports -------------------------------------------------------
# Uploaded and generated files readable by the server's user only; a record holds at most this
# many files and bytes (duikou/core/uploads.py checks each file's content too).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DUIKOU_UPLOAD_MAX_FILES_PER_RECORD = int(env_str("DUIKOU_UPLOAD_MAX_FILES_PER_RECORD", "20"))
DUIKOU_UPLOAD_MAX_BYTES_PER_RECORD = int(
    env_str("DUIKOU_UPLOAD_MAX_BYTES_PER_RECORD", str(100 * 1024 * 1024))
)
# Every response to a signed-in user is private (each page is cut to the user's scope, many
# show personal data, every download does): `Cache-Control: no-store` on all of them.
MIDDLEWARE += ["duikou.core.middleware.NoStoreMiddleware"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite = Path(DATABASES["default"]["NAME"])
    if _sqlite.parent == DATA_DIR:
        # Created here, owner only, before SQLite opens it (its journal and WAL files take the
        # database file's mode); an older file is tightened.
        try:
            os.close(os.open(_sqlite, os.O_WRONLY | os.O_CREAT, 0o600))
        except OSError:
            pass
        _owner_only(_sqlite)

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DUIKOU_IMPORT_MAX_BYTES = int(env_str("DUIKOU_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
DUIKOU_ALERTS = {
    "not_started_days": int(env_str("DUIKOU_ALERT_NOT_STARTED_DAYS", "30")),
    "no_report_days": int(env_str("DUIKOU_ALERT_NO_REPORT_DAYS", "45")),
    "disbursement_lag_points": int(env_str("DUIKOU_ALERT_DISBURSEMENT_LAG_POINTS", "25")),
}

# The IATI 2.03 export (`duikou export iati`, /reports/iati.xml; docs/iati.md): the reporting
# organisation. Every iati-identifier is this reference + "-" + the project code, so set it once,
# before the first publication, and never change it. An IATI organisation identifier is a
# registration agency's prefix (org-id.guide) + the organisation's number there; a Chinese
# province has no XM-DAC code, so the default "CN-ZJ-AID" is this platform's own and is not
# registered anywhere: replace it with the headquarters' org-id before publishing on the IATI
# Registry (e.g. an XI-IATI identifier the IATI Secretariat assigns).
DUIKOU_IATI_ORG_REF = env_str("DUIKOU_IATI_ORG_REF", "CN-ZJ-AID")
DUIKOU_IATI_ORG_NAME = env_str("DUIKOU_IATI_ORG_NAME", "浙江省援青指挥部")
DUIKOU_IATI_ORG_NAME_EN = env_str(
    "DUIKOU_IATI_ORG_NAME_EN", "Zhejiang Provincial Headquarters for Counterpart Aid to Qinghai"
)

# Notifications (docs/notices.md): the bell always; e-mail and webhooks only when configured,
# sent by the background task. E-mail through Django's mail settings (console by default).
EMAIL_BACKEND = env_str("DUIKOU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("DUIKOU_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("DUIKOU_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("DUIKOU_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DUIKOU_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DUIKOU_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DUIKOU_EMAIL_FROM", "duikou@localhost")
EMAIL_SUBJECT_PREFIX = "[对口支援] "
DUIKOU_NOTICE_EMAIL = env_bool("DUIKOU_NOTICE_EMAIL", True)  # to users with an address
DUIKOU_SITE_URL = env_str("DUIKOU_SITE_URL", "")  # e.g. https://duikou.example.cn, for links
DUIKOU_WEBHOOK_URL = env_str("DUIKOU_WEBHOOK_URL", "")  # JSON POST per notification (SMS relay)
DUIKOU_WECOM_WEBHOOK = env_str("DUIKOU_WECOM_WEBHOOK", "")  # 企业微信 group robot URL
DUIKOU_WEBHOOK_TIMEOUT = int(env_str("DUIKOU_WEBHOOK_TIMEOUT", "5"))

# Operations: tasks, database faults, backups --------------------------------------------------
# A background task (import, planning run) whose heartbeat is older than this has lost its
# worker and is marked failed (duikou.core.heartbeat; `duikou tasks_sweep`).
DUIKOU_TASK_STALE_SECONDS = int(env_str("DUIKOU_TASK_STALE_SECONDS", "120"))
# Exports (duikou.exchange_io.exports): an xlsx of more rows than this is built in the
# background (an export job); its file is kept this many hours for its user, then swept.
DUIKOU_EXPORT_INLINE_ROWS = int(env_str("DUIKOU_EXPORT_INLINE_ROWS", "5000"))
DUIKOU_EXPORT_KEEP_HOURS = int(env_str("DUIKOU_EXPORT_KEEP_HOURS", "24"))
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A persistent connection broken by a database restart is noticed and replaced.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: on the figures' aggregates over 1M rows it costs seconds of compiling
    # for queries that run in under one (EXPLAIN ANALYZE in docs/performance.md).
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = (_pg_options.get("options", "") + " -c jit=off").strip()
# Uploads and generated files appear whole or not at all (a full disk leaves no half file).
STORAGES = {
    "default": {"BACKEND": "duikou.core.files.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Last: it sees the views' exceptions; a lost database answers a clean 503 page.
MIDDLEWARE.append("duikou.core.middleware.DatabaseUnavailableMiddleware")
# -------------------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"


# Web: HTTPS, headers, CSP, logging ------------------------------------------------------------
# DUIKOU_HTTPS=1 behind a TLS-terminating proxy (which must set X-Forwarded-Proto and strip it
# from clients): HTTPS only, HSTS for a year, cookies sent over HTTPS only.
HTTPS = env_bool("DUIKOU_HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# htmx sends the token from the body's hx-headers (base.html), never from the cookie.
CSRF_COOKIE_HTTPONLY = True

INSTALLED_APPS.append("csp")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "duikou.core.middleware.PermissionsPolicyMiddleware",
)
# After the messages: a query string carrying an ID number or a phone is refused with a message.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "duikou.core.middleware.PersonalDataInQueryMiddleware",
)
# No inline script or style anywhere: scripts and styles are static files (static/js, css);
# pages set element styles from data attributes through the CSSOM (allowed by the policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Every handler masks ID numbers and mobile numbers (message, arguments, exception text):
# the console, runserver's access log (django.server) and request errors (django.request).
_REDACT = ["redact_personal_data"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "duikou.lib.logfilters.RedactPersonalData"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": _REDACT},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": _REDACT,
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # Replace Django's defaults (console only when DEBUG, mail_admins) with the masked ones.
        # (django.request's warnings and errors then reach the root's console handler).
        "django": {"handlers": [], "level": "WARNING", "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}


# Sign-in, passwords, two-factor ----------------------------------------------------------------
# (OWASP ASVS L2 §2: throttling, password rules, forced change, optional TOTP; issue 10 #1 #6)
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
# OTP after authentication (it wraps request.user); the sign-in steps (forced password change,
# a second factor still owed) after messages; axes last, as its documentation asks.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE += ["duikou.accounts.middleware.SignInStepsMiddleware", "axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "duikou.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Throttling (django-axes): failures are counted per account and per address, whichever locks
# first; every failure while locked restarts the lock (so hammering keeps it shut), and a success
# does not wipe the address's count (an attacker's own account must not reset it).
AXES_FAILURE_LIMIT = int(env_str("DUIKOU_SIGNIN_FAILURE_LIMIT", "30"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(env_str("DUIKOU_SIGNIN_LOCK_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "duikou.accounts.signin.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "csrfmiddlewaretoken"]
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: name how many proxies stand in
# front, and the client's address is read from X-Forwarded-For (else every user shares a lock).
if env_str("DUIKOU_PROXY_COUNT", ""):
    AXES_IPWARE_PROXY_COUNT = int(env_str("DUIKOU_PROXY_COUNT", "1"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
OTP_TOTP_ISSUER = "Duikou"
LOGGING.setdefault("loggers", {})["duikou.security"] = {"level": "INFO"}


# The JSON API (/api/v1/, duikou.api) -----------------------------------------------------------
INSTALLED_APPS.insert(INSTALLED_APPS.index("duikou.reports") + 1, "duikou.api")
# Requests per token (a signed-in session: per user) and period (s, m, h, d); past it 429 with
# Retry-After. Counted in the default cache, shared by every process (DatabaseCache or Redis).
DUIKOU_API_RATE = env_str("DUIKOU_API_RATE", "600/h")
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500


# The public portal's aggregates are cached (shared cache) this many seconds; 0: not cached.
DUIKOU_PUBLIC_CACHE_SECONDS = int(env_str("DUIKOU_PUBLIC_CACHE_SECONDS", "300"))
# Production: shared cache, worker heartbeat, request log, static files, replicas -------------
# (docs/deploy.md; the files in deploy/). Several web processes, on one machine or several,
# behave as one: sessions, sign-in lockouts (axes) and the API's rate counts live in the
# database (or Redis), not in a process's memory.
INSTALLED_APPS.insert(
    INSTALLED_APPS.index("duikou.core.tasks_app.TaskResultsConfig"),
    # Before the task backend's app: its `db_worker` (the backend's, plus a heartbeat) wins.
    "duikou.core.ops.apps.OpsConfig",
)
if env_str("DUIKOU_REDIS_URL", ""):
    # Needs the `redis` package (pip install redis); Django's own Redis backend.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env_str("DUIKOU_REDIS_URL", ""),
            "KEY_PREFIX": "duikou",
        }
    }
else:
    # A table in the database (made by `migrate`: duikou/core/ops/migrations/0001): every
    # process, on every machine, counts in the same place.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "duikou_cache",
        }
    }
# The worker heartbeat (duikou/core/ops/beat.py): written every DUIKOU_WORKER_BEAT_SECONDS;
# /healthz calls the workers stale past DUIKOU_WORKER_STALE_SECONDS without a beat.
DUIKOU_WORKER_BEAT_SECONDS = float(env_str("DUIKOU_WORKER_BEAT_SECONDS", "15"))
DUIKOU_WORKER_STALE_SECONDS = float(env_str("DUIKOU_WORKER_STALE_SECONDS", "60"))
# A monitor may ask /healthz over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# One line per request (method, path without query, status, duration, user id) on the
# `duikou.request` logger; first, so it times the whole stack.
MIDDLEWARE.insert(0, "duikou.core.ops.middleware.RequestLogMiddleware")
# DUIKOU_LOG_FORMAT=json: every handler writes JSON lines (one object per line, for journald or
# a log shipper), and the request log is on (INFO). The masking filter stays on every handler.
if env_str("DUIKOU_LOG_FORMAT", "text") == "json":
    LOGGING["formatters"]["json"] = {"()": "duikou.lib.jsonlog.JsonLinesFormatter"}
    for _handler in LOGGING["handlers"].values():
        _handler["formatter"] = "json"
    LOGGING["loggers"]["duikou.request"] = {"level": "INFO"}
else:
    # In text mode (development) runserver's access log already says it: errors only.
    LOGGING["loggers"]["duikou.request"] = {"level": "WARNING"}
# Static files: DUIKOU_STATIC_MANIFEST=1 (production, after `duikou collectstatic`) serves the
# collected files under hashed names, pre-compressed (gzip, brotli), cached for a year by
# WhiteNoise; without it (development, tests) straight from the source folders.
STATIC_ROOT = Path(env_str("DUIKOU_STATIC_ROOT", str(STATIC_ROOT))).resolve()
if env_bool("DUIKOU_STATIC_MANIFEST", False):
    _MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    STORAGES["staticfiles"] = {"BACKEND": _MANIFEST}
    WHITENOISE_USE_FINDERS = False
# Read replica: DUIKOU_REPLICA_URL (a streaming replica of DATABASE_URL) takes the reads of the
# reports' and the public portal's pages (duikou/core/ops/routers.py); writes and every other
# page use the primary.
if env_str("DUIKOU_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DUIKOU_REPLICA_URL", ""), conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["duikou.core.ops.routers.ReplicaRouter"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("duikou.core.middleware.DatabaseUnavailableMiddleware"),
    "duikou.core.ops.routers.ReplicaReadsMiddleware",
)
