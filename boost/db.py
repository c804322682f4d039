"""Database work from async code (websocket consumers, the discussion hub): a small thread pool
whose threads keep their PostgreSQL connections.

Channels' ``database_sync_to_async`` is thread-sensitive: every call from every socket of a server
process runs on one shared thread, one after another, and (with ``CONN_MAX_AGE=0``, which Django
advises under ASGI) opens and closes a connection each time. One slow query then stalls every
socket of the process, and a burst of small writes queues without bound. Django 6.1's async ORM
methods (``aget()``, ``acount()`` …) are the same thread hop underneath, so they would not help.

Here each call runs on one of ``DATABASE_ASYNC_THREADS`` threads (per server process). Each thread
keeps its connection between calls (Django connections are per thread): health-checked before
use (``conn_health_checks``) when it has been idle ``DATABASE_ASYNC_HEALTH_CHECK_IDLE`` seconds or
another thread has found its own connection dead (a busy thread would otherwise pay a ``SELECT 1``
round trip before every call), replaced when a query fails on a dead one, and closed after
``DATABASE_ASYNC_CONN_MAX_AGE`` seconds. SQLite keeps the old behaviour (one thread, a connection
per call): it serialises writes anyway.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync
from channels.db import database_sync_to_async as _thread_sensitive
from django.conf import settings
from django.db import connections

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_deaths = 0  # connections found dead so far: each tells every thread to check its own before use


def pooled() -> bool:
    """Whether database calls from async code use the pool (PostgreSQL) or the single thread."""
    return connections["default"].vendor == "postgresql" and threads() > 1


def threads() -> int:
    return int(getattr(settings, "DATABASE_ASYNC_THREADS", 8))


def executor() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=threads(), thread_name_prefix="boost-db")
        return _executor


def reset() -> None:
    """Forget the pool (tests change its size); running calls finish on the old one."""
    global _executor
    with _lock:
        old, _executor = _executor, None
    if old is not None:
        old.shutdown(wait=False)


def _check_connections() -> None:
    """Before a call: health-check a connection that has sat idle, or that may have died with one
    another thread found dead (the database restarted)."""
    idle = float(getattr(settings, "DATABASE_ASYNC_HEALTH_CHECK_IDLE", 1.0))
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        if now - getattr(conn, "_boost_used", 0.0) >= idle or getattr(conn, "_boost_deaths", 0) != _deaths:
            conn.health_check_done = False
            conn.close_if_health_check_failed()
        conn._boost_deaths = _deaths


def _tidy_connections() -> None:
    """After a call: keep each usable connection, close dead or old ones."""
    global _deaths
    max_age = float(getattr(settings, "DATABASE_ASYNC_CONN_MAX_AGE", 300))
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        if conn.in_atomic_block:
            conn.close()
            continue
        if conn.errors_occurred and not conn.is_usable():
            conn.close()
            with _lock:
                _deaths += 1
            continue
        raw = conn.connection
        if getattr(conn, "_boost_raw", None) is not raw:
            conn._boost_raw = raw
            conn._boost_opened = now
        if now - conn._boost_opened >= max_age:
            conn.close()
            continue
        conn.errors_occurred = False
        # Keep it past CONN_MAX_AGE (0 for the HTTP side); _check_connections decides whether the
        # next call pings it first.
        conn.close_at = None
        conn.health_check_done = True
        conn._boost_used = now


class _PooledDatabaseSyncToAsync(SyncToAsync):
    def thread_handler(self, loop, *args: Any, **kwargs: Any) -> Any:
        _check_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _tidy_connections()


def database_sync_to_async[**P, R](func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Like Channels' ``database_sync_to_async``, on the pool (see the module docstring)."""

    @functools.wraps(func)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        if not pooled():
            return await _thread_sensitive(func)(*args, **kwargs)
        runner = _PooledDatabaseSyncToAsync(func, thread_sensitive=False, executor=executor())
        return await runner(*args, **kwargs)

    return call
