"""Websocket sign-in through the whole ASGI stack, the session and user read on the database pool
(boost/ws_auth.py): a valid session cookie signs the socket in; a stale one does not."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from tests.factories.accounts import UserFactory
from tests.factories.discussions import join, make_community, make_thread

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in_thread() -> tuple[int, str]:
    person = UserFactory()
    community = make_community(private=True)
    join(person, community)
    thread = make_thread(person, community)
    store = SessionStore()
    store[SESSION_KEY] = str(person.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = person.get_session_auth_hash()
    store.create()
    return thread.pk, store.session_key


async def _open(thread_id: int, session_key: str) -> tuple[bool, int | None]:
    from boost.asgi import application

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()
    socket = WebsocketCommunicator(application, f"/ws/discussions/thread/{thread_id}/", headers=[(b"cookie", cookie)])
    connected, code = await socket.connect(timeout=10)
    if connected:
        await socket.disconnect()
    return connected, code


async def test_a_session_cookie_signs_the_socket_in():
    thread_id, session_key = await sync_to_async(_signed_in_thread)()
    assert await _open(thread_id, session_key) == (True, None)


async def test_an_unknown_session_is_refused_as_signed_out():
    thread_id, _ = await sync_to_async(_signed_in_thread)()
    connected, code = await _open(thread_id, "nosuchsessionkey0000000000000000")
    assert not connected and code == 4401


async def test_a_socket_sends_through_the_server_s_own_send_and_is_signed_in():
    """The session is read, never written, on a socket: no wrapper looks it over on every frame."""
    from boost.ws_auth import AuthMiddlewareStack

    thread_id, session_key = await sync_to_async(_signed_in_thread)()
    seen = {}

    async def consumer(scope, receive, send):
        seen["send"] = send
        seen["user_id"] = scope["user"].pk

    async def server_send(message):
        raise AssertionError("nothing is sent here")

    async def receive():
        return {"type": "websocket.connect"}

    cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}".encode()
    scope = {"type": "websocket", "path": f"/ws/discussions/thread/{thread_id}/", "headers": [(b"cookie", cookie)]}
    await AuthMiddlewareStack(consumer)(scope, receive, server_send)
    assert seen["send"] is server_send
    assert seen["user_id"] is not None
