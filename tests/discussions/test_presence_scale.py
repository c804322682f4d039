"""Presence in a crowded thread (issue 19: 1,000 sockets in one thread). Every update goes to every
socket, so a big room sends its count and a few names, and updates less often as it grows."""

from __future__ import annotations

from discussions.hub import Hub, Room


class Person:
    def __init__(self, n: int) -> None:
        self.user_id = n
        self.user_name = f"Person {n:04d}"


async def test_a_big_room_sends_the_count_and_the_first_few_names(settings):
    settings.DISCUSSIONS_PRESENCE_NAMES = 3
    room = Room(Hub(), 1, 0)
    room.consumers = {Person(n) for n in range(1000)}
    event = room.presence_event()
    assert event["count"] == 1000
    assert [p["name"] for p in event["people"]] == ["Person 0000", "Person 0001", "Person 0002"]


async def test_a_small_room_names_everyone(settings):
    room = Room(Hub(), 1, 0)
    room.consumers = {Person(n) for n in range(4)}
    event = room.presence_event()
    assert event["count"] == 4 and len(event["people"]) == 4


async def test_updates_slow_down_as_the_room_grows(settings):
    settings.DISCUSSIONS_PRESENCE_MAX_SECONDS = 5.0
    room = Room(Hub(), 1, 0)
    room.consumers = {Person(n) for n in range(20)}
    assert room.presence_interval() == 0.5  # twice a second, as before
    room.consumers = {Person(n) for n in range(300)}
    assert room.presence_interval() == 3.0
    room.consumers = {Person(n) for n in range(1000)}
    assert room.presence_interval() == 5.0
