"""Websocket sign-in on the database pool (``boost.db``) instead of Channels' one shared thread.

Channels' ``AuthMiddleware`` reads the session and the user through its thread-sensitive
``database_sync_to_async``: every socket opening in a server process waits its turn on a single
thread, which opens and closes a database connection each time. When a crowd arrives at once
(issue 19: 1,000 sockets in one thread), the handshakes queued for minutes, clients gave up and
retried, and their retries joined the queue. Here the same code runs on the pool, whose threads keep
their connections.
"""

from __future__ import annotations

from channels.auth import AuthMiddleware, get_user
from channels.sessions import CookieMiddleware, SessionMiddleware

from boost.db import database_sync_to_async

_get_user = database_sync_to_async(get_user.func)


class PooledAuthMiddleware(AuthMiddleware):
    async def resolve_scope(self, scope) -> None:
        scope["user"]._wrapped = await _get_user(scope)


def AuthMiddlewareStack(inner):  # named as Channels names its own
    """Channels' stack (cookies, session, user), with the user read on the pool."""
    return CookieMiddleware(SessionMiddleware(PooledAuthMiddleware(inner)))
