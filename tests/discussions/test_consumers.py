"""The thread socket: every action and every refusal, with WebsocketCommunicator."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from communities.models import Membership
from discussions.models import Flag, Message, ModerationAction, Thread
from discussions.routing import websocket_urlpatterns
from tests.factories.discussions import cid, join, make_community, make_thread

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

app = URLRouter(websocket_urlpatterns)


@pytest.fixture(autouse=True)
def _fast_watch(settings):
    settings.DISCUSSIONS_WATCH_SECONDS = 0.2
    settings.DISCUSSIONS_RECHECK_SECONDS = 0.5


async def connect(user, thread_id: int, path: str = "thread") -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(app, f"/ws/discussions/{path}/{thread_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def next_of(communicator: WebsocketCommunicator, kind: str, timeout: float = 3.0) -> dict:
    """The next frame of type ``kind``, skipping presence and typing chatter."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"no {kind} event"
        data = await communicator.receive_json_from(timeout=remaining)
        if data["type"] == kind:
            return data


async def send(communicator: WebsocketCommunicator, **data) -> None:
    await communicator.send_json_to(data)


@pytest.fixture
def room(db, member, other_member):
    community = make_community(title="Discharge")
    join(member, community)
    join(other_member, community)
    thread = make_thread(member, community, title="Criteria-led discharge")
    return community, thread


async def test_anonymous_and_outsiders_are_refused(room, user_factory):
    from django.contrib.auth.models import AnonymousUser

    _community, thread = room
    anonymous = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread.pk}/")
    anonymous.scope["user"] = AnonymousUser()
    connected, code = await anonymous.connect()
    assert not connected and code == 4401

    private = await database_sync_to_async(make_community)(private=True)
    owner = await database_sync_to_async(user_factory)()
    await database_sync_to_async(join)(owner, private)
    secret = await database_sync_to_async(make_thread)(owner, private)
    outsider = await database_sync_to_async(user_factory)()
    communicator = WebsocketCommunicator(app, f"/ws/discussions/thread/{secret.pk}/")
    communicator.scope["user"] = outsider
    connected, code = await communicator.connect()
    assert not connected and code == 4404


