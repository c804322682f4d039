"""Issue 19: the thread socket under load and faults (read-frame floods, the rights re-check race,
database outages), with WebsocketCommunicator."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import OperationalError

from discussions import hub as hub_module
from discussions import services
from discussions.models import Message, ReadMarker
from discussions.routing import websocket_urlpatterns
from tests.conftest import user_with_role
from tests.factories.discussions import cid, join, make_community, make_thread

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

app = URLRouter(websocket_urlpatterns)


async def connect(user, thread_id: int) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def next_of(communicator: WebsocketCommunicator, kind: str, timeout: float = 5.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        assert remaining > 0, f"no {kind} event"
        data = await communicator.receive_json_from(timeout=remaining)
        if data["type"] == kind:
            return data


@pytest.fixture
def room(db, member, other_member):
    community = make_community(title="Discharge", private=True)
    join(member, community)
    join(other_member, community)
    thread = make_thread(member, community, title="Criteria-led discharge")
    return community, thread


class FakeSocket:
    def __init__(self, user_id: int) -> None:
        self.user_id = user_id
        self.user_name = f"person {user_id}"
        self.revoked = False

    async def revoke(self) -> None:
        self.revoked = True


async def test_a_rights_recheck_never_revokes_a_socket_that_joined_during_it(monkeypatch):
    """The race of issue 19: someone joins while the re-check awaits the database. Only the people
    checked and found to have lost access are revoked."""
    hub = hub_module.Hub()
    room = hub_module.Room(hub, thread_id=1, version=0)
    stays, leaves, late = FakeSocket(1), FakeSocket(2), FakeSocket(3)
    room.consumers = {stays, leaves}
    asked: list[set[int]] = []
    in_query = asyncio.Event()
    release = asyncio.Event()

    async def users_allowed(thread_id: int, user_ids: set[int]) -> set[int]:
        asked.append(set(user_ids))
        in_query.set()
        await release.wait()
        return {1}  # person 2 lost access; person 3 was never asked about

    monkeypatch.setattr(hub_module, "_users_allowed", users_allowed)
    check = asyncio.create_task(room.recheck_rights())
    await in_query.wait()
    room.consumers.add(late)  # joins while the database call is in flight
    release.set()
    await check
    assert asked == [{1, 2}]
    assert leaves.revoked
    assert not stays.revoked
    assert not late.revoked


@pytest.fixture
def read_writes(monkeypatch) -> list[dict[int, int]]:
    """Every batch of read markers the rooms write (person -> furthest message read)."""
    writes: list[dict[int, int]] = []
    real = services.advance_read_markers

    def counting(*, thread_id, up_to):
        writes.append(dict(up_to))
        return real(thread_id=thread_id, up_to=up_to)

    monkeypatch.setattr(services, "advance_read_markers", counting)
    return writes


async def test_a_read_frame_flood_costs_one_write_per_interval_and_pings_stay_prompt(
    room, member, settings, read_writes
):
    settings.DISCUSSIONS_READ_INTERVAL = 0.5
    _, thread = room
    first = await database_sync_to_async(lambda: Message.objects.filter(thread=thread).first().pk)()
    alice = await connect(member, thread.pk)
    for n in range(300):
        await alice.send_json_to({"action": "read", "id": first + n})
    await alice.send_json_to({"action": "ping", "ref": "after-flood"})
    pong = await next_of(alice, "pong")
    assert pong["ref"] == "after-flood"
    for _ in range(50):
        if read_writes and read_writes[-1] == {member.pk: first + 299}:
            break
        await asyncio.sleep(0.1)
    assert read_writes[-1] == {member.pk: first + 299}
    assert len(read_writes) <= 3  # the first at once, the rest coalesced into one per interval
    marker = await database_sync_to_async(lambda: ReadMarker.objects.get(user=member, thread=thread).last_read_id)()
    assert marker == first + 299
    await alice.disconnect()


async def test_a_room_writes_everyone_s_read_markers_together_and_never_back(
    room, member, other_member, settings, read_writes
):
    """A crowd reading along: each person's latest read goes into the room's one write an interval."""
    settings.DISCUSSIONS_READ_INTERVAL = 2.0
    _, thread = room
    first = await database_sync_to_async(lambda: Message.objects.filter(thread=thread).first().pk)()
    await database_sync_to_async(ReadMarker.objects.create)(user=member, thread=thread, last_read_id=first + 50)
    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    await alice.send_json_to({"action": "read", "id": first})  # starts the first (immediate) write
    await asyncio.sleep(0.1)
    for n in range(1, 40):
        await alice.send_json_to({"action": "read", "id": first + n})
        await bob.send_json_to({"action": "read", "id": first + n})
    for _ in range(50):
        if len(read_writes) >= 2:
            break
        await asyncio.sleep(0.1)
    assert read_writes == [{member.pk: first}, {member.pk: first + 39, other_member.pk: first + 39}]
    markers = await database_sync_to_async(
        lambda: dict(ReadMarker.objects.filter(thread=thread).values_list("user_id", "last_read_id"))
    )()
    assert markers == {member.pk: first + 50, other_member.pk: first + 39}  # never moved back; created
    await alice.disconnect()
    await bob.disconnect()


async def test_a_post_while_the_database_is_down_gets_a_retry_error_and_the_socket_stays(room, member, monkeypatch):
    _, thread = room
    alice = await connect(member, thread.pk)
    real_post = services.post_message
    down = threading.Event()
    down.set()

    def post_message(**kwargs):
        if down.is_set():
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return real_post(**kwargs)

    monkeypatch.setattr(services, "post_message", post_message)
    client_id = cid()
    await alice.send_json_to({"action": "post", "client_id": client_id, "body": "Still here?", "ref": 4})
    error = await next_of(alice, "error")
    assert error["code"] == "unavailable" and error["retry"] is True
    assert error["client_id"] == client_id and error["ref"] == 4
    assert "will retry" in error["message"]
    assert await database_sync_to_async(Message.objects.filter(client_id=client_id).count)() == 0
    # The socket is still open and the same client id goes through once the database is back.
    down.clear()
    await alice.send_json_to({"action": "post", "client_id": client_id, "body": "Still here?"})
    ack = await next_of(alice, "ack")
    assert ack["client_id"] == client_id and ack["created"] is True
    assert await database_sync_to_async(Message.objects.filter(client_id=client_id).count)() == 1
    await alice.disconnect()


async def test_a_slow_action_holds_up_only_its_own_socket(room, member, other_member, monkeypatch):
    """Every socket has its own queue: while one socket's action waits, another socket's ping is
    answered and its own frames are read."""
    _, thread = room
    alice = await connect(member, thread.pk)
    bob = await connect(other_member, thread.pk)
    release = threading.Event()
    real_source = services.message_source

    def slow_source(**kwargs):
        release.wait(timeout=10)
        return real_source(**kwargs)

    monkeypatch.setattr(services, "message_source", slow_source)
    await alice.send_json_to({"action": "source", "id": 1})
    await alice.send_json_to({"action": "ping", "ref": "alice"})
    assert (await next_of(alice, "pong"))["ref"] == "alice"
    await bob.send_json_to({"action": "ping", "ref": "bob"})
    assert (await next_of(bob, "pong"))["ref"] == "bob"
    release.set()
    await next_of(alice, "error")  # message 1 is not hers (or does not exist): refused, socket open
    await alice.disconnect()
    await bob.disconnect()


def test_a_rights_recheck_reads_a_crowd_in_a_few_queries(room, curator, django_assert_max_num_queries):
    """The room re-checks everyone viewing a thread every few seconds: a constant number of queries,
    not two a person (a thousand viewers made it thousands of queries, delaying gap repairs)."""
    community, thread = room
    members = [user_with_role("Member") for _ in range(12)]
    for person in members:
        join(person, community)
    outsider = user_with_role("Member")
    asked = {person.pk for person in members} | {curator.pk, outsider.pk}
    with django_assert_max_num_queries(4):  # thread, people, memberships, overseer roles
        allowed = hub_module._users_allowed.__wrapped__(thread.pk, asked)
    assert allowed == {person.pk for person in members} | {curator.pk}


def test_a_room_s_read_markers_are_one_statement_that_creates_and_never_moves_back(
    room, member, other_member, curator, django_assert_num_queries
):
    """The room's batch is one upsert however many people (it was a CASE of one branch a person,
    compiled each time: a quarter of a crowded worker's time)."""
    _, thread = room
    first = Message.objects.filter(thread=thread).first().pk
    ReadMarker.objects.create(user=member, thread=thread, last_read_id=first + 5)
    ReadMarker.objects.create(user=other_member, thread=thread, last_read_id=first)
    with django_assert_num_queries(1):
        moved = services.advance_read_markers(
            thread_id=thread.pk, up_to={member.pk: first + 1, other_member.pk: first + 3, curator.pk: first + 2}
        )
    assert moved == 2  # other_member moved, curator created; member's marker is further on already
    markers = dict(ReadMarker.objects.filter(thread=thread).values_list("user_id", "last_read_id"))
    assert markers == {member.pk: first + 5, other_member.pk: first + 3, curator.pk: first + 2}
    assert services.advance_read_markers(thread_id=thread.pk, up_to={other_member.pk: first + 3}) == 0
