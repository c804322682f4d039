"""Websocket consumers: a thread page, a community's discussion list, and the notification bell.

Thin by design: authenticate and authorise in ``connect()``, validate each frame, re-check the
person's rights on every action, call the services, and turn :class:`DiscussionError` into an
``error`` event. The socket stays open after a refused action; it is closed only when the person
may no longer see the thread.

Client actions on a thread socket (JSON objects, ``ref`` is echoed back when given)::

    {"action": "resume", "since": <version>}
    {"action": "post", "client_id": "...", "body": "...", "reply_to": <id>|null}
    {"action": "edit", "id": <id>, "body": "..."}      {"action": "delete", "id": <id>}
    {"action": "source", "id": <id>}  (your own message's markdown, for the inline editor)
    {"action": "react", "id": <id>, "kind": "thanks"}  {"action": "flag", "id": <id>, "reason": "..."}
    {"action": "hide", "id": <id>, "reason": "..."}    {"action": "unhide", "id": <id>}
    {"action": "pin", "value": true}                   {"action": "lock", "value": true}
    {"action": "typing"}   {"action": "read", "id": <id>}   {"action": "ping"}

Frames are read as fast as they arrive: ``ping`` and ``typing`` are answered at once, ``read``
markers go to the thread's room (``discussions.hub``), which writes every socket's latest together
at most once per ``DISCUSSIONS_READ_INTERVAL`` seconds, however many frames, and every other action
waits in the socket's own queue for one database call at a time. So database work never delays
reading the socket (nor its pongs), and a slow query holds up only the socket that asked for it.
While the database cannot be reached an action is answered with an ``unavailable`` error carrying
``"retry": true`` (a post: "not saved, will retry"), and the socket stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import DatabaseError, InterfaceError

from boost.db import database_sync_to_async
from boost.ratelimit import RateLimited
from boost.text import find_unstorable_text
from communities.permissions import remembered_memberships
from discussions import events, services
from discussions.hub import Room, encode, get_hub
from discussions.models import Notification, Thread
from discussions.permissions import can_moderate_thread, can_view_thread
from discussions.services import DiscussionError

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

logger = logging.getLogger(__name__)

# What a lost database connection looks like from here (Django wraps the driver's errors).
DATABASE_DOWN = (DatabaseError, InterfaceError)
UNAVAILABLE = "Not saved: Boost cannot reach its database just now. It will retry in a moment."


def max_frame_chars() -> int:
    return services.max_message_chars() * 2 + 2000


class BaseConsumer(AsyncWebsocketConsumer):
    """Shared plumbing: the person's own group (notifications, rights changes) and error events."""

    user_id: int = 0
    user_name: str = ""

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels' own dispatch first hops to the (single, shared) sync thread to close stale
        # database connections, before every frame and event. Every database call here already
        # goes through database_sync_to_async, which does that itself on the same thread, so the
        # extra hop only queued each incoming message behind other sockets' database work.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def join_user_group(self) -> None:
        self.user_group = events.user_group(self.user_id)
        await self.channel_layer.group_add(self.user_group, self.channel_name)

    async def join_object_group(self, group: str) -> bool:
        """Open a socket that follows one object's group (a community's list, a map): refuse the
        signed out (4401) and those :meth:`still_allowed` turns away (4404), else accept and join
        the person's own group and ``group``; :meth:`disconnect` leaves both. False when refused."""
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or user.is_suspended:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return False
        self.user = user
        self.user_id = user.pk
        if not await self.still_allowed():
            await self.close(code=CLOSE_NOT_FOUND)
            return False
        await self.accept()
        await self.join_user_group()
        self.object_group = group
        await self.channel_layer.group_add(group, self.channel_name)
        return True

    async def disconnect(self, code: int) -> None:
        if getattr(self, "object_group", None):
            await self.channel_layer.group_discard(self.object_group, self.channel_name)
        if getattr(self, "user_group", None):
            await self.channel_layer.group_discard(self.user_group, self.channel_name)

    @classmethod
    def encode_event(cls, event: dict[str, Any]) -> str | None:
        """The frame sent to the browser for a group event (None: not sent). Built once per event."""
        return encode(event)

    async def send_frame(self, text: str) -> None:
        # Straight to the server's send: a room sends each frame to every socket, so the two
        # wrappers Channels puts between (building the same message each) add up.
        try:
            await self.base_send({"type": "websocket.send", "text": text})
        except Exception:  # noqa: BLE001 - the socket went away mid-fan-out; disconnect() tidies up
            return

    async def send_event(self, event: dict[str, Any]) -> None:
        await self.send_frame(encode(event))

    async def send_error(self, code: str, message: str, ref: Any = None, **extra: Any) -> None:
        await self.send_event({"type": "error", "code": code, "message": message, "ref": ref, **extra})

    async def notification_created(self, event: dict[str, Any]) -> None:
        text = self.encode_event(event)
        if text is not None:
            await self.send_frame(text)

    async def rights_changed(self, event: dict[str, Any]) -> None:
        try:
            allowed = await self.still_allowed()
        except DATABASE_DOWN:
            # Not checked is not refused: the room re-checks everyone every few seconds anyway.
            logger.warning("rights re-check skipped: database unavailable")
            return
        if not allowed:
            await self.revoke()

    async def account_ended(self, event: dict[str, Any]) -> None:
        # Suspended or closed: no re-check can bring the socket back, so it closes as signed out
        # (the browser does not retry a 44xx close).
        await self.send_error("signed_out", "You have been signed out.")
        await self.close(code=CLOSE_NOT_SIGNED_IN)

    async def still_allowed(self) -> bool:
        return True

    async def revoke(self) -> None:
        await self.send_error("forbidden", "You can no longer see this discussion.")
        await self.close(code=CLOSE_FORBIDDEN)


