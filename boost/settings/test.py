"""Tests: fast hashing, immediate tasks, local-memory cache and in-memory channel layer.

DATABASE_URL and REDIS_URL still switch the database, cache and channel layer, so CI runs
the same suite on PostgreSQL and Redis.
"""

from boost.settings.base import *  # noqa: F403

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# With REDIS_URL set (CI), the real Redis cache and channel layer are what gets tested.
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".test-media"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
ALLOWED_HOSTS = ["*"]
# Rate limits stay on (they are behaviour under test) but generous enough for a test run.
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login_failed": "100/m/ip,50/5m/key", "confirm_email": False}
# Database threads for websockets close their connections after each call in tests, so the test
# database can be flushed and dropped; the harness (bench/live_faults.py) runs them persistent.
DATABASE_ASYNC_CONN_MAX_AGE = 0
# The anonymous page cache is off, so tests see each request rendered; its own tests turn it on.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_STAMP = BASE_DIR / ".test-media" / "page-cache-generation"
