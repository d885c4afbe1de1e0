"""Settings for Bekitu: one module, read from the environment, safe defaults for production."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "config.apps.BekituAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "simple_history",
    "import_export",
    "django_tasks",
    "config.apps.BackgroundTasksConfig",  # django_tasks_db
    "config.apps.LoginAttemptsConfig",  # axes
    "csp",
    "django_otp",
    "config.apps.TwoFactorDevicesConfig",  # django_otp.plugins.otp_totp
    "patients",
    "attachment",
    "coverage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view or session look-up: a NUL in the request is a 400 (PostgreSQL refuses it).
    "config.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.AddressRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set: `make run` and `make test` start a local PostgreSQL cluster; "
        "elsewhere set DATABASE_URL=postgres://user:password@host:5432/bekitu"
    )
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("Bekitu runs on PostgreSQL only (DATABASE_URL=postgres://…).")
# Reports and exports read from a read replica when one is given; writes always go to the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPORTS_DATABASE = "replica" if DATABASE_REPLICA_URL else "default"
DATABASE_ROUTERS = ["attachment.reports.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Rate-limit counters are shared by every web worker: the cache is a table of the database
# (`manage.py createcachetable` creates it; the test runner does so itself).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bekitu_cache"}}
# The public coupon check, per client address.
COUPON_CHECKS_PER_MINUTE = int(os.environ.get("COUPON_CHECKS_PER_MINUTE", 30))

# Brute-force protection first (django-axes refuses a locked-out username and address before
# the password is even checked), then the ordinary password check. Every login path passes the
# request to authenticate(); tests log in with force_login or pass request=HttpRequest().
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", 1))  # hours
# A clinic's staff share one address behind NAT: lock the username at that address, not the clinic.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Password spraying across usernames: wrong passwords from one address (all usernames together)
# within the cool-off period before that address is refused (config/middleware.py).
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", 30))
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind N reverse proxies set AXES_PROXY_COUNT=N; otherwise X-Forwarded-For is not trusted.
# The lockout, the rate limits and the access log read the address with one function, which
# then takes the N-th address from the right of X-Forwarded-For (patients.access.client_address;
# without django-ipware, django-axes on its own would read REMOTE_ADDR only).
AXES_CLIENT_IP_CALLABLE = "patients.access.client_address"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT") or 0) or None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Kazakh number and date formats
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "templates" / "static"]

# Uploaded register files (the import worker reads them: share this directory with the workers).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads stream to a temporary file
DATA_UPLOAD_MAX_NUMBER_FILES = 10

SIMPLE_HISTORY_REVERT_DISABLED = True
# A record's history is read by (id, history_date): patients/history.py indexes that pair instead.
SIMPLE_HISTORY_DATE_INDEX = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Admin import changes data: it needs the change permission; export needs the view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True  # an import with any bad row writes nothing

COUNTRIES_FIRST = ["KZ", "RU", "KG", "UZ", "TJ", "TM", "AZ", "AM", "BY", "CN"]
# django-countries has no Kazakh catalogue: the countries listed first are named in ours.
COUNTRIES_OVERRIDE = {
    "KZ": _("Kazakhstan"),
    "RU": _("Russia"),
    "KG": _("Kyrgyzstan"),
    "UZ": _("Uzbekistan"),
    "TJ": _("Tajikistan"),
    "TM": _("Turkmenistan"),
    "AZ": _("Azerbaijan"),
    "AM": _("Armenia"),
    "BY": _("Belarus"),
    "CN": _("China"),
}

# Personal data never goes to the logs: only levels and request paths (no IIN in paths).
# A filter on every handler replaces anything shaped like an IIN (database errors quote values).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_iin": {"()": "patients.log_filters.RedactIinFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_iin"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every PDF step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# A session ends after 30 minutes without a request (every request pushes the expiry on) and
# when the browser closes. A password change ends every other session of that user (Django's
# session auth hash); the session that changed it stays.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): scripts, styles and everything else from our own origin
# only; no inline scripts, no inline styles, no framing. The printable forms (coupon, refusal)
# carry their print stylesheet inline (WeasyPrint renders the same HTML without a server): a
# <style nonce="{{ request.csp_nonce }}"> is allowed, the nonce is sent only when a page uses it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Behind a proxy or balancer that terminates TLS: the header it sets on HTTPS requests, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO (value "https"; "HEADER,value" names another).
# Only when the proxy always sets or strips that header: a client could send it otherwise.
if os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    _header, _, _value = os.environ["SECURE_PROXY_SSL_HEADER"].strip().partition(",")
    SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")

# Administrators may add a TOTP device (django-otp); once it is confirmed, the admin asks for a
# token at login (config/admin.py). Registrars' pages never ask for one.
OTP_TOTP_ISSUER = "Bekitu"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    # Plain HTTP is redirected to HTTPS unless SECURE_SSL_REDIRECT=0 says the proxy in front
    # does it (the explicit opt-out); behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# How many days back a registrar may date an application's receipt (a paper application
# recorded after a weekend or an outage); earlier days are for rules administrators.
RECEIPT_DATE_GRACE_DAYS = int(os.environ.get("RECEIPT_DATE_GRACE_DAYS", 3))

# Reference data loaders run in order by `manage.py load_reference_data` (each idempotent).
REFERENCE_DATA_LOADERS = [
    "patients.reference_data.load",
    "attachment.reference_data.load",
    "coverage.reference_data.load",
    "attachment.reports.reference_data.load",
]

# Where the start page finds dated rule changes ahead: f(*, today, until) -> (date, what, change).
RULE_CHANGE_SOURCES = [
    "attachment.reports.dashboard.attachment_rule_changes",
    "coverage.selectors.rule_changes_pending",
]