class ThreadConsumer(BaseConsumer):
    """One socket per open thread page."""

    room: Room | None = None
    actions: asyncio.Queue | None = None
    worker: asyncio.Task | None = None
    read_noted: int = 0

    async def connect(self) -> None:
        user = self.scope.get("user")
        # A suspended member's sockets were closed on suspension; a new one is refused the same way.
        if user is None or not user.is_authenticated or user.is_suspended:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.user = user
        self.user_id = user.pk
        self.thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        thread = await self._load_thread(with_name=True)
        if thread is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if thread.is_direct:
            await self._note_oversight(thread)
        self.last_typing = 0.0
        await self.accept()
        await self.join_user_group()
        self.room = await get_hub().join(self, self.thread_id, thread.version)

    async def disconnect(self, code: int) -> None:
        if self.worker is not None:
            self.worker.cancel()
        if self.room is not None:
            self.room = None
            await get_hub().leave(self, self.thread_id)
        await super().disconnect(code)

    @database_sync_to_async
    def _load_thread(self, with_name: bool = False) -> Thread | None:
        thread = Thread.objects.select_related("community", "page").by_pk(self.thread_id)
        if thread is None or not can_view_thread(self.user, thread):
            return None
        if with_name:
            # In the same trip to the database thread (a crowd arriving at once queues for them).
            self.user_name = self.user.display_name
        return thread

    @database_sync_to_async
    def _note_oversight(self, thread: Thread) -> None:
        from discussions.conversations import note_oversight_read

        note_oversight_read(user=self.user, thread=thread)

    async def still_allowed(self) -> bool:
        return await self._load_thread() is not None

    async def revoke(self) -> None:
        await super().revoke()
        if self.room is not None:
            self.room = None
            await get_hub().leave(self, self.thread_id)

    # --- incoming frames -----------------------------------------------------------------
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_error("bad_frame", "Send JSON text frames.")
            return
        if len(text_data) > max_frame_chars():
            await self.send_error(
                "too_long", f"That message is too long: at most {services.max_message_chars():,} characters."
            )
            return
        data = await self.parse_frame(text_data)
        if data is not None:
            await self.handle_action(data)

    async def parse_frame(self, text_data: str) -> dict[str, Any] | None:
        """The frame as a JSON object with an action, or None after sending the error event.

        Hostile frames stop here, once for every action: nesting too deep for the parser
        (``RecursionError`` is not a ``ValueError``) and text that cannot be stored
        (``boost.text``: NUL, lone surrogates), which would otherwise break the sanitiser or
        the database halfway through an action.
        """
        try:
            data = json.loads(text_data)
        except (ValueError, RecursionError):
            await self.send_error("bad_json", "That was not valid JSON.")
            return None
        if not isinstance(data, dict) or not isinstance(data.get("action"), str):
            await self.send_error("bad_request", 'Send a JSON object with an "action".')
            return None
        if message := find_unstorable_text(data):
            ref = data.get("ref") if find_unstorable_text(data.get("ref")) is None else None
            await self.send_error("bad_text", message, ref)
            return None
        return data

    async def handle_action(self, data: dict[str, Any]) -> None:
        action = data["action"]
        ref = data.get("ref")
        if action == "ping":
            await self.send_event({"type": "pong", "ref": ref})
            return
        if action == "typing":
            await self._typing()
            return
        if action == "read":
            await self._note_read(data)
            return
        handler = getattr(self, f"_do_{action}", None)
        if handler is None:
            await self.send_error("unknown_action", f"Unknown action {action[:40]!r}.", ref)
            return
        if self.actions is None:
            self.actions = asyncio.Queue(maxsize=int(getattr(settings, "DISCUSSIONS_ACTION_QUEUE", 100)))
            self.worker = asyncio.create_task(self._work())
        try:
            self.actions.put_nowait((handler, data))
        except asyncio.QueueFull:
            await self.send_error(
                "busy", "Too much at once: wait a moment.", ref, client_id=data.get("client_id"), retry=True
            )

    async def _work(self) -> None:
        """This socket's actions, one database call at a time, in the order they arrived."""
        while True:
            handler, data = await self.actions.get()
            try:
                await self._perform(handler, data)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("thread socket action %s failed", data.get("action"))
                await self.send_error("server_error", "Something went wrong. Try again.", data.get("ref"))

    async def _perform(self, handler, data: dict[str, Any]) -> None:
        ref = data.get("ref")
        try:
            reply = await self._run(handler, data)
        except DiscussionError as error:
            await self.send_error(error.code, error.message, ref, client_id=data.get("client_id"))
            return
        except RateLimited as error:
            await self.send_error("rate_limited", error.message, ref, retry_after=error.retry_after)
            return
        except DATABASE_DOWN:
            logger.warning("thread socket action %s: database unavailable", data.get("action"))
            await self.send_error("unavailable", UNAVAILABLE, ref, client_id=data.get("client_id"), retry=True)
            if data["action"] == "resume":
                # The catch-up is the server's to finish: try again shortly, whatever the client does.
                asyncio.get_running_loop().call_later(2.0, self._requeue, handler, data)
            return
        if reply is _REVOKED:
            await self.revoke()
            return
        if reply is not None:
            await self.send_event({**reply, "ref": ref})

    @database_sync_to_async
    def _run(self, handler, data: dict[str, Any]) -> dict[str, Any] | object | None:
        # Rights are re-checked on every action, in the same database hop as the action itself; the
        # person's membership is read once for the check and the service's own checks together.
        self.user.refresh_from_db(fields=["is_active"])
        if hasattr(self.user, "_sees_all_communities"):
            del self.user._sees_all_communities
        with remembered_memberships():
            thread = Thread.objects.select_related("community", "page").by_pk(self.thread_id)
            if thread is None or not self.user.is_active or not can_view_thread(self.user, thread):
                return _REVOKED
            return handler(thread, data)

    def _do_resume(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        payloads, complete = services.messages_since(
            user=self.user, thread_id=thread.pk, since_version=data.get("since")
        )
        return {
            "type": "catchup",
            "messages": payloads,
            "complete": complete,
            "version": thread.version,
            "thread": events.thread_updated(thread)["thread"],
        }

    def _do_post(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        reply_to = data.get("reply_to")
        posted = services.post_message(
            author=self.user, thread_id=thread.pk, body=data.get("body"), client_id=data.get("client_id"),
            reply_to_id=reply_to if reply_to is not None else None,
        )  # fmt: skip
        message = posted.message
        return {
            "type": "ack",
            "client_id": message.client_id,
            "created": posted.created,
            "state": message.state,
            "message": events.message_payload(message) if message.state == message.State.PUBLISHED else None,
        }

    def _do_edit(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        message = services.edit_message(actor=self.user, message_id=data.get("id"), body=data.get("body"))
        return {"type": "ack", "id": message.pk, "version": message.version}

    def _do_source(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        message = services.message_source(actor=self.user, message_id=data.get("id"))
        return {"type": "source", "id": message.pk, "body": message.body, "version": message.version}

    def _do_delete(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        message = services.delete_message(actor=self.user, message_id=data.get("id"))
        return {"type": "ack", "id": message.pk, "version": message.version}

    def _do_react(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        added = services.toggle_reaction(user=self.user, message_id=data.get("id"), kind=data.get("kind"))
        return {"type": "ack", "id": data.get("id"), "kind": data.get("kind"), "added": added}

    def _do_flag(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        flag = services.flag_message(user=self.user, message_id=data.get("id"), reason=data.get("reason", ""))
        return {"type": "ack", "id": flag.message_id, "flagged": True}

    def _do_hide(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        message = services.hide_message(actor=self.user, message_id=data.get("id"), reason=data.get("reason") or "")
        return {"type": "ack", "id": message.pk, "hidden": True}

    def _do_unhide(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        message = services.unhide_message(actor=self.user, message_id=data.get("id"))
        return {"type": "ack", "id": message.pk, "hidden": False}

    def _do_pin(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        updated = services.set_thread_flag(actor=self.user, thread_id=thread.pk, pinned=bool(data.get("value")))
        return {"type": "ack", "pinned": updated.is_pinned}

    def _do_lock(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        updated = services.set_thread_flag(actor=self.user, thread_id=thread.pk, locked=bool(data.get("value")))
        return {"type": "ack", "locked": updated.is_locked}

    def _requeue(self, handler, data: dict[str, Any]) -> None:
        if self.actions is not None and self.worker is not None and not self.worker.done():
            with contextlib.suppress(asyncio.QueueFull):
                self.actions.put_nowait((handler, data))

    # --- read markers ----------------------------------------------------------------------
    async def _note_read(self, data: dict[str, Any]) -> None:
        """Hand how far the person has read to the room, which writes everyone's together."""
        up_to = data.get("id")
        if not isinstance(up_to, int) or isinstance(up_to, bool) or up_to < 0:
            await self.send_error("invalid", "read needs a message id.", data.get("ref"))
            return
        if up_to <= self.read_noted or self.room is None:
            return
        self.read_noted = up_to
        self.room.note_read(self.user_id, up_to)

    def _do_whoami(self, thread: Thread, data: dict[str, Any]) -> dict[str, Any]:
        return {"type": "whoami", "user_id": self.user_id, "moderator": can_moderate_thread(self.user, thread)}

    async def _typing(self) -> None:
        now = time.monotonic()
        if now - self.last_typing < getattr(settings, "DISCUSSIONS_TYPING_INTERVAL", 2.0):
            return
        self.last_typing = now
        # Ephemeral: not stored, sent straight to the group; losing one costs nothing.
        event = events.typing(thread_id=self.thread_id, user_id=self.user_id, name=self.user_name)
        try:
            await self.channel_layer.group_send(events.thread_group(self.thread_id), event)
        except Exception:  # noqa: BLE001 - typing hints are best-effort
            return


_REVOKED = object()


class CommunityConsumer(BaseConsumer):
    """A community's discussion list: live unread counts as threads get new messages."""

    async def connect(self) -> None:
        self.community_id = int(self.scope["url_route"]["kwargs"]["community_id"])
        await self.join_object_group(events.community_group(self.community_id))

    @database_sync_to_async
    def _allowed(self) -> bool:
        from communities.models import CommunityPage
        from communities.permissions import can_view_community

        community = CommunityPage.objects.filter(pk=self.community_id).first()
        return community is not None and can_view_community(self.user, community)

    async def still_allowed(self) -> bool:
        return await self._allowed()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send_error("read_only", "This socket only sends updates.")

    async def thread_activity(self, event: dict[str, Any]) -> None:
        await self.send_event(event)


class NotificationConsumer(BaseConsumer):
    """The header bell on pages without a thread socket."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or user.is_suspended:
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.user_id = user.pk
        await self.accept()
        await self.join_user_group()
        await self.send_event({"type": "unread", "unread": await self._unread()})

    @database_sync_to_async
    def _unread(self) -> int:
        return Notification.objects.filter(recipient_id=self.user_id, read_at__isnull=True).shown().count()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send_error("read_only", "This socket only sends updates.")
