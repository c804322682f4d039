"""``/health/``: is each service the platform depends on usable right now?

An async view: the checks run at once, each with ``HEALTH_CHECK_TIMEOUT`` seconds (2) to answer,
so a hung service costs one timeout, never a hung probe, and the answer is always fresh (nothing
is remembered between probes, so a service that has come back is reported up on the next probe).

- ``database``: ``SELECT 1`` on a new connection, closed afterwards.
- ``cache``: ``PING`` (Redis), then a write and a read of a random key.
- ``channel_layer``: Redis: ``PING`` on every host through the layer's own connection pool in
  this server process (what the sockets use); in-memory: a send and receive round trip.
- ``search``: the search backend's own probe (``search/wagtail_hooks.py``).

Blocking checks run on a small thread pool of their own, so a hung database cannot take the
threads that websockets use for theirs (``boost/db.py``).
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import hooks

# Each blocking check takes one thread while it runs; a check that timed out may hold its
# thread until the driver gives up, so there are spares.
_threads = ThreadPoolExecutor(max_workers=8, thread_name_prefix="boost-health")


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict[str, Any]:
    key = f"health:{uuid.uuid4().hex}"
    cache = caches["default"]
    if hasattr(cache, "ping"):
        cache.ping()  # the resilient Redis cache hides outages from pages, not from this check
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)
    return {"backend": cache.__class__.__name__}


async def check_channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    if hasattr(layer, "connection") and hasattr(layer, "ring_size"):
        # channels_redis: a round trip through Redis would queue behind this process's single
        # receive loop, busy with every socket's traffic, and a slow answer there is not an
        # outage. PING on the same pool tells whether Redis answers this process.
        for index in range(layer.ring_size):
            await layer.connection(index).ping()
        return {"backend": layer.__class__.__name__, "hosts": layer.ring_size}
    channel = await layer.new_channel("health.")
    await layer.send(channel, {"type": "health.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "health.ping":
        raise RuntimeError("channel layer returned the wrong message")
    return {"backend": layer.__class__.__name__}


def check_search() -> dict[str, Any]:
    """The search app registers the real probe; until it does, report what is configured."""
    probes = hooks.get_hooks("boost_search_health")
    if not probes:
        return {"backend": "database", "detail": "no search probe registered"}
    return probes[-1]()


CHECKS: dict[str, Callable[[], Any]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "search": check_search,
}


def timeout_seconds() -> float:
    return float(getattr(settings, "HEALTH_CHECK_TIMEOUT", 2.0))


def _in_thread(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return check()
    finally:
        # These threads serve no request, so nothing else would close what a check opened (the
        # database check, and the search probe on the database backend).
        connections.close_all()


async def run_check(check: Callable[[], Any]) -> dict[str, Any]:
    """One check's result: ``{"status": "ok", …}`` or ``{"status": "error", "error": …}``, and ``ms``."""
    started = time.perf_counter()
    limit = timeout_seconds()
    try:
        if inspect.iscoroutinefunction(check):
            detail = await asyncio.wait_for(check(), limit)
        else:
            loop = asyncio.get_running_loop()
            detail = await asyncio.wait_for(loop.run_in_executor(_threads, _in_thread, check), limit)
        result = {"status": "ok", **detail}
    except TimeoutError:
        result = {"status": "error", "error": f"TimeoutError: no answer within {limit:g} s"}
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        result = {"status": "error", "error": f"{exc.__class__.__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


@never_cache
@require_GET
async def health(request: HttpRequest) -> JsonResponse:
    """200 with every check "ok", or 503 naming what failed (with the error, never a trace)."""
    names = list(CHECKS)
    outcomes = await asyncio.gather(*(run_check(CHECKS[name]) for name in names))
    results = dict(zip(names, outcomes, strict=True))
    healthy = all(result["status"] == "ok" for result in outcomes)
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