async def test_only_the_sites_origin_is_accepted(room, member, settings):
    from boost.asgi import application

    settings.ALLOWED_HOSTS = ["boost.example"]
    _, thread = room
    foreign = WebsocketCommunicator(
        application, f"/ws/discussions/thread/{thread.pk}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await foreign.connect()
    assert not connected


async def test_post_is_acked_and_delivered_live_and_retry_is_idempotent(room, member, other_member):
    _, thread = room
    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    client_id = cid()
    await send(alice, action="post", client_id=client_id, body="Hello **Bob**", ref=7)
    ack = await next_of(alice, "ack")
    assert ack["created"] is True and ack["ref"] == 7 and ack["client_id"] == client_id
    live = await next_of(bob, "message.created")
    assert live["message"]["html"] == "<p>Hello <strong>Bob</strong></p>"
    assert live["message"]["author_name"] == member.display_name
    await send(alice, action="post", client_id=client_id, body="Hello **Bob**")
    again = await next_of(alice, "ack")
    assert again["created"] is False and again["message"]["id"] == ack["message"]["id"]
    assert await database_sync_to_async(Message.objects.filter(client_id=client_id).count)() == 1
    # Bob sees no second copy.
    await send(bob, action="ping")
    assert (await next_of(bob, "pong"))["type"] == "pong"
    extra = []  # a "who is here" update may still come (on a slow machine, after the pong)
    while not await bob.receive_nothing(timeout=0.3):
        frame = json.loads(await bob.receive_from())
        if frame["type"] not in ("presence", "typing"):
            extra.append(frame)
    assert extra == []
    await alice.disconnect()
    await bob.disconnect()


async def test_resume_sends_everything_missed(room, member, other_member):
    _, thread = room
    version = await database_sync_to_async(lambda: Thread.objects.get(pk=thread.pk).version)()
    alice = await connect(member, thread.pk)
    for text in ["one", "two"]:
        await send(alice, action="post", client_id=cid(), body=text)
        await next_of(alice, "ack")
    await alice.disconnect()
    bob = await connect(other_member, thread.pk)
    await send(bob, action="resume", since=version)
    catchup = await next_of(bob, "catchup")
    assert [m["body"] for m in catchup["messages"]] == ["one", "two"]
    assert catchup["complete"] is True and catchup["version"] == version + 2
    await send(bob, action="resume", since="yesterday")
    assert (await next_of(bob, "error"))["code"] == "invalid"
    await bob.disconnect()


async def test_edit_delete_react_flag(room, member, other_member):
    _, thread = room
    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    await send(alice, action="post", client_id=cid(), body="Draft thought")
    message_id = (await next_of(alice, "ack"))["message"]["id"]
    await next_of(bob, "message.created")

    await send(bob, action="edit", id=message_id, body="Bob's words")
    error = await next_of(bob, "error")
    assert error["code"] == "not_yours"
    await send(alice, action="edit", id=message_id, body="Better thought")
    updated = await next_of(bob, "message.updated")
    assert updated["message"]["edited"] is True and updated["message"]["body"] == "Better thought"

    await send(bob, action="react", id=message_id, kind="idea")
    reaction = await next_of(alice, "reaction.changed")
    assert reaction["reactions"] == {"idea": 1} and reaction["added"] is True
    await send(bob, action="react", id=message_id, kind="nonsense")
    assert (await next_of(bob, "error"))["code"] == "invalid"

    await send(bob, action="flag", id=message_id, reason="Check")
    assert (await next_of(bob, "ack"))["flagged"] is True
    assert await database_sync_to_async(Flag.objects.filter(message_id=message_id).count)() == 1

    await send(bob, action="delete", id=message_id)
    assert (await next_of(bob, "error"))["code"] == "not_yours"
    await send(alice, action="delete", id=message_id)
    deleted = await next_of(bob, "message.updated")
    assert deleted["message"]["deleted"] is True and deleted["message"]["html"] == ""
    await alice.disconnect()
    await bob.disconnect()


async def test_inline_editor_loads_the_source_and_saves_with_refs(room, member, other_member):
    _, thread = room
    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    await send(alice, action="post", client_id=cid(), body="First **draft**")
    message_id = (await next_of(alice, "ack"))["message"]["id"]

    # The editor asks for its own message's markdown; someone else's is refused, with the ref echoed.
    await send(alice, action="source", id=message_id, ref="edit-1")
    source = await next_of(alice, "source")
    assert source == {"type": "source", "id": message_id, "body": "First **draft**", "version": source["version"],
                      "ref": "edit-1"}  # fmt: skip
    await send(bob, action="source", id=message_id, ref="edit-9")
    refused = await next_of(bob, "error")
    assert refused["code"] == "not_yours" and refused["ref"] == "edit-9"

    # Saving: the ack carries the ref and the new version; everyone else sees the edit live.
    await send(alice, action="edit", id=message_id, body="First *final*", ref="edit-1")
    ack = await next_of(alice, "ack")
    assert ack["ref"] == "edit-1" and ack["id"] == message_id and ack["version"] > source["version"]
    updated = await next_of(bob, "message.updated")
    assert updated["message"]["html"] == "<p>First <em>final</em></p>" and updated["message"]["edited"] is True

    too_long = "x" * 5001
    await send(alice, action="edit", id=message_id, body=too_long, ref="edit-2")
    error = await next_of(alice, "error")
    assert error["code"] == "too_long" and error["ref"] == "edit-2" and "at most 5,000" in error["message"]
    stored = await database_sync_to_async(lambda: Message.objects.get(pk=message_id).body)()
    assert stored == "First *final*"

    await send(alice, action="delete", id=message_id)
    await next_of(alice, "ack")
    await send(alice, action="source", id=message_id, ref="edit-3")
    assert (await next_of(alice, "error"))["code"] == "gone"
    await alice.disconnect()
    await bob.disconnect()


async def test_moderation_hide_pin_lock(room, member, other_member, curator):
    _, thread = room
    alice = await connect(member, thread.pk)
    mod = await connect(curator, thread.pk)
    await send(alice, action="post", client_id=cid(), body="Off-topic rant")
    message_id = (await next_of(alice, "ack"))["message"]["id"]

    await send(alice, action="hide", id=message_id)
    assert (await next_of(alice, "error"))["code"] == "forbidden"
    await send(alice, action="lock", value=True)
    assert (await next_of(alice, "error"))["code"] == "forbidden"

    await send(mod, action="hide", id=message_id, reason="Off topic")
    hidden = await next_of(alice, "message.hidden")
    assert hidden["message"] == {
        "id": message_id,
        "version": hidden["message"]["version"],
        "thread_id": thread.pk,
        "hidden": True,
    }
    log = await database_sync_to_async(lambda: list(ModerationAction.objects.values_list("action", "reason")))()
    assert log == [("hide", "Off topic")]

    await send(mod, action="pin", value=True)
    assert (await next_of(alice, "thread.updated"))["thread"]["pinned"] is True
    await send(mod, action="lock", value=True)
    assert (await next_of(alice, "thread.updated"))["thread"]["locked"] is True
    before = await database_sync_to_async(Message.objects.count)()
    await send(alice, action="post", client_id=cid(), body="Can I still post?")
    error = await next_of(alice, "error")
    assert error["code"] == "locked" and "locked" in error["message"]
    assert await database_sync_to_async(Message.objects.count)() == before
    await alice.disconnect()
    await mod.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_request"),
        ('{"action": "explode"}', "unknown_action"),
        (json.dumps({"action": "post", "client_id": "c1", "body": "x" * 20000}), "too_long"),
        (json.dumps({"action": "post", "client_id": "c2", "body": "x" * 5001}), "too_long"),
        (json.dumps({"action": "post", "client_id": "c3", "body": "<script>alert(1)</script>"}), "html"),
        (json.dumps({"action": "post", "client_id": "c4", "body": "[x](javascript:alert(1))"}), "unsafe_link"),
        (json.dumps({"action": "post", "client_id": "c5", "body": "hi @[Nobody At All]"}), "mention"),
        (json.dumps({"action": "post", "client_id": "c6", "body": ""}), "empty"),
        (json.dumps({"action": "post", "client_id": "bad id!", "body": "hello"}), "invalid"),
        (json.dumps({"action": "post", "client_id": "c7", "body": "hi", "reply_to": 999999}), "invalid"),
        (json.dumps({"action": "edit", "id": "seven", "body": "x"}), "not_found"),
    ],
)
async def test_bad_input_gets_an_error_stores_nothing_and_the_socket_stays_usable(room, member, frame, code):
    _, thread = room
    alice = await connect(member, thread.pk)
    before = await database_sync_to_async(Message.objects.count)()
    await alice.send_to(text_data=frame)
    error = await next_of(alice, "error")
    assert error["code"] == code and error["message"]
    assert await database_sync_to_async(Message.objects.count)() == before
    await send(alice, action="post", client_id=cid(), body="Still working")
    assert (await next_of(alice, "ack"))["created"] is True
    await alice.disconnect()


