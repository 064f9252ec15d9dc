"""The one settings module of OSO Portal.

Every value comes from the environment through the typed helpers in
``common.env``. ``OSO_PORTAL_ENV`` picks the mode:

- ``demo`` (default): SQLite and a broker on the filesystem under ``var/``,
  a demo login, DEBUG off like production (Dutch error pages, never Django's
  technical ones; ``DEBUG=1`` turns it on for a developer). Works on a fresh
  machine with nothing running.
- ``production``: DEBUG off; ``SECRET_KEY``, ``DATABASE_URL`` and
  ``CELERY_BROKER_URL`` are required and have no default.
- ``test``: like demo, without the demo login; used by pytest.

``DATABASE_URL`` switches to PostgreSQL in any mode.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from common.env import (
    ImproperlyConfiguredEnv,
    database_from_url,
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("OSO_PORTAL_VAR_DIR", str(BASE_DIR / "var")))

OSO_PORTAL_ENV = env_choice("OSO_PORTAL_ENV", ("demo", "production", "test"), default="demo")
PRODUCTION = OSO_PORTAL_ENV == "production"
DEMO_MODE = OSO_PORTAL_ENV == "demo"
TEST_MODE = OSO_PORTAL_ENV == "test"

# Off in every mode unless asked for: the demo is shown to staff, and Django's technical
# error pages (URL patterns, settings, in English) are for developers only.
DEBUG = env_bool("DEBUG", default=False)

if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", required=True)
else:
    # Only for demo and test: a production deployment must set its own key.
    SECRET_KEY = env_str("SECRET_KEY", "insecure-demo-key-never-use-in-production")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "django_celery_beat",
    # No models: the OSO format is an app only to be given its versions at start-up.
    "oso_format.apps.OsoFormatConfig",
    "students",
    # The label avoids any confusion with the PyPI package of the same name.
    "requests.apps.OsoRequestsConfig",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Dutch whatever the browser asks; English only through the language switch.
    "oso_portal.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the whole body: a too-large upload is refused unread.
    "common.upload_limit.UploadTotalLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A BSN typed into an admin search box is taken out of the URL (after messages: it says why).
    "oso_portal.admin_search.NoIdentifiersInUrlMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # CSP, Permissions-Policy, no-store for logged-in users (after auth: it reads request.user).
    "oso_portal.middleware.SecurityHeadersMiddleware",
]
if not TEST_MODE:
    # gunicorn serves no static files, nor does runserver with DEBUG off: WhiteNoise does,
    # in production from STATIC_ROOT (collectstatic runs in the Docker entrypoint), in the
    # demo straight from the apps' static folders (WHITENOISE_USE_FINDERS below). The
    # tests' live server serves its own.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "oso_portal.urls"
WSGI_APPLICATION = "oso_portal.wsgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
_database_url = env_str("DATABASE_URL", required=PRODUCTION)
if _database_url:
    DATABASES = {"default": database_from_url(_database_url, base_dir=BASE_DIR)}
else:
    DATABASES = {"default": sqlite_database(VAR_DIR / "oso_portal.sqlite3")}
    # SQLite cannot create the folder its file lives in; a fresh checkout has no var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USING_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")

# --- Auth -----------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# The demo login (demo / demo) exists only in demo mode; seed_demo creates it.
DEMO_LOGIN_ENABLED = DEMO_MODE
# In the demo the endpoint is the mock, whose clock staff may move from the start
# page to "publish" the primary schools' later files. The real chain has no clock.
OSO_ENDPOINT_DEMO_CLOCK = env_bool("OSO_ENDPOINT_DEMO_CLOCK", default=DEMO_MODE)

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# One catalog per area so that strings live beside their code. makemessages files
# each source under the first entry whose folder contains it: specific ones first.
LOCALE_PATHS = [
    BASE_DIR / "oso_format" / "locale",
    BASE_DIR / "requests" / "client" / "locale",
    BASE_DIR / "requests" / "locale",
    BASE_DIR / "students" / "locale",
    BASE_DIR / "audit" / "locale",
    BASE_DIR / "locale",
]
# Dates are typed and shown day first (dd-mm-jjjj) in both languages: common/dates.py.
FORMAT_MODULE_PATH = ["oso_portal.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
# Outside production nothing runs collectstatic: WhiteNoise finds the files where they are
# (and would warn on every start about an empty STATIC_ROOT that does not exist).
WHITENOISE_USE_FINDERS = not PRODUCTION
if DEMO_MODE:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Uploads --------------------------------------------------------------------
# The official example dossiers with attachments are about 180 kB; real ones with
# several scanned reports stay well below this. Larger files are refused.
OSO_DOSSIER_MAX_BYTES = env_int("OSO_DOSSIER_MAX_BYTES", 25 * 1024 * 1024)
# OSO gegevensset versions installed by staff (oso_version_add, the admin): data, not code.
OSO_VERSIONS_DIR = Path(env_str("OSO_PORTAL_VERSIONS_DIR", str(VAR_DIR / "oso_versions")))
# The versions the portal ships, as data the format package is given at start-up: each
# manifest names a version, its namespace, its XSD and its official stylesheet.
OSO_FORMAT_VERSION_MANIFESTS = [BASE_DIR / "oso_format" / "versions.json"]
DATA_UPLOAD_MAX_MEMORY_SIZE = OSO_DOSSIER_MAX_BYTES + 1024 * 1024
# All files of one upload on the import page together: the page refuses a larger
# request from its Content-Length, before a byte of it is read (and checks the sum
# of the files again once they are in).
OSO_UPLOAD_MAX_TOTAL_BYTES = env_int("OSO_UPLOAD_MAX_TOTAL_BYTES", 200 * 1024 * 1024)
# How many files one upload may hold, loose and in its ZIPs together. Django's own
# limit (100) would refuse a year's intake; this one follows the total cap at one file
# per 40 kB of it (a dossier is 7 to 200 kB), 5,120 for 200 MB, so that the cap on
# bytes is what staff meet. A larger upload is refused in Dutch, before any file is read.
OSO_UPLOAD_MAX_FILES = env_int(
    "OSO_UPLOAD_MAX_FILES", max(100, OSO_UPLOAD_MAX_TOTAL_BYTES // (40 * 1024))
)
DATA_UPLOAD_MAX_NUMBER_FILES = OSO_UPLOAD_MAX_FILES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- The domain -----------------------------------------------------------------
# New students get the next free number at or above this one.
STUDENT_NUMBER_START = env_int("STUDENT_NUMBER_START", 1000000001)
# Our own school's BRIN, sent with every request to the ELK/OSO endpoint.
OSO_SCHOOL_BRIN = env_str("OSO_SCHOOL_BRIN", "99XX")
OSO_ENDPOINT_URL = env_str("OSO_ENDPOINT_URL", "http://127.0.0.1:8765")
OSO_ENDPOINT_CONNECT_TIMEOUT = env_float("OSO_ENDPOINT_CONNECT_TIMEOUT", 5.0)
OSO_ENDPOINT_READ_TIMEOUT = env_float("OSO_ENDPOINT_READ_TIMEOUT", 30.0)
# The binding of the exchange seam (requests/client/exchange.py, docs/INTEGRATION.md): a class
# with from_settings(). The default speaks HTTP to the mock (or anything with its protocol).
OSO_EXCHANGE_BACKEND = env_str("OSO_EXCHANGE_BACKEND", "requests.client.endpoint.EndpointClient")
# A request still waiting for the primary school this many days after the first wait ends
# Mislukt (staff may retry it).
OSO_WAIT_MAX_DAYS = env_int("OSO_WAIT_MAX_DAYS", 42)
# How many requests go to the endpoint in one submit or results call.
OSO_REQUEST_CHUNK_SIZE = env_int("OSO_REQUEST_CHUNK_SIZE", 200)
# How many ids one database statement binds at most (id__in lists, bulk writes): a long
# list is sent in slices of this size (common/chunks.py).
OSO_ID_CHUNK_SIZE = env_int("OSO_ID_CHUNK_SIZE", 500)

# --- Celery ---------------------------------------------------------------------
# Without a broker URL the demo uses kombu's filesystem transport under var/, so
# `make run` needs no Redis. Production must name its broker.
_broker_url = env_str("CELERY_BROKER_URL", required=PRODUCTION)
BROKER_DIR = Path(env_str("OSO_BROKER_DIR", str(VAR_DIR / "broker")))
# One queue for every task; tests give each run its own so runs never share messages.
CELERY_TASK_DEFAULT_QUEUE = env_str("OSO_CELERY_QUEUE", "oso")
if _broker_url:
    CELERY_BROKER_URL = _broker_url
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Longer than any countdown the tasks use (they cap theirs below it), so a
        # delayed task is not redelivered while it is still waiting.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
    # Redis only: every key under one prefix, so several deployments (or test
    # runs) can share one Redis database without seeing each other's messages.
    _broker_key_prefix = env_str("CELERY_BROKER_KEY_PREFIX")
    if _broker_key_prefix:
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = _broker_key_prefix
else:
    # The folders are created when the Celery app loads its configuration
    # (oso_portal/celery.py). The filesystem broker has no visibility timeout:
    # a message taken by a worker that dies is gone, and the sweeper task
    # re-queues its requests once their claim expires.
    # A host name only to keep kombu from warning about its absence on every connection.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # Seconds between looks into an empty queue folder.
        "polling_interval": env_float("OSO_BROKER_POLLING_INTERVAL", 0.5),
    }
_visibility_timeout = CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout")
# Seconds; None for the filesystem broker, which has no visibility timeout.
CELERY_VISIBILITY_TIMEOUT: int | None = (
    _visibility_timeout if isinstance(_visibility_timeout, int) else None
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat compares the database with its schedule this often (seconds).
CELERY_BEAT_MAX_LOOP_INTERVAL = env_int("CELERY_BEAT_MAX_LOOP_INTERVAL", 5)

# --- Request pipeline (requests/services/pipeline.py) ---------------------------
# A worker acting on requests holds them this long, and renews the claim every
# OSO_REQUEST_CLAIM_RENEW_SECONDS while it works; the sweeper frees the rows of a worker
# that died once the claim has run out. Short, so a killed worker's rows go on soon.
OSO_REQUEST_CLAIM_SECONDS = env_int("OSO_REQUEST_CLAIM_SECONDS", 30)
OSO_REQUEST_CLAIM_RENEW_SECONDS = env_float("OSO_REQUEST_CLAIM_RENEW_SECONDS", 10.0)
# A queued task must claim its requests within this time, or the sweeper queues
# another one (a duplicate message is harmless: the claim decides). This covers the
# messages a killed worker held: Redis gives them back only after the visibility
# timeout (an hour), the filesystem broker never; the rows must not wait for that.
OSO_REQUEST_DISPATCH_GRACE_SECONDS = env_int("OSO_REQUEST_DISPATCH_GRACE_SECONDS", 30)
# First look for results this long after the endpoint accepted the requests.
OSO_POLL_FIRST_DELAY_SECONDS = env_float("OSO_POLL_FIRST_DELAY_SECONDS", 1.0)
# "Wacht op basisschool": asked again after 30 s, 60 s, ... up to this many seconds.
OSO_POLL_BASE_SECONDS = env_float("OSO_POLL_BASE_SECONDS", 30.0)
OSO_POLL_MAX_DELAY_SECONDS = env_float("OSO_POLL_MAX_DELAY_SECONDS", 900.0)
# Transient endpoint failures: retried after 2 s, 4 s, ... (with jitter) up to the cap,
# at most this many attempts in a row; then the request fails with the reason.
OSO_RETRY_BASE_SECONDS = env_float("OSO_RETRY_BASE_SECONDS", 2.0)
OSO_RETRY_MAX_DELAY_SECONDS = env_float("OSO_RETRY_MAX_DELAY_SECONDS", 300.0)
OSO_REQUEST_MAX_ATTEMPTS = env_int("OSO_REQUEST_MAX_ATTEMPTS", 8)
# An endpoint that restarted (or lost a session) no longer knows requests it accepted:
# each is submitted again with its own request id, at most this often, then it fails.
OSO_REQUEST_MAX_RESUBMITS = env_int("OSO_REQUEST_MAX_RESUBMITS", 3)
# No task countdown is ever longer than this (nor than the visibility timeout).
OSO_MAX_COUNTDOWN_SECONDS = env_float("OSO_MAX_COUNTDOWN_SECONDS", 600.0)
# Beat intervals, the defaults for common/schedules.py (staff may retime them).
OSO_POLL_DUE_INTERVAL_SECONDS = env_int("OSO_POLL_DUE_INTERVAL_SECONDS", 30)
# Often: each run is one indexed query, and a killed worker's rows wait for it.
OSO_SWEEP_INTERVAL_SECONDS = env_int("OSO_SWEEP_INTERVAL_SECONDS", 10)
# The demo reads the feed every minute, so a blue dot shows soon after the mock's clock moves.
OSO_ELK_FEED_INTERVAL_SECONDS = env_int("OSO_ELK_FEED_INTERVAL_SECONDS", 60 if DEMO_MODE else 300)
# A blue dot re-requests a student automatically, except within this many hours of
# a failed request for them (staff retry those by hand).
OSO_ELK_FAILED_COOLDOWN_HOURS = env_int("OSO_ELK_FAILED_COOLDOWN_HOURS", 24)
# A placement of a pupil the portal does not know signs the pupil up in this group
# (one per school year, created when missing) and sends the first request at once.
OSO_ELK_SIGNUPS = env_bool("OSO_ELK_SIGNUPS", default=True)
OSO_ELK_SIGNUP_GROUP = env_str("OSO_ELK_SIGNUP_GROUP", "Aanmeldingen ELK") or "Aanmeldingen ELK"

# --- Notifications (requests/services/notifications.py) ----------------------------
# The portal registers every waiting request for a notification; the chain calls back on
# OSO_NOTIFICATION_CALLBACK_URL (the callback view as the chain reaches it) when the file is
# released, signed with HMAC-SHA256 under the shared secret. Polling stays as the fallback.
OSO_NOTIFICATIONS = env_bool("OSO_NOTIFICATIONS", default=DEMO_MODE)
OSO_NOTIFICATION_SECRET = env_str(
    "OSO_NOTIFICATION_SECRET",
    # The mock's default secret (elk_mock/notifications.py): demo and tests only.
    None if PRODUCTION else "demo-notification-secret-never-use-in-production",
)
if PRODUCTION and OSO_NOTIFICATIONS and len(OSO_NOTIFICATION_SECRET or "") < 32:
    # Anyone who knows (or guesses) the secret can make the portal fetch at will.
    raise ImproperlyConfiguredEnv(
        "OSO_NOTIFICATIONS is on: OSO_NOTIFICATION_SECRET must be set (at least 32 characters)."
    )
OSO_NOTIFICATION_CALLBACK_URL = env_str(
    "OSO_NOTIFICATION_CALLBACK_URL", "http://127.0.0.1:8000/oso/notifications/"
)
# A callback signed longer ago than this (or this far in the future) is refused as a replay.
OSO_NOTIFICATION_MAX_AGE_SECONDS = env_int("OSO_NOTIFICATION_MAX_AGE_SECONDS", 300)
# A request registered for a notification is still asked this often (the fallback poll).
OSO_NOTIFICATION_FALLBACK_POLL_SECONDS = env_float("OSO_NOTIFICATION_FALLBACK_POLL_SECONDS", 3600.0)
# Registering: transient failures retried with backoff, at most this many times in a row.
OSO_NOTIFICATION_MAX_ATTEMPTS = env_int("OSO_NOTIFICATION_MAX_ATTEMPTS", 8)

# --- Security -------------------------------------------------------------------
# The model of who may do what, and why each setting is here: docs/SECURITY.md.
if PRODUCTION and DEBUG:
    # Django's technical error pages show settings, local variables and request data.
    raise ImproperlyConfiguredEnv("DEBUG must be off in production.")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfiguredEnv("SECRET_KEY must be at least 50 random characters.")

# Sessions end after 30 minutes without a request; each request restarts the clock.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The chain's notification callback is a signed machine-to-machine POST (HMAC over the
    # body, a timestamp window, delivery ids remembered): a redirect to https would only
    # make it fail, since no caller follows a redirect with a signed body.
    SECURE_REDIRECT_EXEMPT = [r"^oso/notifications/$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Set by oso_portal.middleware.SecurityHeadersMiddleware. Everything comes from our
# own origin (htmx too, from static/); no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Login throttling (audit/login_throttle.py): refused for the rest of the window
# after this many failures for one username, or from one client address (higher,
# because a school office shares one address).
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME = env_int("LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME", 5)
LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS = env_int("LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS", 20)
# How many reverse proxies append to X-Forwarded-For in front of the app (0: none,
# the client is REMOTE_ADDR). Never more than really exist: the header is forgeable.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Error reports (and the mails of mail_admins) mask BSNs and education numbers.
DEFAULT_EXCEPTION_REPORTER = "common.security.RedactingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "common.security.RedactingExceptionReporterFilter"

# --- Logging --------------------------------------------------------------------
# Every handler masks BSNs and education numbers (common.security.RedactBsnFilter),
# as a second line behind code that never logs one. Django's own loggers lose the
# handlers of its default configuration and propagate to ours, so nothing bypasses it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_bsn": {"()": "common.security.RedactBsnFilter"},
        "forbidden_without_traceback": {
            "()": "oso_portal.log_filters.ForbiddenWithoutTracebackFilter"
        },
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_bsn"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {
            "handlers": [],
            "level": "INFO",
            "propagate": True,
            "filters": ["forbidden_without_traceback"],
        },
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
