"""Hostile frames on the thread socket (issue 11): each used to end the socket; now an error event,
the socket stays usable and nothing is stored."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from discussions.models import Message
from discussions.routing import websocket_urlpatterns
from tests.factories.communities import make_community
from tests.factories.discussions import cid, join, make_thread

app = URLRouter(websocket_urlpatterns)


@pytest.fixture
def room(db, member):
    community = make_community(title="Discharge")
    join(member, community)
    return community, make_thread(member, community, title="Criteria-led discharge")


async def _connect(user, thread_id: int) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _next(communicator: WebsocketCommunicator, kind: str) -> dict:
    while True:
        data = await communicator.receive_json_from(timeout=3)
        if data["type"] == kind:
            return data


async def _still_usable(communicator: WebsocketCommunicator) -> None:
    await communicator.send_json_to({"action": "ping", "ref": "alive"})
    assert (await _next(communicator, "pong"))["ref"] == "alive"


def _message_count() -> int:
    return Message.objects.count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_deeply_nested_json_frame_is_an_error_event_and_the_socket_stays(room, member):
    _, thread = room
    socket = await _connect(member, thread.pk)
    await socket.send_to(text_data="[" * 5000 + "]" * 5000)
    assert (await _next(socket, "error"))["code"] == "bad_json"
    await socket.send_to(text_data='{"action": "post", "body": ' + "[" * 5000 + "]" * 5000 + "}")
    assert (await _next(socket, "error"))["code"] == "bad_json"
    await _still_usable(socket)
    await socket.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("body", ["lone \\ud800 surrogate", "trailing \\udfff", "nul \\u0000 inside"])
async def test_lone_surrogates_and_nul_over_the_socket_are_refused_and_nothing_is_stored(room, member, body):
    _, thread = room
    before = await database_sync_to_async(_message_count)()
    socket = await _connect(member, thread.pk)
    # Written by hand: json.dumps would refuse nothing, but we want the exact escapes a client sends.
    await socket.send_to(text_data=f'{{"action": "post", "client_id": "{cid()}", "body": "{body}", "ref": 3}}')
    error = await _next(socket, "error")
    assert error["code"] == "bad_text" and error["ref"] == 3
    assert "character" in error["message"]
    await _still_usable(socket)
    await socket.send_json_to({"action": "post", "client_id": cid(), "body": "A fine message"})
    assert (await _next(socket, "ack"))["created"] is True
    assert await database_sync_to_async(_message_count)() == before + 1
    await socket.disconnect()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_a_surrogate_pair_written_as_escapes_is_a_real_character_and_is_stored(room, member):
    _, thread = room
    socket = await _connect(member, thread.pk)
    await socket.send_to(text_data=f'{{"action": "post", "client_id": "{cid()}", "body": "ok \\ud83d\\ude00"}}')
    ack = await _next(socket, "ack")
    assert ack["message"]["body"] == "ok \U0001f600"
    await socket.disconnect()
