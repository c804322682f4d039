"""Direct messages over the discussion socket: live between participants, 404 for everyone else."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from discussions import conversations
from discussions.models import Block, Message
from discussions.routing import websocket_urlpatterns
from tests.discussions.test_consumers import connect, next_of, send
from tests.factories.discussions import cid, join, make_community

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

app = URLRouter(websocket_urlpatterns)


@database_sync_to_async
def _conversation(member, other):
    community = make_community(title="Discharge")
    join(member, community)
    join(other, community)
    return conversations.start_conversation(sender=member, recipient_ids=[other.pk], body="Hello", client_id=cid())


async def test_live_exchange_catch_up_and_block(member, other_member, user_factory):
    thread = await _conversation(member, other_member)
    outsider = await database_sync_to_async(user_factory)()
    refused = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread.pk}/")
    refused.scope["user"] = outsider
    connected, code = await refused.connect()
    assert not connected and code == 4404

    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    client_id = cid()
    await send(bob, action="post", client_id=client_id, body="Come and see on Tuesday")
    created = await next_of(alice, "message.created")
    assert created["message"]["body"].startswith("Come and see")
    assert (await next_of(bob, "ack"))["created"] is True
    # A retry with the same client id is acknowledged, not doubled.
    await send(bob, action="post", client_id=client_id, body="Come and see on Tuesday")
    assert (await next_of(bob, "ack"))["created"] is False
    # Catch-up after a reconnect: everything after the version the page had.
    await send(alice, action="resume", since=1)
    catchup = await next_of(alice, "catchup")
    assert [m["body"] for m in catchup["messages"]] == ["Come and see on Tuesday"]
    # Alice blocks Bob: his next message is refused and stored nowhere.
    await database_sync_to_async(Block.objects.create)(blocker=member, blocked=other_member)
    await send(bob, action="post", client_id=cid(), body="Hello?")
    error = await next_of(bob, "error")
    assert error["code"] == "forbidden"
    assert await database_sync_to_async(Message.objects.filter(thread=thread).count)() == 2
    await alice.disconnect()
    await bob.disconnect()
