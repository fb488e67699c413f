"""Settings for every environment, driven by environment variables (12-factor).

Each knob is listed with its default in README.md ("Configuration"). Defaults are safe for
production: DEBUG is off, so SECRET_KEY must be given and every security header is on.
`make run` sets DEBUG=1 for a laptop; tests use config/test_settings.py on top of this module.
"""

import ipaddress
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The SECRET_KEY environment variable is required when DEBUG is off. "
            "Set SECRET_KEY to a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DEBUG=1 for local development."
        )
    # Local development only: a fixed key is harmless where DEBUG is on.
    SECRET_KEY = "insecure-development-key-never-used-when-debug-is-off"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Our organisation's id on LinkedIn, for "Add to LinkedIn profile" links (else our name is sent).
LINKEDIN_ORGANIZATION_ID = env.str("LINKEDIN_ORGANIZATION_ID", default="")
# Wallet requests (OID4VCI token and credential endpoints) per client address per minute.
OID4VCI_RATE_PER_MINUTE = env.int("OID4VCI_RATE_PER_MINUTE", default=30)
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # Our apps first so their templates override allauth's and Wagtail's.
    "accounts",
    "content",
    "courses",
    "assessments",
    "credentials",
    "accreditation",
    "boards",
    "learning_records",
    "backups",
    "wagtail.contrib.forms",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "ninja",  # serves the API docs' Swagger UI from our static files, not a CDN
]

MIDDLEWARE = [
    # First and last: django-prometheus times the whole stack and labels requests by view.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Early, so everything after it logs with the request's id (and its queries are observed).
    "config.request_ids.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireMfaMiddleware",
    "accounts.middleware.UserTimeZoneMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
            ],
        },
    },
]

# --- Data ------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker write while the web process reads. Connections are kept like any
    # database's (CONN_MAX_AGE): opening one and setting it up cost ~10 ms per request.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # PostgreSQL spends longer planning a page's queries than running them (3 ms against
    # 0.4 ms for the user with access status). With server-side parameters, psycopg prepares
    # a statement once it has run twice on a connection, and PostgreSQL reuses its plan.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 2}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# How long a rendered lesson body is kept (content.fragments says what invalidates it sooner).
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=600)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Accounts --------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# allauth's backend (email login), loading the user with their access status on each request.
AUTHENTICATION_BACKENDS = ["accounts.backends.AccessAwareAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
WAGTAILADMIN_LOGIN_URL = "account_login"  # one login for everyone, so MFA applies to the CMS too
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth resets passwords (rate limited, one flow)
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # and changes them, behind re-authentication

ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer alike whether or not an address has an account (the owner
# is told by email instead), so staff accounts cannot be found and targeted for lockout.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Recovery Learning] "
# Messages live in the session (server side), never in a cookie: some carry a secret shown once
# (a new board API token, a transcript link).
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Who the client is, behind proxies: one setting for allauth's limits and ours (config.rate_limits
# asks allauth). With N trusted proxies the client is the Nth address from the right of
# X-Forwarded-For; with 0 the header is ignored (a client could forge it) and REMOTE_ADDR counts.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
# Rate limits are kept in the cache: in production CACHE_URL must point at a shared cache.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="10/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Recovery Learning"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"

# --- Email -----------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Recovery Learning <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ---------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Recovery Learning"
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # never send people's email hashes to a third party
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "txt"]
WAGTAILIMAGES_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "svg"]
# Approving a workflow publishes through our action, which records clinical reviews.
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.review_finish.publish_approved"
# How long a clinical review of medication content stays current.
CLINICAL_REVIEW_INTERVAL_MONTHS = env.int("CLINICAL_REVIEW_INTERVAL_MONTHS", default=12)
# Learners who completed a course this many months before a material correction are told of it.
CORRECTIONS_NOTIFY_MONTHS = env.int("CORRECTIONS_NOTIFY_MONTHS", default=24)
# "Mark as complete" needs this share of a lesson's estimated time spent on it (0 to 1).
LESSON_MIN_TIME_SHARE = env.float("LESSON_MIN_TIME_SHARE", default=0.5)
if not 0 <= LESSON_MIN_TIME_SHARE <= 1:
    raise ImproperlyConfigured("LESSON_MIN_TIME_SHARE must be between 0 and 1")

# --- Static and media ------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Personal records (training evidence): never under MEDIA_URL; views check who may read them.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")

