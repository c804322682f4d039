"""Production: refuses to start without a secret key, passes ``check --deploy``."""

from django.core.exceptions import ImproperlyConfigured

from boost.settings.base import *  # noqa: F403
from boost.settings.env import env

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in production (DJANGO_SETTINGS_MODULE=boost.settings.production)."
    )

if not env("EMAIL_HOST", ""):
    raise ImproperlyConfigured("EMAIL_HOST must be set in production: sign-up needs to send verification email.")

SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", True, cast=bool)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 31536000, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", True, cast=bool)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
