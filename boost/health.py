"""``/health/``: is each service the platform depends on usable right now?"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import hooks


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


def check_channel_layer() -> dict[str, Any]:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel("health.")
        await layer.send(channel, {"type": "health.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        if message.get("type") != "health.ping":
            raise RuntimeError("channel layer returned the wrong message")

    async_to_sync(round_trip)()
    return {"backend": layer.__class__.__name__}


def check_search() -> dict[str, Any]:
    """The search app registers the real probe; until it does, report what is configured."""
    probes = hooks.get_hooks("boost_search_health")
    if not probes:
        return {"backend": "database", "detail": "no search probe registered"}
    return probes[-1]()


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "search": check_search,
}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 with every check "ok", or 503 naming what failed (with the error, never a trace)."""
    results: dict[str, Any] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"status": "ok", **detail}
        except Exception as exc:  # noqa: BLE001 - a health check reports every failure
            healthy = False
            results[name] = {"status": "error", "error": f"{exc.__class__.__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