async def test_mentioning_someone_who_cannot_see_a_private_thread_is_refused(member, user_factory):
    private = await database_sync_to_async(make_community)(private=True)
    await database_sync_to_async(join)(member, private)
    await database_sync_to_async(user_factory)(display_name="Oscar Outside")
    thread = await database_sync_to_async(make_thread)(member, private)
    alice = await connect(member, thread.pk)
    await send(alice, action="post", client_id=cid(), body="Ping @[Oscar Outside]")
    error = await next_of(alice, "error")
    assert error["code"] == "mention" and "cannot see" in error["message"]
    await alice.disconnect()


async def test_rate_limit_error(room, member, settings):
    settings.DISCUSSIONS_RATE_LIMIT = (3, 60)  # starting the thread used one
    _, thread = room
    alice = await connect(member, thread.pk)
    for _ in range(2):
        await send(alice, action="post", client_id=cid(), body="quick")
        await next_of(alice, "ack")
    await send(alice, action="post", client_id=cid(), body="too quick")
    error = await next_of(alice, "error")
    assert error["code"] == "rate_limited" and "too quickly" in error["message"]
    await alice.disconnect()


async def test_typing_and_presence(room, member, other_member):
    _, thread = room
    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    presence = await next_of(alice, "presence")
    while {p["id"] for p in presence["people"]} != {member.pk, other_member.pk}:
        presence = await next_of(alice, "presence")
    await send(bob, action="typing")
    typing = await next_of(alice, "typing")
    assert typing["user_id"] == other_member.pk and typing["name"] == other_member.display_name
    await bob.disconnect()
    presence = await next_of(alice, "presence")
    assert [p["id"] for p in presence["people"]] == [member.pk]
    await alice.disconnect()


