"""Per-process fan-out for thread groups, with gap repair from the database.

The stock Channels pattern adds every socket's own channel to the group, so one message becomes N
channel-layer deliveries, N consumer dispatches and N JSON encodings. Here each server process
holds one :class:`Room` per open thread: the room's single channel is the only group member from
this process, it encodes each event once per consumer class and writes the frame straight to each
local socket.

The channel layer is at-most-once (and Redis can go away), so every change to a thread carries the
thread's ``version`` and every version bump is broadcast. A room that sees a gap in the versions
(or recovers from a layer error) reads what changed from the database and sends it to its
sockets; clients apply updates by message id and version, so a repeat is harmless.

Presence is kept per room and shared between processes with small ``presence.sync`` messages.
Read markers are gathered per room too: every socket's latest ``read`` in one write a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import InterfaceError, OperationalError

from boost.db import database_sync_to_async

if TYPE_CHECKING:
    from discussions.consumers import ThreadConsumer

logger = logging.getLogger(__name__)


def _warn(error: BaseException, message: str, *args: Any) -> None:
    """One line for a service being away (Redis, the database); the full trace for anything else."""
    from boost.channel_layer import FAILURES
    from discussions.consumers import DATABASE_DOWN

    if isinstance(error, FAILURES + DATABASE_DOWN):
        logger.warning(message + " (%s: %s)", *args, error.__class__.__name__, str(error).strip()[:200])
    else:
        logger.warning(message, *args, exc_info=error)


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@database_sync_to_async
def _thread_version(thread_id: int) -> int | None:
    from discussions.models import Thread

    return next(iter(Thread.objects.filter(pk=thread_id).values_list("version", flat=True)[:1]), None)


@database_sync_to_async
def _changes_since(thread_id: int, since: int) -> tuple[int, list[dict]]:
    from discussions import events, services
    from discussions.models import Thread

    version = next(iter(Thread.objects.filter(pk=thread_id).values_list("version", flat=True)[:1]), 0)
    changed, _complete = services.changed_messages(thread_id, since, version, 1000)
    counts = events.reaction_counts([message.pk for message in changed]) if changed else {}
    return version, [events.message_payload(message, counts.get(message.pk, {})) for message in changed]


@database_sync_to_async
def _advance_read_markers(thread_id: int, up_to: dict[int, int]) -> int:
    from discussions import services

    return services.advance_read_markers(thread_id=thread_id, up_to=up_to)


@database_sync_to_async
def _users_allowed(thread_id: int, user_ids: set[int]) -> set[int]:
    from django.contrib.auth import get_user_model

    from communities.permissions import remember_access, remembered_memberships
    from discussions.models import Thread
    from discussions.permissions import can_view_thread

    thread = Thread.objects.select_related("community", "page").by_pk(thread_id)
    if thread is None:
        return set()
    users = list(get_user_model().objects.filter(pk__in=user_ids, is_active=True))
    with remembered_memberships():
        if thread.community is not None:
            remember_access(users, thread.community)
        return {user.pk for user in users if can_view_thread(user, thread)}


class Room:
    """Everyone in this process viewing one thread."""

    def __init__(self, hub: Hub, thread_id: int, version: int) -> None:
        self.hub = hub
        self.thread_id = thread_id
        self.group = f"thread.{thread_id}"
        self.consumers: set[ThreadConsumer] = set()
        self.floor = version  # every version <= floor has been delivered (or repaired)
        self.seen: set[int] = set()
        self.gap_since: float | None = None
        self.channel: str | None = None
        self.remote_presence: dict[str, tuple[float, list[list]]] = {}
        self.presence_dirty = asyncio.Event()
        self.sync_due = False  # this process's people changed since it last told the others
        self.tasks: list[asyncio.Task] = []
        self.reads: dict[int, int] = {}  # person -> furthest message read, not yet written
        self.read_task: asyncio.Task | None = None
        self.read_at = 0.0

    # --- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        self.tasks = [
            asyncio.create_task(self._read_loop()),
            asyncio.create_task(self._watch_loop()),
            asyncio.create_task(self._presence_loop()),
        ]

    async def stop(self) -> None:
        tasks = [*self.tasks, *([self.read_task] if self.read_task else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self.reads:
            # The last pages closing: their read markers are worth one write, if it is quick.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.write_reads(), timeout=5)
        if self.channel is not None:
            with contextlib.suppress(Exception):
                await self._group_send({"type": "presence.sync", "hub": self.hub.id, "users": []})
                await self.hub.layer.group_discard(self.group, self.channel)

    async def _group_send(self, event: dict) -> None:
        await self.hub.layer.group_send(self.group, event)

    async def _subscribe(self) -> None:
        self.channel = await self.hub.layer.new_channel()
        await self.hub.layer.group_add(self.group, self.channel)
        with contextlib.suppress(Exception):  # presence is best-effort; the 30 s sync repeats it
            await self._group_send({"type": "presence.query", "hub": self.hub.id})
            await self._group_send(self._presence_sync())

    async def _read_loop(self) -> None:
        failed = False
        while True:
            try:
                if self.channel is None:
                    await self._subscribe()
                    if failed:
                        # The layer was down: anything broadcast meanwhile is gone; repair now.
                        await self.repair()
                        failed = False
                event = await self.hub.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - _warn logs it (a trace unless a service is away)
                _warn(error, "channel layer receive for %s failed; retrying", self.group)
                if self.channel is not None:
                    with contextlib.suppress(Exception):
                        await self.hub.layer.group_discard(self.group, self.channel)
                self.channel = None
                failed = True
                await asyncio.sleep(_setting("DISCUSSIONS_LAYER_RETRY_SECONDS", 1.0))
                continue
            try:
                await self.dispatch(event)
            except Exception:
                logger.exception("dispatching %s failed", event.get("type"))

    async def _watch_loop(self) -> None:
        """Every few seconds: repair version gaps from the database and re-check who may stay."""
        interval = _setting("DISCUSSIONS_WATCH_SECONDS", 3.0)
        recheck = _setting("DISCUSSIONS_RECHECK_SECONDS", 10.0)
        last_recheck = time.monotonic()
        last_presence = time.monotonic()
        while True:
            await asyncio.sleep(interval)
            try:
                version = await _thread_version(self.thread_id)
                if version is not None and version > self.floor:
                    now = time.monotonic()
                    if self.gap_since is None:
                        self.gap_since = now
                    elif now - self.gap_since >= interval:
                        await self.repair()
                else:
                    self.gap_since = None
                if time.monotonic() - last_recheck >= recheck:
                    last_recheck = time.monotonic()
                    await self.recheck_rights()
                if time.monotonic() - last_presence >= 30 and self.channel is not None:
                    last_presence = time.monotonic()
                    await self._group_send(self._presence_sync())
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - _warn logs it (a trace unless a service is away)
                _warn(error, "watching %s failed; trying again in a moment", self.group)

    async def repair(self) -> None:
        version, payloads = await _changes_since(self.thread_id, self.floor)
        if payloads:
            cache: dict[type, str | None] = {}
            for consumer in list(self.consumers):
                kind = type(consumer)
                if kind not in cache:
                    cache[kind] = kind.encode_event({"type": "sync", "messages": payloads, "version": version})
                if cache[kind] is not None:
                    await consumer.send_frame(cache[kind])
        self.floor = max(self.floor, version)
        self.seen = {v for v in self.seen if v > self.floor}
        self.gap_since = None

    async def recheck_rights(self) -> None:
        """Revoke the sockets, among those present when the check began, whose person was found
        to have lost access. A socket that joined during the database call was not checked here
        (its own connect() checked it), so it is left alone."""
        checked = list(self.consumers)
        users = {consumer.user_id for consumer in checked}
        if not users:
            return
        allowed = await _users_allowed(self.thread_id, users)
        for consumer in checked:
            if consumer.user_id not in allowed and consumer in self.consumers:
                await consumer.revoke()

    # --- read markers ----------------------------------------------------------------------
    def note_read(self, user_id: int, up_to: int) -> None:
        """Remember how far someone has read; the room writes everyone's at most once an interval
        (``DISCUSSIONS_READ_INTERVAL``): a thousand people reading along cost one write, not a
        thousand, and no socket waits for it."""
        if up_to > self.reads.get(user_id, 0):
            self.reads[user_id] = up_to
        if self.read_task is None or self.read_task.done():
            self.read_task = asyncio.create_task(self._flush_reads())

    async def _flush_reads(self) -> None:
        interval = _setting("DISCUSSIONS_READ_INTERVAL", 5.0)
        while self.reads:
            wait = self.read_at + interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.read_at = time.monotonic()
            await self.write_reads()

    async def write_reads(self) -> None:
        batch, self.reads = self.reads, {}
        try:
            await _advance_read_markers(self.thread_id, batch)
        except (OperationalError, InterfaceError) as error:
            # The database is away: keep them for the next interval (newer reads win).
            for user_id, up_to in batch.items():
                if up_to > self.reads.get(user_id, 0):
                    self.reads[user_id] = up_to
            _warn(error, "read markers for %s not saved; will retry", self.group)
        except Exception:
            logger.exception("read markers for %s not saved", self.group)

    # --- events ------------------------------------------------------------------------
    def _note_version(self, version: int | None) -> None:
        if not version or version <= self.floor:
            return
        self.seen.add(version)
        while self.floor + 1 in self.seen:
            self.floor += 1
            self.seen.discard(self.floor)

    async def dispatch(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "presence.query":
            if event.get("hub") != self.hub.id:
                await self._group_send(self._presence_sync())
            return
        if kind == "presence.sync":
            if event.get("hub") != self.hub.id:
                self.remote_presence[event["hub"]] = (time.monotonic(), event.get("users") or [])
                self.presence_dirty.set()
            return
        if kind in ("message.created", "message.updated", "message.hidden"):
            self._note_version(event["message"].get("version"))
        elif kind == "reaction.changed":
            self._note_version(event.get("version"))
        skip_user = event.get("user_id") if kind == "typing" else None
        encoded: dict[type, str | None] = {}
        for consumer in list(self.consumers):
            if skip_user is not None and consumer.user_id == skip_user:
                continue
            cls = type(consumer)
            if cls not in encoded:
                encoded[cls] = cls.encode_event(event)
            text = encoded[cls]
            if text is not None:
                await consumer.send_frame(text)

    # --- presence ----------------------------------------------------------------------
    def local_people(self) -> dict[int, str]:
        return {consumer.user_id: consumer.user_name for consumer in self.consumers}

    def _presence_sync(self) -> dict:
        return {"type": "presence.sync", "hub": self.hub.id, "users": [[k, v] for k, v in self.local_people().items()]}

    def people_here(self) -> list[dict]:
        people = dict(self.local_people())
        cutoff = time.monotonic() - 90
        for stamp, users in self.remote_presence.values():
            if stamp >= cutoff:
                people.update({int(user_id): name for user_id, name in users})
        return [{"id": k, "name": v} for k, v in sorted(people.items(), key=lambda item: item[1].casefold())]

    def presence_interval(self) -> float:
        """Seconds between "who is here" updates: twice a second in a small room, slower as it
        grows (every update goes to every socket; a thousand people arriving at once would
        otherwise mean a thousand updates to each of them)."""
        return min(_setting("DISCUSSIONS_PRESENCE_MAX_SECONDS", 5.0), max(0.5, len(self.consumers) / 100))

    def presence_event(self) -> dict:
        """Who is here: everyone's count, and the first few names (a page shows names, not a roll of
        a thousand, and each socket would get the whole roll on every change)."""
        people = self.people_here()
        shown = int(_setting("DISCUSSIONS_PRESENCE_NAMES", 30))
        return {"type": "presence", "people": people[:shown], "count": len(people)}

    async def _presence_loop(self) -> None:
        """Tell local sockets (and the other processes) who is here, coalescing every join and leave
        in the interval into one update."""
        while True:
            await self.presence_dirty.wait()
            await asyncio.sleep(self.presence_interval())
            self.presence_dirty.clear()
            if self.sync_due and self.channel is not None:
                self.sync_due = False
                with contextlib.suppress(Exception):  # best-effort; the 30 s sync repeats it
                    await self._group_send(self._presence_sync())
            await self.dispatch(self.presence_event())

    async def membership_changed(self) -> None:
        self.sync_due = True
        self.presence_dirty.set()


class Hub:
    """The rooms of one server process (one event loop)."""

    def __init__(self) -> None:
        self.id = uuid.uuid4().hex
        self.loop = asyncio.get_running_loop()
        self.layer = get_channel_layer()
        self.rooms: dict[int, Room] = {}
        self.lock = asyncio.Lock()
        if hasattr(self.layer, "add_restore_listener"):
            # boost.channel_layer: Redis is back after an outage (group memberships restored).
            self.layer.add_restore_listener(self.layer_restored)

    async def layer_restored(self) -> None:
        """Whatever was broadcast while Redis was away is gone: send each room's changes since."""
        for room in list(self.rooms.values()):
            try:
                await room.repair()
            except Exception as error:  # noqa: BLE001 - _warn logs it; the room's watch loop repairs gaps too
                _warn(error, "repairing %s after the outage failed", room.group)

    async def join(self, consumer: ThreadConsumer, thread_id: int, version: int) -> Room:
        async with self.lock:
            room = self.rooms.get(thread_id)
            if room is None:
                room = self.rooms[thread_id] = Room(self, thread_id, version)
                room.start()
            room.consumers.add(consumer)
        await room.membership_changed()
        return room

    async def leave(self, consumer: ThreadConsumer, thread_id: int) -> None:
        async with self.lock:
            room = self.rooms.get(thread_id)
            if room is None:
                return
            room.consumers.discard(consumer)
            closing = None if room.consumers else self.rooms.pop(thread_id)
        if closing is not None:
            await closing.stop()
        else:
            await room.membership_changed()


_hubs: dict[int, Hub] = {}


def get_hub() -> Hub:
    """This event loop's hub (tests run several loops in one process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(id(loop))
    if hub is None or hub.loop is not loop or hub.layer is not get_channel_layer():
        hub = _hubs[id(loop)] = Hub()
    return hub


def encode(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False)
