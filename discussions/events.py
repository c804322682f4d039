"""Events are data: one builder per event type, sent with :func:`broadcast_on_commit`.

Groups: ``thread.<id>`` (everyone viewing a thread), ``community.<id>`` (a community's discussion
list, for unread counts) and ``user.<id>`` (one person: notifications, rights changes). A channel
layer ``type`` of ``message.created`` reaches a consumer's ``message_created`` handler.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils.timezone import localtime

from boost.channel_layer import FAILURES as LAYER_UNAVAILABLE
from discussions.models import Message, Notification, Thread
from discussions.rendering import quote_excerpt

logger = logging.getLogger(__name__)

Event = dict[str, Any]


def thread_group(thread_id: int) -> str:
    return f"thread.{thread_id}"


def community_group(community_id: int) -> str:
    return f"community.{community_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


BROADCAST_TIMEOUT_SECONDS = 2.0


async def _group_send_within(layer, group: str, event: Event, seconds: float) -> None:
    await asyncio.wait_for(layer.group_send(group, event), timeout=seconds)


def send_now(group: str, event: Event) -> None:
    """Send ``event`` to ``group`` at once. A channel layer outage is logged, never raised: the
    message is already stored and clients catch up from the database."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        # Bounded: a Redis that hangs (rather than refuses) must not hang the request that posted.
        async_to_sync(_group_send_within)(layer, group, event, BROADCAST_TIMEOUT_SECONDS)
    except LAYER_UNAVAILABLE as error:  # refused, cut or timed out (TimeoutError is an OSError)
        _unsent.note(group, error)
    except Exception:
        logger.exception("broadcast to %s failed", group)  # not an outage: a bug, with its trace


class _UnsentLog:
    """Broadcasts lost to a channel-layer outage: one warning line, no traceback (it would say nothing
    the line does not), at most every ``seconds``, counting the ones not logged in between. An outage
    at 20 messages/s would otherwise print hundreds of identical traces."""

    def __init__(self, seconds: float = 10.0) -> None:
        self.seconds = seconds
        self.last = float("-inf")
        self.skipped = 0
        self.lock = threading.Lock()

    def note(self, group: str, error: BaseException) -> None:
        with self.lock:
            now = time.monotonic()
            if now - self.last < self.seconds:
                self.skipped += 1
                return
            self.last, skipped, self.skipped = now, self.skipped, 0
        logger.warning(
            "broadcast to %s not sent: channel layer unavailable (%s: %s); clients catch up from the database%s",
            group,
            error.__class__.__name__,
            error or "no answer",
            f" ({skipped} more not sent since the last such line)" if skipped else "",
        )


_unsent = _UnsentLog()


def broadcast_on_commit(group: str, event: Event) -> None:
    """Send ``event`` to ``group`` once the current transaction commits (never for a rollback)."""
    transaction.on_commit(lambda: send_now(group, event), robust=True)


def _iso(value) -> str | None:
    return localtime(value).isoformat() if value else None


def message_payload(message: Message, reactions: dict[str, int] | None = None) -> dict[str, Any]:
    """What every viewer may know about a message, whatever its state."""
    base: dict[str, Any] = {"id": message.id, "version": message.version, "thread_id": message.thread_id}
    if message.is_hidden:
        return {**base, "hidden": True}
    author = message.author
    payload = {
        **base,
        "hidden": False,
        "author_id": author.pk,
        "author_name": author.display_name,
        "created_at": _iso(message.created_at),
        "edited": message.edited_at is not None,
        "deleted": message.is_deleted,
        "html": "" if message.is_deleted else message.body_html,
        "body": "" if message.is_deleted else message.body,
        "reactions": reactions or {},
        "reply_to": None,
    }
    reply_to = message.reply_to
    if reply_to is not None:
        payload["reply_to"] = {
            "id": reply_to.id,
            "author_name": reply_to.author.display_name,
            "excerpt": "" if (reply_to.is_deleted or reply_to.is_hidden) else quote_excerpt(reply_to.body),
        }
    return payload


def reaction_counts(message_ids: list[int]) -> dict[int, dict[str, int]]:
    from discussions.models import Reaction

    counts: dict[int, Counter] = {}
    for message_id, kind in Reaction.objects.filter(message_id__in=message_ids).values_list("message_id", "kind"):
        counts.setdefault(message_id, Counter())[kind] += 1
    return {key: dict(value) for key, value in counts.items()}


def message_created(message: Message) -> Event:
    return {"type": "message.created", "message": message_payload(message)}


def message_updated(message: Message, reactions: dict[str, int] | None = None) -> Event:
    """An edit, a deletion or an approval: the message's new state replaces the old one."""
    return {"type": "message.updated", "message": message_payload(message, reactions)}


def message_hidden(message: Message) -> Event:
    return {"type": "message.hidden", "message": message_payload(message)}


def reaction_changed(message: Message, *, kind: str, user_id: int, added: bool, counts: dict[str, int]) -> Event:
    return {
        "type": "reaction.changed",
        "message_id": message.id,
        "version": message.version,
        "kind": kind,
        "user_id": user_id,
        "added": added,
        "reactions": counts,
    }


def thread_updated(thread: Thread) -> Event:
    return {
        "type": "thread.updated",
        "thread": {"id": thread.id, "pinned": thread.is_pinned, "locked": thread.is_locked, "hidden": thread.is_hidden},
    }


def thread_activity(thread: Thread, message: Message) -> Event:
    """For a community's discussion list: something new in one of its threads."""
    return {
        "type": "thread.activity",
        "thread_id": thread.id,
        "message_id": message.id,
        "author_id": message.author_id,
        "message_count": thread.message_count,
    }


def typing(*, thread_id: int, user_id: int, name: str) -> Event:
    return {"type": "typing", "thread_id": thread_id, "user_id": user_id, "name": name}


def notification_created(notification: Notification, unread: int) -> Event:
    return {
        "type": "notification.created",
        "notification": {
            "id": notification.id,
            "text": notification.text,
            "url": notification.target_url,
        },
        "unread": unread,
    }


def rights_changed(user_id: int) -> Event:
    """Tell a person's open sockets to re-check what they may see (e.g. removed from a community)."""
    return {"type": "rights.changed", "user_id": user_id}


def account_ended(user_id: int) -> Event:
    """Close every open socket of a person whose account was suspended or closed."""
    return {"type": "account.ended", "user_id": user_id}
