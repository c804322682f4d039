"""Settings for Boost served by real uvicorn processes in browser and fault tests.

The test settings, but on the SQLite file named by DATABASE_URL (so several server processes and the
test share one database) and, when LIVE_REDIS_URL is set, on the Redis channel layer.
"""

import os

from boost.settings.test import *  # noqa: F403

LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
DISCUSSIONS_WATCH_SECONDS = 1.0
DISCUSSIONS_RECHECK_SECONDS = 3.0
DISCUSSIONS_LAYER_RETRY_SECONDS = 0.5
if os.environ.get("LIVE_NO_RATE_LIMIT"):
    DISCUSSIONS_RATE_LIMIT = (100_000, 60)  # a busy-day test posts far faster than one person may
if os.environ.get("LIVE_REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "boost.channel_layer.ResilientRedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["LIVE_REDIS_URL"]], "capacity": 1500, "expiry": 30, "retry_seconds": 0.5},
        }
    }
