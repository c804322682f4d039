"""Two uvicorn processes on the Redis channel layer; Redis is stopped mid-conversation and started
again. Every socket stays open throughout, the group memberships come back with Redis, and every
client ends with exactly the messages in the database: none lost, none doubled."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tests.discussions.live import (  # noqa: F401 - fixtures
    REDIS,
    SESSIONS,
    LiveClient,
    live_site,
    live_template,
    redis_server,
    run_in_own_loop,
    until,
)

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(REDIS is None, reason="redis fault test skipped: redis-server is not installed"),
]


def test_redis_outage_loses_nothing(live_site, redis_server):  # noqa: F811 - the imported fixture
    run_in_own_loop(_outage_scenario(live_site, redis_server), timeout=240)


async def _outage_scenario(live_site, redis_server) -> None:  # noqa: F811
    ids, server_a, server_b = live_site.two_servers_on(redis_server.url)
    people = [ids["alice"], ids["bob"], ids["carol"]]
    sessions = live_site.run(SESSIONS % people)
    version = 0  # resume from the start: the opening message is caught up from the database
    clients = [
        LiveClient("alice@A", server_a, ids["thread"], sessions[str(ids["alice"])], version),
        LiveClient("bob@B", server_b, ids["thread"], sessions[str(ids["bob"])], version),
        LiveClient("carol@A", server_a, ids["thread"], sessions[str(ids["carol"])], version),
    ]
    for client in clients:
        client.start()
    counter = itertools.count()

    async def talk(rounds: int) -> None:
        for _ in range(rounds):
            for client in clients:
                n = next(counter)
                await client.post(f"{client.name.split('@')[0]}-{n}", f"Message {n} from {client.name}")
                await asyncio.sleep(0.1)

    def everyone_has_the_database() -> bool:
        stored = set(live_site.message_ids(ids["thread"]))
        return all(set(client.messages) == stored and not client.outbox for client in clients)

    try:
        assert await until(lambda: all(client.socket is not None for client in clients), 20)
        await talk(2)
        assert await until(everyone_has_the_database, 20), "before the outage"

        redis_server.stop()  # mid-conversation
        await talk(2)
        await asyncio.sleep(2)
        redis_server.start()  # same port, empty: groups and in-flight messages are gone
        await talk(2)

        assert await until(everyone_has_the_database, 45), [
            (client.name, sorted(client.messages), client.outbox) for client in clients
        ]
        stored = live_site.message_ids(ids["thread"])
        # 1 opening message + 6 rounds x 3 people, each stored exactly once despite resends.
        assert len(stored) == 1 + 18
        for client in clients:
            assert sorted(client.messages) == stored
        # Nobody was cut off: the sockets waited for Redis instead of closing.
        assert [client.reconnects for client in clients] == [0, 0, 0]
        # The restarted Redis was empty; each server added its memberships back: its room's channel
        # to the thread's group, and each socket's channel to its person's group.
        import redis

        restarted = redis.Redis(port=redis_server.port)
        assert restarted.zcard(f"asgi:group:thread.{ids['thread']}") == 2
        for person in people:
            assert restarted.zcard(f"asgi:group:user.{person}") == 1
        # And live delivery works again without waiting for a repair.
        await talk(1)
        assert await until(everyone_has_the_database, 10)
    finally:
        for client in clients:
            await client.stop()
