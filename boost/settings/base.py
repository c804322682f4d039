"""Settings shared by every environment.

Nothing here is a secret and nothing here turns DEBUG on. With no environment set the
platform runs on its embedded defaults: SQLite, the in-memory channel layer, database
search, a local-memory cache and the immediate task backend. Production services switch on
through URL variables (DATABASE_URL, REDIS_URL, ELASTICSEARCH_URL).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from boost.log_format import logging_config
from boost.settings.env import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = env("SECRET_KEY", "")
ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["127.0.0.1", "localhost"], cast=list)
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", [], cast=list)
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    "boost",
    "accounts",
    "communities",
    "projects",
    "discussions",
    "ecomaps",
    "learning",
    "people",
    "privacy",
    "search",
    "api",
    "analytics",
    "wagtailnhsukfrontend",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
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
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
]

MIDDLEWARE = [
    "boost.middleware.RequestLogMiddleware",
    "boost.middleware.DatabaseOutageMiddleware",
    # Outside everything that touches sessions, so an anonymous hit costs no more than a lookup;
    # under uvicorn hits are answered before Django (boost.asgi), this serves the rest.
    "boost.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "boost.static.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETags on every page and download (the data CSV), answering If-None-Match with 304.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "boost.middleware.AdminCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SuspendedAccountMiddleware",
    "accounts.middleware.RequireMFAForStaffMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "boost.ratelimit.RateLimitMiddleware",
    "boost.converters.PathIdMiddleware",
]

ROOT_URLCONF = "boost.urls"
ASGI_APPLICATION = "boost.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "boost.context_processors.navigation",
            ],
        },
    },
]
# NHS.UK-styled field and form templates for every Django form, allauth's included.
FORM_RENDERER = "boost.forms.NHSUKFormRenderer"

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env("DATABASE_CONN_MAX_AGE", 0, cast=int),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the task worker writes; the busy timeout turns
    # "database is locked" under short contention into a wait.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Database calls from websockets run on this many threads per server process, each keeping its
# connection (boost/db.py); HTTP requests open one per request (CONN_MAX_AGE, 0 under ASGI).
DATABASE_ASYNC_THREADS = env("DATABASE_ASYNC_THREADS", 8, cast=int)
DATABASE_ASYNC_CONN_MAX_AGE = env("DATABASE_ASYNC_CONN_MAX_AGE", 300, cast=int)
DATABASE_ASYNC_HEALTH_CHECK_IDLE = env("DATABASE_ASYNC_HEALTH_CHECK_IDLE", 1.0, cast=float)

# --- Cache, channel layer, tasks --------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    # Pools are per server process. The cache's is shared by its request threads; a request that
    # finds every connection busy waits up to 2 s for one.
    CACHES = {
        "default": {
            "BACKEND": "boost.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "boost",
            "OPTIONS": {
                "pool_class": "redis.BlockingConnectionPool",
                "max_connections": env("CACHE_MAX_CONNECTIONS", 20, cast=int),
                "timeout": 2,
            },
        }
    }
    # boost/channel_layer.py: bounded pools that close idle connections, and sockets that stay
    # open through a Redis outage.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "boost.channel_layer.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "capacity": 1500,
                "expiry": 30,
                "max_connections": env("CHANNEL_LAYER_MAX_CONNECTIONS", 50, cast=int),
                "idle_connections": env("CHANNEL_LAYER_IDLE_CONNECTIONS", 4, cast=int),
                "idle_seconds": env("CHANNEL_LAYER_IDLE_SECONDS", 5.0, cast=float),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Anonymous page cache (boost/page_cache.py): how long a page may be served without a content
# change (0 turns the cache off), and the stamp file whose time is the content generation when the
# cache is local memory.
PAGE_CACHE_SECONDS = env("PAGE_CACHE_SECONDS", 300, int)
PAGE_CACHE_STAMP = Path(env("PAGE_CACHE_STAMP", str(BASE_DIR / ".local" / "page-cache-generation")))

# The leaders' dashboard (analytics/cache.py, analytics/rollup.py): how long computed figures are
# kept (0: not kept), and how many past days a request rolls up itself before leaving the rest to
# the task worker.
ANALYTICS_CACHE_SECONDS = env("ANALYTICS_CACHE_SECONDS", 300, int)
ANALYTICS_ROLLUP_REQUEST_DAYS = env("ANALYTICS_ROLLUP_REQUEST_DAYS", 7, int)

TASK_BACKEND = env("TASK_BACKEND", "database" if env("DATABASE_URL") else "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django.tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[TASK_BACKEND]
    }
}

# --- Search -----------------------------------------------------------------------------
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", "")
ELASTICSEARCH_INDEX_PREFIX = env("ELASTICSEARCH_INDEX_PREFIX", "boost")
# Searches that found nothing are counted per day for the leaders' analytics (search/misses.py).
SEARCH_MISS_RETENTION_DAYS = int(env("SEARCH_MISS_RETENTION_DAYS", "90"))
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Signs in and loads the signed-in person in fewer queries (accounts/backends.py); the two after
    # it stay so that sessions signed in through them keep working.
    "accounts.backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
# Wagtail's and Django's admin logins are sent to allauth's, so one throttled, MFA-aware
# login guards every door.
WAGTAILADMIN_LOGIN_URL = "account_login"

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Data rights: how long a closed account waits (and can be kept by signing in) before it is
# erased, and how long a "download my data" link works.
ACCOUNT_CLOSURE_GRACE_DAYS = env("ACCOUNT_CLOSURE_GRACE_DAYS", 14, cast=int)
DATA_EXPORT_HOURS = env("DATA_EXPORT_HOURS", 24, cast=int)
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Boost] "
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "login": "accounts.forms.LoginForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "accounts.forms.MFAReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "change_email": "1/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
# Boost's own rate limits (boost/ratelimit.py): "<count>/<period>" (s, m, h, d, e.g. 5/10m), per
# signed-in person, or per IP address when signed out; "0" switches one off.
RATE_LIMITS = {
    "invitations": env("RATE_LIMIT_INVITATIONS", "20/h"),
    "community_proposals": env("RATE_LIMIT_COMMUNITY_PROPOSALS", "5/d"),
    "flags": env("RATE_LIMIT_FLAGS", "20/h"),
    "join_requests": env("RATE_LIMIT_JOIN_REQUESTS", "10/h"),
    "contact_team": env("RATE_LIMIT_CONTACT_TEAM", "5/h"),
    "nominations": env("RATE_LIMIT_NOMINATIONS", "20/h"),
    "anonymous_search": env("RATE_LIMIT_ANONYMOUS_SEARCH", "60/m"),
    "anonymous_suggest": env("RATE_LIMIT_ANONYMOUS_SUGGEST", "240/m"),
    "api_ip": env("RATE_LIMIT_API_IP", "120/m"),
    "api_token": env("RATE_LIMIT_API_TOKEN", "60/m"),
}
# Days a line manager's confirmation link (learning/nominations.py) stays usable.
LEARNING_MANAGER_LINK_DAYS = env("LEARNING_MANAGER_LINK_DAYS", 14, cast=int)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_ISSUER = "Boost"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False, cast=bool)
# Roles whose accounts must have a second factor before they can use the site.
MFA_REQUIRED_GROUPS = ["Curator", "Leader", "Admin"]

SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ENTRA_CLIENT_ID = env("ENTRA_CLIENT_ID", "")
SOCIALACCOUNT_PROVIDERS = {}
if ENTRA_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": ENTRA_CLIENT_ID,
                "secret": env("ENTRA_CLIENT_SECRET", ""),
                "settings": {"tenant": env("ENTRA_TENANT", "organizations")},
            }
        ],
        "SCOPE": ["openid", "email", "profile", "User.Read"],
    }

# --- Email ------------------------------------------------------------------------------
# Django 6.1's MAILERS. With EMAIL_HOST set, mail goes out over SMTP; otherwise it is
# printed to the console, which is what a local run wants.
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env("EMAIL_PORT", 587, cast=int),
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env("EMAIL_USE_TLS", True, cast=bool),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Boost <no-reply@boost.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "boost.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "boost.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
AVATAR_MAX_BYTES = 2 * 1024 * 1024
# Every upload is served by a view that checks the viewer's rights first (boost/files.py); nothing
# serves MEDIA_ROOT raw. FILES_ACCEL sends the bytes through the proxy once the app has said yes:
# "nginx" answers with X-Accel-Redirect to FILES_ACCEL_PREFIX (an `internal` location aliased to
# MEDIA_ROOT), "sendfile" with X-Sendfile (Apache mod_xsendfile, lighttpd, Caddy); empty streams
# the file from Django.
FILES_ACCEL = env("FILES_ACCEL", "")
FILES_ACCEL_PREFIX = env("FILES_ACCEL_PREFIX", "/protected-media/")
# Document links go through Wagtail's /documents/<id>/<name> view, whose before_serve_document
# hook (boost/wagtail_hooks.py) checks rights and sends the file the same way.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Boost"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAIL_USER_CUSTOM_FIELDS: list[str] = []
WAGTAIL_PASSWORD_RESET_ENABLED = False  # allauth owns password reset
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
# No Gravatar: it would tell a third party who uses the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Powerful browser features Boost never uses are off for the page and any frame in it. Passkeys
# (WebAuthn sign-in and enrolment) stay allowed for Boost itself, and fullscreen for the video
# players learning modules embed.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self", "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "serial": [],
    "usb": [],
}
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    # The NHS.UK frontend loads the Frutiger web font from the NHS's own asset host.
    "font-src": [CSP.SELF, "https://assets.nhs.uk"],
    "connect-src": [CSP.SELF],
    # Learning modules embed YouTube (privacy-enhanced) and Vimeo players, always with a transcript.
    "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF, "https://login.microsoftonline.com"],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Wagtail's admin uses inline scripts and styles it does not nonce; the admin is
# signed-in, MFA-guarded territory, so it gets a looser policy instead of breaking.
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}

# --- Logging: JSON lines in production, readable lines in development (boost/log_format.py) --
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOG_FORMAT = env("LOG_FORMAT", "json")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)
