"""Websocket sign-in on the database pool (``boost.db``) instead of Channels' one shared thread.

Channels' ``AuthMiddleware`` reads the session and the user through its thread-sensitive
``database_sync_to_async``: every socket opening in a server process waits its turn on a single
thread, which opens and closes a database connection each time. When a crowd arrives at once
(issue 19: 1,000 sockets in one thread), the handshakes queued for minutes, clients gave up and
retried, and their retries joined the queue. Here the same code runs on the pool, whose threads keep
their connections.

A socket reads the session (to know who is there) and never writes it, so the session middleware
here hands the server's own ``send`` to the consumer. Channels' wraps it to save a changed session
on an HTTP response; on a socket that wrapper only looked the session over on every frame sent,
about a fifth of a crowded room's fan-out.
"""

from __future__ import annotations

from channels.auth import AuthMiddleware, get_user
from channels.sessions import CookieMiddleware, InstanceSessionWrapper

from boost.db import database_sync_to_async

_get_user = database_sync_to_async(get_user.func)


class ReadOnlySessionMiddleware:
    """Channels' ``SessionMiddleware`` without its ``send`` wrapper (see the module docstring)."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        wrapper = InstanceSessionWrapper(scope, send)
        await wrapper.resolve_session()
        return await self.inner(wrapper.scope, receive, send)


class PooledAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope) -> None:
        scope["user"]._wrapped = await _get_user(scope)


def AuthMiddlewareStack(inner):  # named as Channels names its own
    """Channels' stack (cookies, session, user), with the user read on the pool and the session
    read only."""
    return CookieMiddleware(ReadOnlySessionMiddleware(PooledAuthMiddleware(inner)))
