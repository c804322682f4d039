"""boost.channel_layer while Redis cannot be reached (no Redis needed: nothing listens on the port)."""

from __future__ import annotations

import socket

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from boost.channel_layer import ResilientRedisChannelLayer


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_memberships_are_remembered_and_sends_fail_at_once_while_redis_is_away():
    layer = ResilientRedisChannelLayer(hosts=[f"redis://127.0.0.1:{closed_port()}/0"], retry_seconds=60)
    try:
        await layer.group_add("thread.1", "specific.a!1")  # no error: added when Redis is back
        await layer.group_add("user.7", "specific.a!1")
        assert layer.redis_down()
        assert layer.memberships == {"thread.1": {"specific.a!1"}, "user.7": {"specific.a!1"}}

        # Known to be away: a broadcast fails at once, without another connection attempt.
        with pytest.raises(RedisConnectionError, match="waiting for it to come back"):
            await layer.group_send("thread.1", {"type": "message.created"})

        await layer.group_discard("user.7", "specific.a!1")
        assert layer.memberships == {"thread.1": {"specific.a!1"}}
    finally:
        for task in list(layer._recovering):
            task.cancel()
