"""The Redis channel layer, with bounded connection pools and sockets that outlive a Redis outage.

Two things the stock ``channels_redis`` layer does not do:

- **Pools sized by setting, idle connections closed.** Each server process opens connections on
  demand, up to redis-py's default of 100 a pool, then fails with ``MaxConnectionsError``; and it
  keeps every connection it ever opened, so a burst of sockets closing (each one a
  ``group_discard``) left hundreds open for good. Here a pool holds at most ``max_connections``
  (``CHANNEL_LAYER_MAX_CONNECTIONS``; callers beyond that wait, up to ``pool_timeout`` seconds,
  rather than fail) and keeps at most ``idle_connections`` (``CHANNEL_LAYER_IDLE_CONNECTIONS``)
  open while unused, closing the rest once they have been unused ``idle_seconds``
  (``CHANNEL_LAYER_IDLE_SECONDS``).
- **A Redis outage does not close sockets.** Channels' consumers wait in ``receive()``; when it
  raises, the consumer dies and the server closes its socket. Here ``receive()`` waits out the
  outage instead: one task per event loop pings Redis every ``retry_seconds`` and, once it answers,
  adds back every group membership this process holds (a restarted Redis has none), then wakes the
  receivers and tells its listeners (the discussion hub repairs its rooms from the database, so
  clients converge through the usual version protocol). ``group_add`` and ``group_discard`` are
  remembered even while Redis is down; ``send`` and ``group_send`` still raise (at once, while an
  outage is known), for their callers to decide (broadcasts are logged and repaired later).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from channels_redis.core import RedisChannelLayer
from redis.asyncio import BlockingConnectionPool
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)


class BoundedConnectionPool(BlockingConnectionPool):
    """At most ``max_connections`` open; of those unused, ``max_idle`` kept, the rest closed once they
    have been idle ``idle_seconds``.

    Closing the excess at once (on release) churned under load: each room holds a connection in a
    blocking pop, so a busy process always has more than a few out, and every release beyond the
    idle count closed a connection the next call had to open again (312 new Redis connections in 45 s
    at 20 messages/s, each a TCP connect and handshake). Waiting until one has really gone unused keeps
    a busy pool's connections and still closes them after a burst.
    """

    def __init__(self, *args: Any, max_idle: int = 4, idle_seconds: float = 5.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_idle = max_idle
        self.idle_seconds = idle_seconds
        self._trim_later: asyncio.TimerHandle | None = None

    async def release(self, connection) -> None:
        connection._boost_idle_since = time.monotonic()
        await super().release(connection)
        await self.trim()

    async def trim(self) -> None:
        """Close the connections beyond ``max_idle`` that have been unused for ``idle_seconds``."""
        now = time.monotonic()
        available = self._available_connections  # released ones are reused from the end: the front is oldest
        stale = []
        while (
            len(available) > self.max_idle and now - getattr(available[0], "_boost_idle_since", 0) >= self.idle_seconds
        ):
            stale.append(available.pop(0))
        for old in stale:
            with contextlib.suppress(Exception):
                await old.disconnect()
        if len(available) > self.max_idle and self._trim_later is None:
            # Nothing may be released again for a while (every socket gone): look again when the
            # longest-idle one is due.
            due = getattr(available[0], "_boost_idle_since", now) + self.idle_seconds - now
            self._trim_later = asyncio.get_running_loop().call_later(max(0.05, due), self._trim_soon)

    def _trim_soon(self) -> None:
        self._trim_later = None
        task = asyncio.ensure_future(self.trim())
        _trims.add(task)
        task.add_done_callback(_trims.discard)

    def open_connections(self) -> int:
        return len(self._available_connections) + len(self._in_use_connections)


_trims: set[asyncio.Task] = set()


class ResilientRedisChannelLayer(RedisChannelLayer):
    """``RedisChannelLayer`` with bounded pools and outage recovery (see the module docstring)."""

    def __init__(
        self,
        hosts: list | None = None,
        *,
        max_connections: int = 50,
        idle_connections: int = 4,
        idle_seconds: float = 5.0,
        pool_timeout: float = 10.0,
        retry_seconds: float = 1.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(hosts=hosts, **kwargs)
        self.max_connections = max_connections
        self.idle_connections = idle_connections
        self.idle_seconds = idle_seconds
        self.pool_timeout = pool_timeout
        self.retry_seconds = retry_seconds
        # Every group membership this process holds, to add back after Redis restarts empty.
        self.memberships: dict[str, set[str]] = defaultdict(set)
        self._outages: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = weakref.WeakKeyDictionary()
        self._listeners: list[weakref.WeakMethod] = []
        self._recovering: set[asyncio.Task] = set()

    # --- pools -----------------------------------------------------------------------------
    def create_pool(self, index: int):
        host = dict(self.hosts[index])
        if "master_name" in host:  # Sentinel: channels_redis's own pool
            return super().create_pool(index)
        options = {
            "max_connections": self.max_connections,
            "timeout": self.pool_timeout,
            "max_idle": self.idle_connections,
            "idle_seconds": self.idle_seconds,
            # A Redis that stops answering must not hang a socket for ever: connecting gives up
            # after 2 s, and a read after 10 s (receive's blocking pop returns within 5).
            "socket_connect_timeout": 2.0,
            "socket_timeout": self.brpop_timeout + 5.0,
            "socket_keepalive": True,
            # After Redis restarts, pooled connections are dead sockets: retry a command once on a
            # fresh connection instead of failing it (and /health/) once per stale connection.
            "retry": Retry(NoBackoff(), 1),
            **host,
        }
        address = options.pop("address", None)
        if address is not None:
            return BoundedConnectionPool.from_url(address, **options)
        return BoundedConnectionPool(**options)

    # --- outage and recovery ---------------------------------------------------------------
    def add_restore_listener(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Call ``callback`` (a bound method, held weakly) each time Redis is back after an outage."""
        self._listeners.append(weakref.WeakMethod(callback))

    def redis_down(self) -> bool:
        """Whether this event loop is waiting for Redis to come back."""
        try:
            back = self._outages.get(asyncio.get_running_loop())
        except RuntimeError:
            return False
        return back is not None and not back.is_set()

    def _outage(self, exc: BaseException) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        back = self._outages.get(loop)
        if back is None or back.is_set():
            logger.warning(
                "channel layer: Redis unavailable (%s: %s); sockets stay open, retrying every %.1f s",
                exc.__class__.__name__,
                exc,
                self.retry_seconds,
            )
            back = self._outages[loop] = asyncio.Event()
            task = loop.create_task(self._recover(back))
            self._recovering.add(task)
            task.add_done_callback(self._recovering.discard)
        return back

    async def _recover(self, back: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self.retry_seconds)
            try:
                for index in range(self.ring_size):
                    await self.connection(index).ping()
                restored = await self._restore_memberships()
            except FAILURES:
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("channel layer: restoring group memberships failed; retrying")
                continue
            break
        logger.warning("channel layer: Redis is back; %d group memberships restored", restored)
        back.set()
        for ref in list(self._listeners):
            callback = ref()
            if callback is None:
                self._listeners.remove(ref)
                continue
            try:
                await callback()
            except Exception:
                logger.exception("channel layer restore listener failed")

    async def _restore_memberships(self) -> int:
        count = 0
        for group, channels in list(self.memberships.items()):
            for channel in list(channels):
                if channel in self.memberships.get(group, ()):  # not discarded meanwhile
                    await super().group_add(group, channel)
                    count += 1
        return count

    # --- the layer API -----------------------------------------------------------------------
    async def receive(self, channel: str) -> dict:
        while True:
            back = self._outages.get(asyncio.get_running_loop())
            if back is not None and not back.is_set():
                await back.wait()
            try:
                return await super().receive(channel)
            except FAILURES as exc:
                self._outage(exc)

    async def group_add(self, group: str, channel: str) -> None:
        self.memberships[group].add(channel)
        if self.redis_down():
            return  # added when Redis is back
        try:
            await super().group_add(group, channel)
        except FAILURES as exc:
            self._outage(exc)

    async def group_discard(self, group: str, channel: str) -> None:
        channels = self.memberships.get(group)
        if channels is not None:
            channels.discard(channel)
            if not channels:
                del self.memberships[group]
        if self.redis_down():
            return  # a restarted Redis has forgotten it anyway; a surviving one expires it
        try:
            await super().group_discard(group, channel)
        except FAILURES as exc:
            self._outage(exc)

    def _fail_fast(self) -> None:
        # While Redis is known to be away, a send fails at once: trying would hold the caller (a
        # database thread broadcasting a message it just stored) for the whole connect timeout,
        # and what is not broadcast is repaired from the database when Redis is back.
        if self.redis_down():
            raise RedisConnectionError("Redis is unavailable; waiting for it to come back")

    async def send(self, channel: str, message: dict) -> None:
        self._fail_fast()
        try:
            await super().send(channel, message)
        except FAILURES as exc:
            self._outage(exc)
            raise

    async def group_send(self, group: str, message: dict) -> None:
        self._fail_fast()
        try:
            await super().group_send(group, message)
        except FAILURES as exc:
            self._outage(exc)
            raise
