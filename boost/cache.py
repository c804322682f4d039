"""The Redis cache, made to degrade: an unreachable Redis is a cache miss, not a 500.

Django's ``RedisCache`` raises whatever redis-py raises, and every page touches the cache (the
menu and footer links, allauth's rate limits, discussion rate limits), so a Redis outage took the
whole site down with it, though nothing the site needs lives only in the cache. Here a connection
error or timeout is logged and answered as a miss; after one, Redis is left alone for
``RETRY_SECONDS`` so that a hung server costs one timeout, not one per cache call per page.
``/health/`` still reports the outage, through :meth:`ResilientRedisCache.ping`.

Failing open is the choice for rate limits too: while Redis is down they are not enforced, and
the log says so. The durable things (sessions, messages, notifications) are in the database.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


# One Redis client (and so one connection pool) per process and configuration. Django keeps a cache
# object per thread and per async context, and each built its own pool: every open websocket (its
# own context) held a Redis connection of its own, so connections grew with sockets, past
# CACHE_MAX_CONNECTIONS. redis-py's pools are thread-safe, so sharing one is what the cap needs.
_clients: dict[tuple, Any] = {}
_clients_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    """``RedisCache`` whose reads miss and writes are skipped while Redis cannot be reached."""

    @cached_property
    def _cache(self):
        key = (tuple(self._servers), repr(sorted(self._options.items(), key=lambda item: item[0])))
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = params.setdefault("OPTIONS", {})
        # Without timeouts a Redis that stops answering (rather than refusing) would hang requests.
        options.setdefault("socket_connect_timeout", 1.0)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, name: str, fallback: Any, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except FAILURES as exc:
            self._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "cache unavailable (%s: %s); treating it as empty for %.0f s",
                exc.__class__.__name__,
                exc,
                RETRY_SECONDS,
            )
            return fallback

    def ping(self) -> None:
        """Raise if Redis cannot be reached now (for ``/health/``), whatever the back-off says."""
        self._cache.get_client(write=True).ping()
        self._down_until = 0.0

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", delta, key, delta, version)

    def clear(self):
        return self._call("clear", False)