async def test_removal_from_a_private_community_closes_the_socket(member, other_member):
    private = await database_sync_to_async(make_community)(private=True)
    await database_sync_to_async(join)(member, private)
    membership = await database_sync_to_async(join)(other_member, private)
    thread = await database_sync_to_async(make_thread)(member, private)
    bob = await connect(other_member, thread.pk)

    def remove():
        membership.state = Membership.State.REMOVED
        membership.save()

    await database_sync_to_async(remove)()
    error = await next_of(bob, "error")
    assert error["code"] == "forbidden"
    closed = await bob.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 4403}


async def test_rights_are_rechecked_on_every_action(member, other_member):
    private = await database_sync_to_async(make_community)(private=True)
    await database_sync_to_async(join)(member, private)
    membership = await database_sync_to_async(join)(other_member, private)
    thread = await database_sync_to_async(make_thread)(member, private)
    bob = await connect(other_member, thread.pk)
    # Change rights behind the signal's back (e.g. a bulk update): the next action still notices.
    await database_sync_to_async(Membership.objects.filter(pk=membership.pk).update)(state=Membership.State.LEFT)
    await send(bob, action="post", client_id=cid(), body="Am I still here?")
    assert (await next_of(bob, "error"))["code"] == "forbidden"
    assert not await database_sync_to_async(Message.objects.filter(body="Am I still here?").exists)()


async def test_mention_notification_reaches_the_bell_live(room, member, other_member):
    _, thread = room
    bell = WebsocketCommunicator(app, "/ws/notifications/")
    bell.scope["user"] = other_member
    connected, _ = await bell.connect()
    assert connected
    before = (await next_of(bell, "unread"))["unread"]  # the new-thread notification
    alice = await connect(member, thread.pk)
    await send(alice, action="post", client_id=cid(), body=f"Over to you @[{other_member.display_name}]")
    await next_of(alice, "ack")
    note = await next_of(bell, "notification.created")
    assert note["unread"] == before + 1 and "mentioned you" in note["notification"]["text"]
    await bell.disconnect()
    await alice.disconnect()


async def test_community_socket_gets_thread_activity(room, member, other_member):
    community, thread = room
    listing = await connect(other_member, community.pk, path="community")
    alice = await connect(member, thread.pk)
    await send(alice, action="post", client_id=cid(), body="News")
    activity = await next_of(listing, "thread.activity")
    assert activity["thread_id"] == thread.pk and activity["author_id"] == member.pk
    await listing.disconnect()
    await alice.disconnect()


async def test_a_dropped_broadcast_is_repaired_from_the_database(room, member, other_member, monkeypatch):
    _, thread = room
    bob = await connect(other_member, thread.pk)
    alice = await connect(member, thread.pk)
    from discussions import events

    real = events.send_now
    monkeypatch.setattr(events, "send_now", lambda group, event: None)  # the layer loses it
    await send(alice, action="post", client_id=cid(), body="Lost in transit")
    await next_of(alice, "ack")
    monkeypatch.setattr(events, "send_now", real)
    repaired = await next_of(bob, "sync", timeout=5)
    assert [m["body"] for m in repaired["messages"]] == ["Lost in transit"]
    await alice.disconnect()
    await bob.disconnect()
