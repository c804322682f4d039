"""A suspended or closed account's open sockets all close at once, through the person's own group."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from discussions import events
from discussions.routing import websocket_urlpatterns
from privacy import services as privacy_services
from tests.factories.discussions import join, make_community, make_thread

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

app = URLRouter(websocket_urlpatterns)


async def _open(user, path: str) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(app, path)
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _closed_as_signed_out(communicator: WebsocketCommunicator) -> None:
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            assert output["code"] == 4401
            return
        if output["type"] == "websocket.send" and '"signed_out"' in output.get("text", ""):
            continue


async def test_closing_an_account_closes_every_socket_of_that_person(member, other_member):
    community = await database_sync_to_async(make_community)()
    await database_sync_to_async(join)(member, community)
    await database_sync_to_async(join)(other_member, community)
    thread = await database_sync_to_async(make_thread)(member, community)
    sockets = [
        await _open(member, f"/ws/discussions/thread/{thread.pk}/"),
        await _open(member, f"/ws/discussions/community/{community.pk}/"),
        await _open(member, "/ws/notifications/"),
    ]
    bystander = await _open(other_member, f"/ws/discussions/thread/{thread.pk}/")

    await database_sync_to_async(privacy_services.request_closure)(actor=member)

    for socket in sockets:
        await _closed_as_signed_out(socket)
    await bystander.send_json_to({"action": "ping"})
    reply = await bystander.receive_json_from(timeout=3)
    while reply["type"] != "pong":
        reply = await bystander.receive_json_from(timeout=3)
    await bystander.disconnect()


def test_account_ended_event_names_the_person():
    assert events.account_ended(7) == {"type": "account.ended", "user_id": 7}
