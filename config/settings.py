"""Xieshang settings. Every value that varies between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from core.config import CONSTANCE_ADDITIONAL_FIELDS as DISTRICT_RULE_TYPES
from core.config import CONSTANCE_CONFIG as DISTRICT_RULES
from core.config import CONSTANCE_CONFIG_FIELDSETS as DISTRICT_RULE_FIELDSETS
from core.env import (
    DEVELOPMENT_FIELD_ENCRYPTION_KEY,
    DEVELOPMENT_SECRET_KEY,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)
# The development defaults are public: `manage.py check` refuses them with DEBUG off (core/checks.py).
SECRET_KEY = env_secret("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Field-level encryption of personal data (phone, ID numbers, addresses). Base64 of 16 or 32 bytes.
FIELD_ENCRYPTION_KEY = env_secret("FIELD_ENCRYPTION_KEY", DEVELOPMENT_FIELD_ENCRYPTION_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    # core.third_party: these packages' names and labels in the reader's language (locale/zh_Hans).
    "core.third_party.SimpleHistoryConfig",
    "rules.apps.AutodiscoverRulesConfig",
    "constance",
    "core.third_party.AxesConfig",
    "django_otp",
    "core.third_party.OtpTotpConfig",
    "django_tasks",
    "core.third_party.TasksDatabaseConfig",
    # Ours, foundation first.
    "core",
    "accounts",
    "district",
    "notifications",
    # Domain areas.
    "topics",
    "consultations",
    "supervision",
    "proposals",
    "opinions",
    "intake",
    "grassroots",
    "analytics",
    "insight",
    "open311",
    "webhooks",
]

MIDDLEWARE = [
    # /healthz answered first: a local probe (http://127.0.0.1:8000/healthz) needs neither the public host
    # name nor HTTPS, and the answer says nothing but "ok" or "database unavailable".
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
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
                "core.context_processors.site",
            ],
        },
    },
]

# Embedded default: SQLite, so `make run` needs no server. Production: DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Django binds parameters on the client and never prepares its own queries; the threshold only
    # lets the public submission's one-statement insert (core.fastwrite) be prepared once per
    # connection. false for a pooler that can't keep prepared statements (PgBouncer in transaction
    # mode before 1.21, or without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A page cache of SQLITE_CACHE_MB per connection (SQLite's default is 2 MB): a page's
        # count and its rows read the same index pages twice; with 2 MB the second read went to
        # the file again (full-text search by town at a million appeals: p50 322 → 69 ms).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA cache_size=-{env_int('SQLITE_CACHE_MB', 64) * 1024};",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not :memory:, so that tests with threads and the live server share one database.
    DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", str(BASE_DIR / "var" / "test.sqlite3"))}
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(env_str("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.db_router.PrimaryReplicaRouter"]
    # After a change, the same browser reads the primary for this long (the replica's lag is far less).
    REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 5)
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "core.db_router.ReplicaPinMiddleware"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xieshang"}
    )
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Complexity (graded protection): at least this many of upper case, lower case, digits and symbols, and
    # no run of one character longer than PASSWORD_MAX_REPEAT.
    {
        "NAME": "accounts.passwords.ComplexityValidator",
        "OPTIONS": {
            "min_classes": env_int("PASSWORD_MIN_CHAR_CLASSES", 3),
            "max_repeat": env_int("PASSWORD_MAX_REPEAT", 3),
        },
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Graded-protection expectations: lock-out, idle session timeout, two-factor for staff.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address for every per-address limit (axes, django-ratelimit's "ip" key, the API's throttles,
# accounts.login_limits): core.http.client_address. Behind a reverse proxy, list the proxy's addresses (or
# networks) in TRUSTED_PROXIES, e.g. 127.0.0.1 for nginx on the same machine: X-Forwarded-For is then read
# from requests that come from them, and only from them. Empty (the default): REMOTE_ADDR, the header ignored.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "core.http.client_address"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ENFORCE_STAFF_2FA = env_bool("ENFORCE_STAFF_2FA", False)
# An API token works this many days after its creation (0: until revoked); then a new one is made.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
OTP_TOTP_ISSUER = "Xieshang"
# An e-mailed "忘记密码" link works this long (and once). Activation links for accounts the office opens
# last ACCOUNT_ACTIVATION_DAYS, a district rule (core/config.py).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24) * 3600

USE_TLS = env_bool("USE_TLS", False)
SECURE_SSL_REDIRECT = USE_TLS
SESSION_COOKIE_SECURE = USE_TLS
CSRF_COOKIE_SECURE = USE_TLS
SECURE_HSTS_SECONDS = 31536000 if USE_TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = USE_TLS
SECURE_HSTS_PRELOAD = USE_TLS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if USE_TLS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Dates render in the first input format: ISO first, as HTML date inputs need (config/formats).
FORMAT_MODULE_PATH = "config.formats"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
# var/vendor holds the few files copied from node_modules by scripts/vendor_assets.py (make setup).
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "var" / "vendor"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("STATIC_PLAIN", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads live outside the web root and are only ever served through a view, as attachments.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/files/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a mail server may take to answer: a notification's e-mail is sent holding its row, so a hung
# server must not hold it (nor the task worker) for ever. A failed e-mail is retried (retry_notification_emails).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "xieshang@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Background work: the django.tasks API. Immediate in the embedded default and in tests;
# USE_DB_TASKS=true stores tasks in the database for `manage.py db_worker` processes.
TASKS = {
    "default": (
        {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
        if env_bool("USE_DB_TASKS", False)
        else {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    )
}
# A database-queue task still RUNNING this many minutes after it started was left by a dead worker
# (`manage.py requeue_stale_tasks` puts the ones safe to run twice back in the queue). Keep it above the
# longest task's run time.
TASK_STALE_MINUTES = env_int("TASK_STALE_MINUTES", 30)
# The load benchmark's baseline view /bench/bare (benchmarks/intake_load.sh sets it); 404 otherwise.
BENCHMARK_VIEWS = env_bool("BENCHMARK_VIEWS", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ScopedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.IsAuthenticatedWithScope"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.filters.CheckedOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Xieshang API",
    "DESCRIPTION": _("协商平台开放接口：所有记录的查询、流程操作与审计记录。"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Choice sets read by more than one component (a meeting in its list and in its detail) get a stable name.
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "consultations.models.meetings.MeetingKind",
        "MeetingStatusEnum": "consultations.models.meetings.MeetingStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

RATELIMIT_VIEW = "core.views.ratelimited"
# key="ip" counts per client, read behind a trusted proxy as TRUSTED_PROXIES says (above).
RATELIMIT_IP_META_KEY = "core.http.client_address"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Failed sign-ins one network address may make (accounts.views.LoginView), whatever the accounts tried.
LOGIN_FAILURES_PER_ADDRESS = env_str("LOGIN_FAILURES_PER_ADDRESS", "30/h")

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

# District rules are configuration: these are the seed district's values, editable by the office.
CONSTANCE_BACKEND = "core.config_backend.ProcessCachedDatabaseBackend"
# Each process keeps a copy of the rules for this many seconds (an edit reaches the other processes
# within it); 0 reads the database (or the shared cache) on every access.
CONSTANCE_PROCESS_CACHE_SECONDS = env_int("CONSTANCE_PROCESS_CACHE_SECONDS", 5)
# Public forms resolve a chosen town, community or category from a per-process copy this old at most
# (core.forms.ReferenceChoiceField); 0 queries on every submission.
REFERENCE_DATA_CACHE_SECONDS = env_int("REFERENCE_DATA_CACHE_SECONDS", 5)
# The statistics dashboard's figures and year picker for the district or a department are computed once
# in this many seconds and shared from the cache (insight.selectors.dashboard); 0 computes them per request.
INSIGHT_CACHE_SECONDS = env_int("INSIGHT_CACHE_SECONDS", 300)
# A dashboard's figures stay in the cache this long (the oldest figures a viewer may be shown): older
# than INSIGHT_CACHE_SECONDS they are still served at once while one background task computes them
# again (insight.tasks.refresh_dashboard); once gone, the next viewer waits for the computation.
INSIGHT_CACHE_KEEP_SECONDS = env_int("INSIGHT_CACHE_KEEP_SECONDS", 900)
CONSTANCE_CONFIG = DISTRICT_RULES
CONSTANCE_ADDITIONAL_FIELDS = DISTRICT_RULE_TYPES
CONSTANCE_CONFIG_FIELDSETS = DISTRICT_RULE_FIELDSETS
if env_str("REDIS_URL"):
    # With a shared cache every process sees an edited rule at once; a per-process cache would not.
    CONSTANCE_DATABASE_CACHE_BACKEND = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line with its time, level, logger and process (the web's, the workers' and the jobs' logs).
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"xieshang": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