# Credentials are signed by the site's did:web (derived from SITE_URL unless set here). The
# current key's private part comes from CREDENTIALS_SIGNING_KEY (a private Multikey, sealed or
# not) or from a file under CREDENTIALS_KEY_DIR that `credentials_key_add` writes; never the repo.
CREDENTIALS_ISSUER_DID = env.str("CREDENTIALS_ISSUER_DID", default="")
CREDENTIALS_SIGNING_KEY = env.str("CREDENTIALS_SIGNING_KEY", default="")
CREDENTIALS_KEY_DIR = env.path("CREDENTIALS_KEY_DIR", default=BASE_DIR / "private-keys")
# Encryption at rest (credentials/key_wrapping.py): with a key-encryption key (KEK) or a KMS
# wrapper set, private keys are stored sealed and a plain one is refused. Previous KEKs stay
# readable during a rotation until `credentials_key_wrap` re-seals under the current one.
CREDENTIALS_KEY_ENCRYPTION_KEY = env.str("CREDENTIALS_KEY_ENCRYPTION_KEY", default="")
CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS = env.list(
    "CREDENTIALS_KEY_ENCRYPTION_KEYS_PREVIOUS", default=[]
)
CREDENTIALS_KEY_WRAPPER = env.str("CREDENTIALS_KEY_WRAPPER", default="")
# Certification renewal: reminders so many days before the end, renewal possible from the first
# of them, and a grace period after the end before the status list marks it suspended.
CREDENTIALS_RENEWAL_REMINDER_DAYS = env.list(
    "CREDENTIALS_RENEWAL_REMINDER_DAYS", cast=int, default=[60, 14]
)
CREDENTIALS_GRACE_DAYS = env.int("CREDENTIALS_GRACE_DAYS", default=30)
# Who we are to CE trackers and accreditors, in their completion exports.
CE_PROVIDER_ID = env.str("CE_PROVIDER_ID", default="")
# Days after a credit claim when the learner is asked whether their practice changed.
CE_FOLLOW_UP_DAYS = env.int("CE_FOLLOW_UP_DAYS", default=60)
CE_PROVIDER_NAME = env.str("CE_PROVIDER_NAME", default="Recovery Learning")
# Anonymous use of the verification API, per client address and minute.
CREDENTIALS_API_RATE_LIMITS = {
    "verify": env.int("RATE_LIMIT_VERIFY", default=60),
    "bulk": env.int("RATE_LIMIT_VERIFY_BULK", default=1000),  # credentials, not requests
    "board": env.int("RATE_LIMIT_BOARD_API", default=600),  # a board's token, any endpoint
    "board_bulk": env.int("RATE_LIMIT_BOARD_BULK", default=20000),  # credentials, by token
}
# --- xAPI learning records ----------------------------------------------------------------
# Statements wait in the outbox until an LRS is configured; then the task worker sends them.
XAPI_LRS_ENDPOINT = env.str("XAPI_LRS_ENDPOINT", default="")  # e.g. https://lrs.example.org/xAPI/
XAPI_LRS_USERNAME = env.str("XAPI_LRS_USERNAME", default="")
XAPI_LRS_PASSWORD = env.str("XAPI_LRS_PASSWORD", default="")
XAPI_BATCH_SIZE = env.int("XAPI_BATCH_SIZE", default=100)
XAPI_LRS_TIMEOUT = env.float("XAPI_LRS_TIMEOUT", default=10.0)  # seconds per request
XAPI_DELIVERY_INTERVAL = env.int("XAPI_DELIVERY_INTERVAL", default=15)  # seconds between rounds

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need collectstatic; DEBUG serves the files as they are.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security --------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and orchestrators probe health over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: scripts, styles, fonts and requests come from our origin only
# (config/csp.py). Violations are reported to CSP_REPORT_URI when it is set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": env.str("CSP_REPORT_URI", default="") or None,
    }
}
# Allowances by path prefix (config/csp.py). Wagtail 8's admin writes inline scripts (its date
# and chooser widgets, StreamField) and inline styles (the rich-text editor), and frames its own
# live preview; no nonce or hash can cover them, so they hold under /cms/ only: staff with a
# second factor, never a page a learner or a board sees. The Django admin needs none.
CONTENT_SECURITY_POLICY_PATH_REPLACE: dict[str, dict[str, list[str]]] = {
    "/cms/": {
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way door for a domain; it is opt-in through SECURE_HSTS_PRELOAD.
    "security.W021",
]

# --- Internationalisation and logging --------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# "plain" (the message alone, as `make run` shows it) or "json": one object per line with time,
# level, logger, message, request_id and exception, for a log shipper (config/logging_json.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'")
# Queries slower than this many milliseconds are logged (SQL without its parameters) on
# `recovery.slow_query`; 0 turns the log off.
SLOW_QUERY_MS = env.float("SLOW_QUERY_MS", default=200)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logging_json.RequestIdFilter"}},
    "formatters": {"json": {"()": "config.logging_json.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Monitoring ------------------------------------------------------------------------------

# /metrics (config/metrics.py) answers only a scraper that sends `Authorization: Bearer <token>`
# or comes from one of these addresses or networks (the client address as TRUSTED_PROXY_COUNT
# determines it); everyone else, and everyone when neither is set, gets a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])  # e.g. 10.0.0.5,10.1.0.0/16
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network.strip(), strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {error}") from None
