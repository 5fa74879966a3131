"""Settings for valdprogram, read from environment variables.

Local development needs no variables at all: DEBUG is on and the database is a SQLite
file. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; anything
missing or malformed fails loudly at start-up rather than running half-configured.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from accounts.config import LOCAL_LOGIN_CHOICES, OidcConfig, authentication_backends

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-never-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")

# Demo mode: `manage.py seed_demo` may create demo users with known passwords. Never in
# production, where DEBUG is off.
DEMO_MODE = env_bool("DEMO_MODE", default=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "valdprogram.apps.AxesConfig",  # axes, named in Swedish
    "csp",
    "django_htmx",
    "django_tasks",
    "valdprogram.apps.TasksDatabaseConfig",  # django_tasks_db, named in Swedish
    "simple_history",
    "template_partials",
    "catalog",
    "followup",
    "accounts",
    "records",
    "dialogue",
    "about",
    "attachments",
    "publishing",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "valdprogram.errors.ApiErrorsAsJsonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known, for the 400 page it answers with.
    "valdprogram.nul_refused.NulRefusedMiddleware",
    "valdprogram.middleware.SessionAwareLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "valdprogram.urls"
WSGI_APPLICATION = "valdprogram.wsgi.application"

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
                "csp.context_processors.nonce",
                "followup.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads and the task worker share the file: readers never block the writer
    # (WAL), a writer waits for the lock instead of failing at once, and a transaction that
    # will write takes the lock when it starts rather than failing halfway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The city's login (OpenID Connect, README "Inloggning med stadens konto"): on when every
# required variable is set; a half-configured one is reported by `manage.py check`. The
# backends are Axes, the password login and, when it is on, the city's login.
OIDC = OidcConfig(
    issuer=env_str("OIDC_ISSUER", ""),
    client_id=env_str("OIDC_CLIENT_ID", ""),
    client_secret=env_str("OIDC_CLIENT_SECRET", ""),
    authorization_endpoint=env_str("OIDC_AUTHORIZATION_ENDPOINT", ""),
    token_endpoint=env_str("OIDC_TOKEN_ENDPOINT", ""),
    jwks_uri=env_str("OIDC_JWKS_URI", ""),
    userinfo_endpoint=env_str("OIDC_USERINFO_ENDPOINT", ""),
    end_session_endpoint=env_str("OIDC_END_SESSION_ENDPOINT", ""),
    scopes=env_str("OIDC_SCOPES", "openid profile email"),
    id_claim=env_str("OIDC_ID_CLAIM", "sub"),
    roles_claim=env_str("OIDC_ROLES_CLAIM", "roles"),
)
AUTHENTICATION_BACKENDS = authentication_backends(OIDC.enabled)
globals().update(OIDC.django_settings())
# Password login: "all" accounts, or only the break-glass administrators named in
# LOCAL_LOGIN_USERS ("breakglass") once everyone else signs in through the city's login.
LOCAL_LOGIN = env_str("LOCAL_LOGIN", "all")
if LOCAL_LOGIN not in LOCAL_LOGIN_CHOICES:
    raise ImproperlyConfigured(
        f"LOCAL_LOGIN must be one of {', '.join(LOCAL_LOGIN_CHOICES)}, not {LOCAL_LOGIN!r}."
    )
LOCAL_LOGIN_USERS = env_list("LOCAL_LOGIN_USERS", "")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "/"

# Login throttling: five failed attempts for one username from one address locks that
# pair out for a quarter of an hour. Counted in the database, so it holds across app servers.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False
AXES_WHITELIST_CALLABLE = "accounts.local.axes_exempt"
# Failed logins are kept (not only counted until the next success) for the audit export.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

SESSION_ENGINE = "valdprogram.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
# Swedish for the third-party apps that have none of their own (django-axes, django-tasks-db,
# simple_history's admin): read before the apps' own translations.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Uploaded and generated files (the documents the task worker makes) go through Django's
# storage API, STORAGES["default"]: files under MEDIA_ROOT here; an S3-compatible bucket in
# production through django-storages (README, "Documents").
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"  # never served as such: documents go out through a view that checks access
# How long a made document (ZIP of styrkort, samlad uppföljning, halvtidsrapport) is kept.
DOCUMENT_KEEP_HOURS = env_int("DOCUMENT_KEEP_HOURS", 24)
# How many worker processes render the PDFs of a ZIP of every board's styrkort
# (followup/documents/parallel.py): by default one per core; 1 renders them in the task's
# own process.
DOCUMENT_RENDER_PROCESSES = env_int("DOCUMENT_RENDER_PROCESSES", os.cpu_count() or 1)
# Published results (publishing.suppression): a count from 1 to this minus one reads "färre
# än 5" on the public pages and in open data.
PUBLIC_SUPPRESSION_THRESHOLD = env_int("PUBLIC_SUPPRESSION_THRESHOLD", 5)
# The city's logo on the documents (followup/documents/issuer.py): a folder the operator
# fills with one file per programme, named by its slug (stockholm-2021-2025.svg, .png or
# .jpg). Shipped empty: no logo, the documents name the organisation in text.
DOCUMENT_LOGO_DIR = env_str("DOCUMENT_LOGO_DIR", "")
if DOCUMENT_LOGO_DIR and not Path(DOCUMENT_LOGO_DIR).is_dir():
    raise ImproperlyConfigured(f"DOCUMENT_LOGO_DIR {DOCUMENT_LOGO_DIR!r} is not a folder.")
# Up to this many boards the city-wide export streams in the request (Stockholm's 23 take
# a fraction of a second, and the download starts at once); beyond, the task worker makes it
# (2,300 boards take seconds, too long to hold a web worker's thread and the connection).
CITY_EXPORT_STREAM_BOARDS = env_int("CITY_EXPORT_STREAM_BOARDS", 200)

# The samlad uppföljning's PDF quotes the boards' analyses of a goal and its appendix the
# boards' values for up to this many boards (Stockholm's 23 all); beyond, the first this many
# and where the rest is (the samlad page's paged lists, the city export), so that the document
# stays readable and the task worker's memory bounded (2,300 boards: 8 GB, 451 s).
CITY_FOLLOWUP_PDF_BOARDS = env_int("CITY_FOLLOWUP_PDF_BOARDS", 100)

# Retention (gallring, README "Gallring"): how many days each kind of data is kept before
# `manage.py gallra` removes it; what is not named here (reports, figures, comments,
# attachments, history) is kept. A proposal for the city's gallringsbeslut; checked by
# `manage.py check` (records.checks).
RETENTION = {
    "sessions": env_int("RETENTION_SESSIONS_DAYS", 0),  # days after the session expired
    "login_attempts": env_int("RETENTION_LOGIN_ATTEMPTS_DAYS", 90),
    "login_log": env_int("RETENTION_LOGIN_LOG_DAYS", 365),
    "reminders": env_int("RETENTION_REMINDERS_DAYS", 365),
    "excel_imports": env_int("RETENTION_EXCEL_IMPORTS_DAYS", 1),
    "documents": env_int("RETENTION_DOCUMENTS_DAYS", 0),  # days after the document expired
    "tasks": env_int("RETENTION_TASKS_DAYS", 30),
    "notifications": env_int("RETENTION_NOTIFICATIONS_DAYS", 180),
}

# Background work (documents, e-mail) is queued in the database and run by
# `manage.py db_worker`: no other server. On Django 6 only the import path changes.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "valdprogram@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# Largest Excel file a board may upload (the template of a district board is about 30 kB).
EXCEL_UPLOAD_MAX_BYTES = env_int("EXCEL_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
# Attachments (evidence a board keeps with its report): the largest file, and all of one
# report's files together. Checked while the upload arrives (attachments.uploads).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
ATTACHMENT_REPORT_MAX_BYTES = env_int("ATTACHMENT_REPORT_MAX_BYTES", 50 * 1024 * 1024)
# Password reset links ("Glömt lösenordet?") stay valid this long.
PASSWORD_RESET_TIMEOUT = 60 * 60 * env_int("PASSWORD_RESET_HOURS", 2)
# Absolute links in e-mails (reminders): a cron job has no request to build them from.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Who runs the service, named by the accessibility statement and "Om tjänsten" (about/):
# Stockholm's as the example. `check --deploy` warns when the contact address is empty.
SERVICE_ORGANISATION = env_str("SERVICE_ORGANISATION", "Stockholms stad")
SERVICE_ADMINISTRATION = env_str("SERVICE_ADMINISTRATION", "Socialförvaltningen")
SERVICE_CONTACT_EMAIL = env_str("SERVICE_CONTACT_EMAIL", "socialforvaltningen@stockholm.se")
SERVICE_CONTACT_PHONE = env_str("SERVICE_CONTACT_PHONE", "")

# Everything the app serves comes from itself: no CDN, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *OIDC.form_action_origins()],
    },
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
