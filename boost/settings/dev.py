"""The embedded default: what `./bin/boost run` and `manage.py` use with no environment set.

DEBUG stays off unless asked for (DEBUG=true), so the local platform behaves like production
(real error pages, compressed static files) minus HTTPS. The secret key, when not given, is
generated once per checkout and kept in `.local/secret-key`.
"""

import secrets
from pathlib import Path

from boost.log_format import logging_config
from boost.settings.base import *  # noqa: F403
from boost.settings.env import env


def _local_secret_key() -> str:
    path = Path(BASE_DIR) / ".local" / "secret-key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env("DEBUG", False, cast=bool)
SECRET_KEY = env("SECRET_KEY", "") or _local_secret_key()
# allauth's passkeys need https unless told otherwise; locally the site is http://127.0.0.1.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
if DEBUG:
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# A developer reads the terminal: one plain line per request, JSON only when asked for.
LOG_FORMAT = env("LOG_FORMAT", "text")
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)
