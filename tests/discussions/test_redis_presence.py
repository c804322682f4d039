"""Who is here now, across processes: two uvicorn processes share the Redis channel layer, one person
on each; each process tells its own socket that both are here, and that one has gone when they leave."""

from __future__ import annotations

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
    pytest.mark.skipif(REDIS is None, reason="redis presence test skipped: redis-server is not installed"),
]


def test_presence_is_shared_between_processes(live_site, redis_server):  # noqa: F811 - the imported fixture
    run_in_own_loop(_presence_scenario(live_site, redis_server), timeout=180)


async def _presence_scenario(live_site, redis_server) -> None:  # noqa: F811
    ids, server_a, server_b = live_site.two_servers_on(redis_server.url)
    sessions = live_site.run(SESSIONS % [ids["alice"], ids["bob"]])
    alice = LiveClient("alice@A", server_a, ids["thread"], sessions[str(ids["alice"])], 0)
    bob = LiveClient("bob@B", server_b, ids["thread"], sessions[str(ids["bob"])], 0)
    both = {"Alice Adams", "Bob Brown"}
    alice.start()
    try:
        assert await until(lambda: alice.presence == {"Alice Adams"}, 20), alice.presence
        bob.start()
        # Each process reports both: its own socket's person and the other process's.
        assert await until(lambda: alice.presence == both and bob.presence == both, 20), (
            alice.presence,
            bob.presence,
        )
        assert alice.reconnects == 0 and bob.reconnects == 0
        await bob.stop()
        # Bob's process closes its room and tells the other one he has gone.
        assert await until(lambda: alice.presence == {"Alice Adams"}, 20), alice.presence
    finally:
        await alice.stop()
        await bob.stop()
