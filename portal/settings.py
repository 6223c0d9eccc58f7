"""Settings for Ward Connect, read from the environment with django-environ.

Defaults let a fresh clone run with no server at all (SQLite, a filesystem Celery broker, an in-process
cache). Setting DATABASE_URL, REDIS_URL and CELERY_BROKER_URL switches to PostgreSQL and Redis; nothing
else changes between a laptop and production except what the environment says.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# .env first, so that every setting below, the var directory included, can come from it.
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
# Where the portal keeps its files (SQLite, media, the embedded broker, the cache). Created when Django starts
# (portal.apps), not when these settings are read.
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The fallback key only exists so a fresh clone runs (`make run`, management commands). With DEBUG off the web
# server and the worker refuse to start on it (portal.startup), since it signs sessions, reader links and codes.
INSECURE_SECRET_KEY = "django-insecure-ward-connect-local-only"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
PUBLIC_BASE_URL = env.str("PORTAL_PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Unset, pages build their links (invite link, QR poster) from the address they are served from; messages sent
# by the worker, which has no request, use the default above.
PUBLIC_BASE_URL_SET = bool(env.str("PORTAL_PUBLIC_BASE_URL", default=""))

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
    "csp",
    "allauth",
    "allauth.account",
    "portal.apps.PortalConfig",
    "groups",
    "channels",
    "announcements",
    "feedback",
    "campaigns",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body (the CSRF check, the input cleaning): an oversized one is never read.
    "portal.middleware.BodySizeMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.middleware.CleanInputMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.PrivatePagesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.staff",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
# Persistent connections: a worker runs thousands of short tasks, and a new PostgreSQL connection each costs more
# than the task. Health checks drop a connection the server closed before it is reused.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: PostgreSQL compiles any query it estimates as large before running it, 100 ms and more that the
    # portal's queries (a few ms to a second each, often estimated far too large on a month's fresh partition)
    # never earn back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the Celery worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

# A read replica of PostgreSQL (streaming replication), for a province that outgrows one database: the province's
# page, API and report read from it (portal.common.replica); everything else stays on the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.common.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Staff accounts are created by an admin (or invited by email); nobody signs themselves up as staff.
ACCOUNT_ADAPTER = "portal.accounts.StaffOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
# No mail to an address that has no account: it would invite the stranger to sign up, which staff cannot do.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "today"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# locale/ is the portal's own catalogue (make messages refreshes it); locale_allauth/ gives django-allauth, which
# ships no Vietnamese, the words of the account pages staff meet (sign in and out, password reset and change),
# kept by hand with allauth's own msgids. The first catalogue wins where both have a word.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_allauth"]
TIME_ZONE = env.str("PORTAL_TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploads (report photos, announcement files, minutes, report files) on one disk by default; on an S3-compatible
# store when PORTAL_S3_BUCKET is set, so several web and worker machines share them. Either way no file is
# served by its address: every download goes through a view that checks who may see it, which reads the file
# from the store (private objects, no public URL handed out).
S3_BUCKET = env.str("PORTAL_S3_BUCKET", default="")
if S3_BUCKET:
    UPLOADS = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("PORTAL_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("PORTAL_S3_REGION", default="") or None,
            "access_key": env.str("PORTAL_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("PORTAL_S3_SECRET_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    UPLOADS = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": UPLOADS,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("PORTAL_MANIFEST_STATIC", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from static/ when nobody ran collectstatic (a fresh clone, the test suite).
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: a member list of a whole ward is well under this; anything larger is not a member list.
IMPORT_MAX_BYTES = env.int("PORTAL_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("PORTAL_IMPORT_MAX_ROWS", default=20000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
JOIN_RATE_LIMIT_PER_HOUR = env.int("PORTAL_JOIN_RATE_LIMIT_PER_HOUR", default=20)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Ket noi Phuong <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: the embedded default is kombu's filesystem transport, which needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # Broadcast (remote control) exchanges otherwise land in ./control of the working directory.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    # A worker asks the default queue first, then "bulk" (announcements.tasks): a ward's notice, a resident's
    # code, a confirmation go before the next batch of a province-wide alert, which has every moment left over.
    else {"visibility_timeout": 3600, "queue_order_strategy": "priority"}
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker takes a task only when one of its processes is free: none waits in its hands while a ward's notice
# arrives in the default queue, which it asks first (Redis only; the embedded broker has one worker anyway).
CELERY_WORKER_DISABLE_PREFETCH = CELERY_BROKER_URL.startswith("redis")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "imports-expire": {"task": "portal.tasks.imports_expire", "schedule": 3600.0},
    "escalate-overdue-feedback": {"task": "feedback.tasks.reports_escalate_overdue", "schedule": 300.0},
    # One sweeper for due schedules, retries, mornings after quiet hours and batches a dead worker left.
    "sweep-deliveries": {
        "task": "announcements.tasks.deliveries_sweep",
        "schedule": env.float("PORTAL_SWEEP_SECONDS", default=30.0),
    },
    # At night: the delivery table's coming months made, the months past the retention period removed.
    "keep-deliveries": {"task": "announcements.tasks.deliveries_keep", "schedule": crontab(hour=2, minute=30)},
}

# Announcements: fan-out tuning. A claimed batch not finished within the lease is taken over by another worker.
DELIVERY_LEASE_SECONDS = env.int("PORTAL_DELIVERY_LEASE_SECONDS", default=300)
# How long a send chain counts as alive after it last took a batch; while it does, the sweeper starts no other
# chain for that channel. At most the lease, so that a dead worker's batch is taken over within lease + a sweep.
DELIVERY_HEARTBEAT_SECONDS = min(env.int("PORTAL_DELIVERY_HEARTBEAT_SECONDS", default=60), DELIVERY_LEASE_SECONDS)
# Tries of one request that get no answer, in a row, before its delivery fails ("retry failed" tries again).
# A try without an answer is safe to repeat (the same request id, which the provider deduplicates), so a row is
# tried for about an hour (30 s doubling, at most 10 minutes apart) before an officer is told it failed: a
# gateway that fails one request in five does not fail anyone.
DELIVERY_MAX_ATTEMPTS = env.int("PORTAL_DELIVERY_MAX_ATTEMPTS", default=10)
# A delivery whose every try went unanswered is "outcome unknown", never "failed": on a channel whose provider
# deduplicates request ids (SMS), its request is asked again this long after, up to this many times.
DELIVERY_SETTLE_AFTER_SECONDS = env.float("PORTAL_DELIVERY_SETTLE_AFTER_SECONDS", default=600)
DELIVERY_SETTLE_ROUNDS = env.int("PORTAL_DELIVERY_SETTLE_ROUNDS", default=3)
DELIVERY_RETRY_BASE_SECONDS = env.float("PORTAL_DELIVERY_RETRY_BASE_SECONDS", default=30.0)
DELIVERY_RETRY_MAX_SECONDS = env.float("PORTAL_DELIVERY_RETRY_MAX_SECONDS", default=600.0)
# A channel whose credentials the provider refuses even after a refresh pauses this long, then tries again (an
# admin fixing the token or key in the meantime): its messages wait, none is failed for it.
DELIVERY_AUTH_PAUSE_SECONDS = env.int("PORTAL_DELIVERY_AUTH_PAUSE_SECONDS", default=900)
DELIVERY_PARALLEL_CHAINS = env.int("PORTAL_DELIVERY_PARALLEL_CHAINS", default=4)
# An audience of at least this many declared households is made (its delivery rows inserted) by this many
# database connections at once, each inserting a share of the people: one per core the database has is what
# helps. PostgreSQL only.
DELIVERY_MATERIALIZE_PARTS = env.int("PORTAL_DELIVERY_MATERIALIZE_PARTS", default=2)
# Who an announcement went to, at which address, and a personal message's text are personal data: kept this many
# full months after the month they went out, then summarised into the roll-ups and removed (0: kept for ever).
DELIVERY_RETENTION_MONTHS = env.int("PORTAL_DELIVERY_RETENTION_MONTHS", default=12)
DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS = env.int("PORTAL_DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS", default=20_000)
# Routine SMS wait for the morning; urgent ones go at once. Zalo refuses 22:00-06:00 by itself (-234).
QUIET_HOURS_SMS = env.str("PORTAL_QUIET_HOURS_SMS", default="21:00-07:00")
ZALO_NIGHT_RESUME = env.str("PORTAL_ZALO_NIGHT_RESUME", default="06:00")
ANNOUNCEMENT_MAX_IMAGES = 5
ANNOUNCEMENT_MAX_IMAGE_BYTES = env.int("PORTAL_ANNOUNCEMENT_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
ANNOUNCEMENT_MAX_DOCUMENT_BYTES = env.int("PORTAL_ANNOUNCEMENT_MAX_DOCUMENT_BYTES", default=10 * 1024 * 1024)

# Report: office hours and deadlines (Hà Nội's rule for its citizen app: accept within 8 working hours,
# handle an urgent report within 4).
REPORT_WORK_HOURS = env.str("PORTAL_REPORT_WORK_HOURS", default="07:30-11:30,13:30-17:00")
REPORT_ACCEPT_HOURS = env.float("PORTAL_REPORT_ACCEPT_HOURS", default=8)
REPORT_URGENT_HOURS = env.float("PORTAL_REPORT_URGENT_HOURS", default=4)
REPORT_NORMAL_DAYS = env.int("PORTAL_REPORT_NORMAL_DAYS", default=5)
REPORT_COMPLEX_DAYS = env.int("PORTAL_REPORT_COMPLEX_DAYS", default=15)
REPORT_MAX_PHOTOS = 5
REPORT_MAX_PHOTO_BYTES = env.int("PORTAL_REPORT_MAX_PHOTO_BYTES", default=10 * 1024 * 1024)
REPORT_RATE_LIMIT_PER_HOUR = env.int("PORTAL_REPORT_RATE_LIMIT_PER_HOUR", default=10)
# The largest body a client may send: five photos at their limit and the text around them. Larger is refused from
# its Content-Length before it is read.
REQUEST_MAX_BYTES = env.int(
    "PORTAL_REQUEST_MAX_BYTES",
    default=5 * max(REPORT_MAX_PHOTO_BYTES, ANNOUNCEMENT_MAX_IMAGE_BYTES) + 2 * 1024 * 1024,
)
# A photo's pixels are checked before it is decoded: 40 megapixels is more than any phone camera takes, and a
# small file that claims more is a decompression bomb.
IMAGE_MAX_PIXELS = env.int("PORTAL_IMAGE_MAX_PIXELS", default=40_000_000)

# Channel providers. Every base URL is a setting so tests point the adapters at local fakes; secrets come from
# the environment only and are never written to logs, fixtures or API answers.
PROVIDER_HTTP_TIMEOUT = env.float("PORTAL_PROVIDER_HTTP_TIMEOUT", default=15.0)
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="https://rest.esms.vn/MainService.svc/json")
SMS_API_KEY = env.str("SMS_API_KEY", default="")
SMS_SECRET_KEY = env.str("SMS_SECRET_KEY", default="")
SMS_BRANDNAME = env.str("SMS_BRANDNAME", default="")
SMS_BULK_MIN = env.int("SMS_BULK_MIN", default=30)
SMS_BULK_MAX = env.int("SMS_BULK_MAX", default=5000)
SMS_CALLBACK_SECRET = env.str("SMS_CALLBACK_SECRET", default="")
SMS_REQUESTS_PER_SECOND = env.float("SMS_REQUESTS_PER_SECOND", default=20.0)
# What one SMS segment costs the ward (đồng), for the estimate shown before sending; brandname customer-care SMS
# cost a few hundred đồng each.
SMS_PRICE_PER_SEGMENT = env.int("SMS_PRICE_PER_SEGMENT", default=800)
ZALO_OA_API_URL = env.str("ZALO_OA_API_URL", default="https://openapi.zalo.me")
ZALO_ZNS_API_URL = env.str("ZALO_ZNS_API_URL", default="https://business.openapi.zalo.me")
ZALO_OAUTH_URL = env.str("ZALO_OAUTH_URL", default="https://oauth.zaloapp.com")
ZALO_APP_ID = env.str("ZALO_APP_ID", default="")
ZALO_APP_SECRET = env.str("ZALO_APP_SECRET", default="")
ZALO_OA_ACCESS_TOKEN = env.str("ZALO_OA_ACCESS_TOKEN", default="")
ZALO_OA_REFRESH_TOKEN = env.str("ZALO_OA_REFRESH_TOKEN", default="")
ZALO_OA_SECRET_KEY = env.str("ZALO_OA_SECRET_KEY", default="")
ZALO_ZNS_TEMPLATE_ID = env.str("ZALO_ZNS_TEMPLATE_ID", default="")
ZALO_REQUESTS_PER_SECOND = env.float("ZALO_REQUESTS_PER_SECOND", default=10.0)
FACEBOOK_GRAPH_URL = env.str("FACEBOOK_GRAPH_URL", default="https://graph.facebook.com/v21.0")
FACEBOOK_PAGE_ACCESS_TOKEN = env.str("FACEBOOK_PAGE_ACCESS_TOKEN", default="")
FACEBOOK_REQUESTS_PER_SECOND = env.float("FACEBOOK_REQUESTS_PER_SECOND", default=2.0)
EMAIL_MESSAGES_PER_SECOND = env.float("EMAIL_MESSAGES_PER_SECOND", default=20.0)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["groups.access.IsWardStaff"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "portal.api.fields.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.exceptions.json_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ward Connect API",
    "DESCRIPTION": "Wards, residential groups, households, members, memberships and announcements, scoped to the caller's ward.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs need a staff login, and Swagger UI and Redoc come from the repo's installed packages, never a CDN.
    "SERVE_PERMISSIONS": ["groups.access.IsWardStaffOrAdmin"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_responses",
        "portal.api.schema.add_body_rules",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MembershipRoleEnum": "groups.models.Membership.Role",
        "MembershipStatusEnum": "groups.models.Membership.Status",
        "AnnouncementStatusEnum": "announcements.models.Announcement.Status",
        "AnnouncementCategoryEnum": "announcements.models.Announcement.Category",
        "AnnouncementActionEnum": "announcements.models.Announcement.Action",
        "ReportCategoryEnum": "feedback.models.Category",
        "ReportStatusEnum": "feedback.models.Report.Status",
        "ReportEventKindEnum": "feedback.models.ReportEvent.Kind",
        "ResidentialGroupKindEnum": "groups.models.ResidentialGroup.Kind",
        "CampaignKindEnum": "campaigns.models.Campaign.Kind",
        "CampaignUnitEnum": "campaigns.models.Campaign.Unit",
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "ProvinceAnnouncementStatusEnum": "announcements.models.ProvinceAnnouncement.Status",
    },
}

# Production hardening: on whenever DEBUG is off, so `check --deploy` passes with the secrets set.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Behind a reverse proxy that the operator names as trusted (it sets X-Forwarded-For and X-Forwarded-Proto and
# strips what clients send), the client's address and scheme come from its headers; otherwise those headers are
# anyone's to forge, and REMOTE_ADDR is the client. Rate limits and the audit trail use the same address.
TRUSTED_PROXY = env.bool("PORTAL_TRUSTED_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXY else None
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if TRUSTED_PROXY else 0
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from the portal's own files: no inline script and no event handler attribute on any page, so an
# injected <script> or onclick does nothing. Styles allow inline (a few style attributes, Redoc's own styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SESSION_COOKIE_HTTPONLY = True
# Sessions read from the cache, written through to the database: a signed-in page costs no query for its
# session, and a cache restart signs no one out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "masked": {"()": "portal.common.text.MaskingFormatter", "format": "%(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "masked"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # One line per provider request drowns the worker's log; failures are logged by the delivery service.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
