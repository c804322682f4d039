"""A suspended member's open sockets close at once (the privacy app's ``account.ended`` path) and a
new one is refused until the suspension ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from accounts import sanctions
from accounts.models import User
from discussions.routing import websocket_urlpatterns
from tests.factories.discussions import join, make_community, make_thread

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

app = URLRouter(websocket_urlpatterns)


async def _connect(user, path: str) -> tuple[WebsocketCommunicator, bool, int | None]:
    communicator = WebsocketCommunicator(app, path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


async def _closed_as_signed_out(communicator: WebsocketCommunicator) -> None:
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output["code"] == 4401
            return


async def test_suspension_closes_open_sockets_and_refuses_new_ones(member, other_member, curator):
    community = await database_sync_to_async(make_community)()
    await database_sync_to_async(join)(member, community)
    await database_sync_to_async(join)(other_member, community)
    thread = await database_sync_to_async(make_thread)(member, community)
    paths = [f"/ws/discussions/thread/{thread.pk}/", f"/ws/discussions/community/{community.pk}/", "/ws/notifications/"]
    sockets = []
    for path in paths:
        socket, connected, _ = await _connect(member, path)
        assert connected
        sockets.append(socket)
    bystander, connected, _ = await _connect(other_member, paths[0])
    assert connected

    await database_sync_to_async(sanctions.suspend_member)(
        actor=curator, member=member, reason="Spam", ends_at=timezone.now() + timedelta(days=1), hide_content=False
    )

    for socket in sockets:
        await _closed_as_signed_out(socket)
    # The user object a new socket's session would load now says "suspended": refused.
    suspended = await database_sync_to_async(User.objects.get)(pk=member.pk)
    for path in paths:
        socket, connected, code = await _connect(suspended, path)
        assert not connected and code == 4401
    # Everyone else carries on.
    await bystander.send_json_to({"action": "ping"})
    reply = await bystander.receive_json_from(timeout=3)
    while reply["type"] != "pong":
        reply = await bystander.receive_json_from(timeout=3)
    await bystander.disconnect()

    # Once it has ended, they may connect again.
    await database_sync_to_async(User.objects.filter(pk=member.pk).update)(
        suspended_until=timezone.now() - timedelta(seconds=1)
    )
    returned = await database_sync_to_async(User.objects.get)(pk=member.pk)
    socket, connected, _ = await _connect(returned, paths[2])
    assert connected
    await socket.disconnect()
