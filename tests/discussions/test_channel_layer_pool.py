"""The Redis channel layer's pools: bounded by setting, and closed again when the sockets have gone
(issue 19: 373 connections stayed open after every socket had closed)."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from discussions.routing import websocket_urlpatterns
from tests.factories.accounts import UserFactory
from tests.factories.discussions import join, make_community, make_thread

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL not set: channel layer pools not exercised (CI sets it)"),
    pytest.mark.django_db(transaction=True),
]

app = URLRouter(websocket_urlpatterns)


def clients_named(name: str) -> int:
    import redis

    listing = redis.Redis.from_url(REDIS_URL).client_list()
    return sum(1 for client in listing if client.get("name") == name)


@pytest.fixture
def layer_named(settings):
    """This test's layer, its connections named so CLIENT LIST can count them on a shared Redis."""
    name = f"boost-test-{uuid.uuid4().hex[:10]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "boost.channel_layer.ResilientRedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "client_name": name}],
                "max_connections": 8,
                "idle_connections": 2,
                "idle_seconds": 0.5,
            },
        }
    }
    return name


async def test_connections_stay_under_the_cap_and_return_to_baseline_after_sockets_close(layer_named):
    from asgiref.sync import sync_to_async

    def people_and_threads():
        community = make_community(private=True)
        people = [UserFactory() for _ in range(30)]
        for person in people:
            join(person, community)
        threads = [make_thread(people[0], community, title=f"Thread {n}") for n in range(3)]
        return people, threads

    people, threads = await sync_to_async(people_and_threads)()
    # Starting the threads broadcast through this loop's pool, which keeps what it used, up to 2.
    baseline = await asyncio.to_thread(clients_named, layer_named)
    assert baseline <= 2

    sockets = []
    peak = 0
    for index, person in enumerate(people):
        communicator = WebsocketCommunicator(app, f"/ws/discussions/thread/{threads[index % 3].pk}/")
        communicator.scope["user"] = person
        connected, _ = await communicator.connect()
        assert connected
        sockets.append(communicator)
        peak = max(peak, await asyncio.to_thread(clients_named, layer_named))
    # Everyone is subscribed (each person's group, each thread's room) through at most 8 connections.
    assert baseline < peak <= 8
    layer = get_channel_layer()
    assert len(layer.memberships) == 30 + 3

    # All at once, as a closing convening day would: 30 group_discards and 3 rooms stopping.
    await asyncio.gather(*(communicator.disconnect(timeout=30) for communicator in sockets))
    assert layer.memberships == {}
    for _ in range(80):
        left = await asyncio.to_thread(clients_named, layer_named)
        if left <= 2:
            break
        await asyncio.sleep(0.1)
    assert left <= 2, f"{left} connections still open after every socket closed (at most 2 may idle)"


def test_cache_objects_share_one_pool_however_many_contexts_use_the_cache():
    """Django makes a cache object per thread and async context (each websocket has its own); they
    must not each open Redis connections."""
    from boost.cache import ResilientRedisCache

    name = f"boost-test-cache-{uuid.uuid4().hex[:10]}"
    params = {"OPTIONS": {"client_name": name, "pool_class": "redis.BlockingConnectionPool", "max_connections": 3}}
    caches = [ResilientRedisCache(REDIS_URL, {"OPTIONS": dict(params["OPTIONS"])}) for _ in range(25)]
    for index, cache in enumerate(caches):
        cache.set(f"pool-test-{name}-{index}", index, 10)
        assert cache.get(f"pool-test-{name}-{index}") == index
    assert clients_named(name) == 1
    assert caches[0]._cache is caches[-1]._cache


async def test_a_busy_pool_reuses_its_connections_and_closes_the_excess_once_unused():
    """Closing every connection beyond the idle few as it was released made a busy process reopen one
    per message (issue 19: 312 new Redis connections in 45 s at 20 messages/s)."""
    from boost.channel_layer import BoundedConnectionPool

    name = f"boost-test-churn-{uuid.uuid4().hex[:10]}"
    pool = BoundedConnectionPool.from_url(
        REDIS_URL, max_connections=10, max_idle=2, idle_seconds=0.5, client_name=name, timeout=5
    )
    try:
        first = [await pool.get_connection() for _ in range(6)]
        for connection in first:
            await pool.release(connection)
        again = [await pool.get_connection() for _ in range(6)]
        assert {id(c) for c in again} == {id(c) for c in first}  # reused, none opened anew
        for connection in again:
            await pool.release(connection)
        assert await asyncio.to_thread(clients_named, name) == 6
        await asyncio.sleep(1.0)  # unused for longer than idle_seconds: the timer closes the excess
        assert pool.open_connections() == 2
        assert await asyncio.to_thread(clients_named, name) == 2
    finally:
        await pool.disconnect()
