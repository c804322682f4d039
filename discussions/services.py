"""Verbs for discussions. Each persists first and broadcasts on commit, so nothing is announced
that was not stored, and every refusal raises :class:`DiscussionError` with a human message.

Callers (views, the websocket consumer, the demo loader) stay thin: they pass the acting user and
ids, and show ``error.message`` when a verb says no.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone

from boost import ratelimit
from communities.models import CommunityPage, Membership
from discussions import events
from discussions.bell import forget_bell_counts
from discussions.models import (
    DiscussionSettings,
    Flag,
    Message,
    ModerationAction,
    Notification,
    NotificationPreference,
    Reaction,
    ReadMarker,
    Thread,
)
from discussions.permissions import (
    can_edit_message,
    can_moderate_thread,
    can_post,
    can_start_thread,
    can_view_thread,
    community_for_page,
    moderators_to_tell,
    people_who_can_see,
)
from discussions.rendering import find_mentions, has_html, has_unsafe_link, render_markdown

logger = logging.getLogger(__name__)

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class DiscussionError(Exception):
    """A refused action. ``code`` is stable for programs, ``message`` is for people."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def max_message_chars() -> int:
    return getattr(settings, "DISCUSSIONS_MAX_MESSAGE_CHARS", 5000)


def _rate_limit() -> tuple[int, int]:
    return getattr(settings, "DISCUSSIONS_RATE_LIMIT", (20, 60))


def _over_limit(user, kind: str, limit: int, window: int) -> bool:
    """Count one more ``kind`` request by ``user`` in this fixed window (the site's one counter,
    ``boost.ratelimit``); True when over."""
    if not limit:
        return False
    count, _ = ratelimit.count_in_window(f"discussions:{kind}:{user.pk}", window)
    return count > limit


def _check_rate(user) -> None:
    """At most N messages per window per person, counted in the shared cache."""
    limit, window = _rate_limit()
    if _over_limit(user, "rate", limit, window):
        raise DiscussionError(
            f"You are sending messages too quickly. Wait a moment and try again (limit {limit} a {window}s).",
            "rate_limited",
        )


def _clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise DiscussionError("Write a message.", "empty")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise DiscussionError("Write a message.", "empty")
    limit = max_message_chars()
    if len(body) > limit:
        raise DiscussionError(f"Messages can be at most {limit:,} characters (this one has {len(body):,}).", "too_long")
    if has_html(body):
        raise DiscussionError(
            "Messages cannot contain HTML. Use markdown instead: **bold**, *italic*, [a link](https://…).", "html"
        )
    if has_unsafe_link(body):
        raise DiscussionError("Links must start with http://, https:// or mailto:.", "unsafe_link")
    return body


def _clean_client_id(client_id: Any) -> str:
    if not isinstance(client_id, str) or not CLIENT_ID_RE.match(client_id):
        raise DiscussionError("Each message needs a client id of up to 64 letters, digits, - or _.", "invalid")
    return client_id


def _resolve_mentions(thread: Thread, body: str) -> list:
    """The people ``@[Name]`` refers to; refuses names nobody who can see the thread has."""
    names = find_mentions(body)
    if not names:
        return []
    from django.contrib.auth import get_user_model

    query = Q()
    for name in names:
        query |= Q(profile__display_name__iexact=name)
    candidates = list(people_who_can_see(thread).filter(query).select_related("profile"))
    found = {user.display_name.casefold() for user in candidates}
    for name in names:
        if name.casefold() not in found:
            exists = get_user_model().objects.filter(is_active=True, profile__display_name__iexact=name).exists()
            if exists:
                raise DiscussionError(f"{name} cannot see this discussion, so they cannot be mentioned.", "mention")
            raise DiscussionError(f"There is nobody called {name} to mention.", "mention")
    return candidates


MENTION_SUGGESTIONS = 8


def suggest_mentions(*, viewer, thread: Thread, query: Any) -> list[dict[str, str]]:
    """People ``viewer`` may @mention in ``thread`` whose name starts with ``query`` (or has a word that
    does), at most :data:`MENTION_SUGGESTIONS`, each with the exact ``@[Name]`` text the parser accepts.

    The same rule as posting: only people who can see the thread (``people_who_can_see``). On top of
    it, only people whose profile the viewer may see (``accounts.permissions.can_view_profile``: for a
    signed-in viewer, everyone but those who chose "Only me"), never the viewer, and only names the
    mention syntax can carry. The caller has already checked that ``viewer`` may post here. Rate
    limited per person, because a list of names is what an enumeration would want.
    """
    from accounts.models import ProfileVisibility

    if not isinstance(query, str):
        return []
    query = " ".join(query.split())[:80]
    if not query:
        return []
    limit, window = getattr(settings, "DISCUSSIONS_MENTION_RATE_LIMIT", (120, 60))
    if _over_limit(viewer, "mentions", limit, window):
        raise DiscussionError("Too many look-ups. Wait a moment and try again.", "rate_limited")
    people = (
        people_who_can_see(thread)
        .exclude(pk=viewer.pk)
        .filter(
            profile__visibility__in=[ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS],
            profile__display_name__gt="",
        )
        # ``@[Name]`` cannot carry "]"; such a name can only be written out, never suggested.
        .exclude(profile__display_name__contains="]")
        .filter(Q(profile__display_name__istartswith=query) | Q(profile__display_name__icontains=f" {query}"))
        .select_related("profile")
        .order_by("profile__display_name", "pk")[:MENTION_SUGGESTIONS]
    )
    return [
        {
            "name": person.profile.display_name,
            "mention": f"@[{person.profile.display_name}]",
            "detail": person.profile.organisation if person.profile.show_organisation else "",
        }
        for person in people
    ]


def _locked_thread(thread_id: int) -> Thread:
    try:
        return Thread.objects.select_for_update(of=("self",)).select_related("community", "page").get(pk=thread_id)
    except Thread.DoesNotExist:
        raise DiscussionError("That discussion does not exist.", "not_found") from None


def _bump_version(thread: Thread, *, new_message: bool = False) -> int:
    """Advance the thread's change counter and return the new value (the row is locked)."""
    changes: dict[str, Any] = {"version": F("version") + 1}
    if new_message:
        changes.update(message_count=F("message_count") + 1, last_activity_at=timezone.now())
    Thread.objects.filter(pk=thread.pk).update(**changes)
    thread.version, thread.message_count = Thread.objects.values_list("version", "message_count").get(pk=thread.pk)
    return thread.version


def _check_can_post(user, thread: Thread) -> None:
    if user.is_authenticated and user.is_suspended:
        raise DiscussionError("Your account is suspended.", "forbidden")
    if not can_view_thread(user, thread):
        raise DiscussionError("That discussion does not exist.", "not_found")
    if thread.is_hidden:
        raise DiscussionError("This discussion has been hidden by a moderator.", "hidden")
    if not can_post(user, thread):
        if thread.is_direct:
            raise DiscussionError("You cannot send messages in this conversation.", "forbidden")
        raise DiscussionError("Join the community to take part in its discussions.", "forbidden")
    if thread.is_locked:
        raise DiscussionError("This discussion is locked: no new messages.", "locked")


def _needs_premoderation(user, thread: Thread) -> bool:
    if thread.community_id is None or can_moderate_thread(user, thread):
        return False
    held_first = (
        DiscussionSettings.objects.filter(community_id=thread.community_id)
        .values_list("premoderate_first_messages", flat=True)
        .first()
    )
    if not held_first:
        return False
    published = Message.objects.filter(
        author=user, thread__community_id=thread.community_id, state=Message.State.PUBLISHED
    ).count()
    return published < held_first


def _create_message(*, author, thread: Thread, body: str, client_id: str, reply_to_id: int | None) -> Message:
    mentioned = _resolve_mentions(thread, body)
    reply_to = None
    if reply_to_id is not None:
        reply_to = (
            Message.objects.filter(pk=reply_to_id, thread=thread, state=Message.State.PUBLISHED)
            .select_related("author__profile")
            .first()
        )
        if reply_to is None:
            raise DiscussionError("The message you are replying to is not in this discussion.", "invalid")
    held = _needs_premoderation(author, thread)
    # Every version bump is broadcast (rooms repair gaps by version), so a held message takes none.
    version = 0 if held else _bump_version(thread, new_message=True)
    message = Message(
        thread=thread,
        author=author,
        client_id=client_id,
        body=body,
        body_html=render_markdown(body, {user.display_name for user in mentioned}),
        reply_to=reply_to,
        state=Message.State.HELD if held else Message.State.PUBLISHED,
        version=version,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        raise DiscussionError("That message was already sent.", "duplicate") from None
    if mentioned:
        message.mentions.set(mentioned)
    if not held:
        _announce_new_message(message, mentioned)
    return message


def _announce_new_message(message: Message, mentioned: list) -> None:
    thread = message.thread
    events.broadcast_on_commit(events.thread_group(thread.pk), events.message_created(message))
    if thread.community_id is not None:
        events.broadcast_on_commit(events.community_group(thread.community_id), events.thread_activity(thread, message))
    recipients: dict[int, str] = {}
    if thread.is_direct:
        # Everyone else in a private conversation hears of each message (the inbox's unread count).
        from discussions.permissions import participant_ids

        recipients = dict.fromkeys(participant_ids(thread), Notification.Kind.DIRECT)
        recipients.pop(message.author_id, None)
        _notify(recipients, actor_id=message.author_id, thread=thread, message=message)
        return
    for user in mentioned:
        if user.pk != message.author_id:
            recipients[user.pk] = Notification.Kind.MENTION
    if (
        thread.author_id != message.author_id
        and thread.author_id not in recipients
        and message.thread.message_count > 1
    ):
        recipients[thread.author_id] = Notification.Kind.REPLY
    _notify(recipients, actor_id=message.author_id, thread=thread, message=message)


def _notify(recipients: dict[int, str], *, actor_id: int, thread: Thread, message: Message | None) -> None:
    from discussions import delivery

    for kind in set(recipients.values()):
        for user_id in delivery.silenced([pk for pk, k in recipients.items() if k == kind], kind):
            recipients.pop(user_id)
    if not recipients:
        return
    Notification.objects.bulk_create(
        [
            Notification(recipient_id=user_id, kind=kind, actor_id=actor_id, thread=thread, message=message)
            for user_id, kind in recipients.items()
        ],
        ignore_conflicts=True,
    )
    ids = list(
        Notification.objects.filter(
            recipient_id__in=recipients, kind__in=set(recipients.values()), thread=thread, message=message
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _deliver_after_commit(ids), robust=True)


def _deliver_after_commit(ids: list[int]) -> None:
    try:
        _deliver_notifications(ids)
    except (OperationalError, InterfaceError) as error:
        # The database went away just after the commit: the notifications are stored and the bell
        # shows them on the next page. One line, not a trace for each message posted meanwhile.
        logger.warning(
            "bell push for %d notifications skipped: database unavailable (%s)", len(ids), error.__class__.__name__
        )


def deliver_notifications(ids: list[int]) -> None:
    """Push stored notifications to the bell and queue immediate emails: the one way every
    notification goes out, whichever app stored it (signal alerts from people/ use it too)."""
    _deliver_notifications(ids)


def _deliver_notifications(ids: list[int]) -> None:
    """After commit: push each notification to its person's bell, and queue immediate emails."""
    from discussions.delivery import bell_only
    from discussions.tasks import send_notification_email

    notifications = Notification.objects.filter(pk__in=ids).select_related("actor__profile", "thread")
    immediate = set(
        NotificationPreference.objects.filter(
            user_id__in=[n.recipient_id for n in notifications], email_frequency="immediate"
        ).values_list("user_id", flat=True)
    )
    emailable: set[int] = set()
    if immediate:
        # Kinds a person wants in the bell only are pushed there, never emailed.
        emailable = set(Notification.objects.filter(pk__in=ids).exclude(bell_only()).values_list("pk", flat=True))
    for notification in notifications:
        unread = (
            Notification.objects.filter(recipient_id=notification.recipient_id, read_at__isnull=True).shown().count()
        )
        events.send_now(events.user_group(notification.recipient_id), events.notification_created(notification, unread))
        if notification.recipient_id in immediate and notification.pk in emailable:
            send_notification_email.enqueue(notification.pk)


@dataclass
class Posted:
    """What :func:`post_message` did: the message, and whether this call created it."""

    message: Message
    created: bool


def _existing(author, client_id: str) -> Message | None:
    return Message.objects.filter(author=author, client_id=client_id).select_related("thread").first()


def post_message(*, author, thread_id: int, body: Any, client_id: Any, reply_to_id: int | None = None) -> Posted:
    """Add a message to a thread. A repeated ``client_id`` returns the stored message, unchanged."""
    client_id = _clean_client_id(client_id)
    existing = _existing(author, client_id)
    if existing is not None:
        if existing.thread_id != thread_id:
            raise DiscussionError("That client id was already used for another message.", "duplicate")
        return Posted(existing, False)
    body = _clean_body(body)
    if reply_to_id is not None and not isinstance(reply_to_id, int):
        raise DiscussionError("reply_to must be a message id.", "invalid")
    _check_rate(author)
    try:
        with transaction.atomic():
            thread = _locked_thread(thread_id)
            _check_can_post(author, thread)
            message = _create_message(
                author=author, thread=thread, body=body, client_id=client_id, reply_to_id=reply_to_id
            )
    except DiscussionError as error:
        if error.code == "duplicate":
            existing = _existing(author, client_id)
            if existing is not None and existing.thread_id == thread_id:
                return Posted(existing, False)
        raise
    return Posted(message, True)


def start_thread(
    *, author, title: Any, body: Any, client_id: Any, community: CommunityPage | None = None, page=None
) -> Thread:
    """Start a discussion in ``community`` or a question on ``page``, with its first message."""
    client_id = _clean_client_id(client_id)
    existing = _existing(author, client_id)
    if existing is not None:
        return existing.thread
    if not isinstance(title, str) or not title.strip():
        raise DiscussionError("Give the discussion a title.", "empty")
    title = " ".join(title.split())
    if len(title) > 160:
        raise DiscussionError("Titles can be at most 160 characters.", "too_long")
    body = _clean_body(body)
    if (community is None) == (page is None):
        raise DiscussionError("A discussion belongs to a community or to a page.", "invalid")
    _check_rate(author)
    with transaction.atomic():
        if page is not None:
            community = community_for_page(page)
            thread = Thread(community=community, page=page, title=title, author=author)
            thread.page = page
            if not author.is_authenticated or not page.live or not can_view_thread(author, thread):
                raise DiscussionError("That page does not exist.", "not_found")
        else:
            if not can_start_thread(author, community):
                if community.is_private and not can_view_thread(author, Thread(community=community)):
                    raise DiscussionError("That community does not exist.", "not_found")
                raise DiscussionError("Join the community to start a discussion.", "forbidden")
            thread = Thread(community=community, title=title, author=author)
        thread.save()
        thread = _locked_thread(thread.pk)
        message = _create_message(author=author, thread=thread, body=body, client_id=client_id, reply_to_id=None)
        if thread.community_id is not None and page is None and message.state == Message.State.PUBLISHED:
            _notify_new_thread(thread, message)
    return thread


def _notify_new_thread(thread: Thread, message: Message) -> None:
    # Who chose "nothing" for new discussions is left out by ``_notify`` (``discussions.delivery``).
    already = set(message.mentions.values_list("pk", flat=True))
    followers = (
        Membership.objects.filter(community_id=thread.community_id, state=Membership.State.ACTIVE)
        .exclude(user_id=thread.author_id)
        .values_list("user_id", flat=True)
    )
    recipients = {user_id: Notification.Kind.NEW_THREAD for user_id in followers if user_id not in already}
    _notify(recipients, actor_id=thread.author_id, thread=thread, message=message)


def _message_for(user, message_id: Any, *, lock: bool = True) -> Message:
    if not isinstance(message_id, int):
        raise DiscussionError("That message does not exist.", "not_found")
    message = (
        Message.objects.select_related("thread__community", "thread__page", "author__profile", "reply_to__author")
        .filter(pk=message_id)
        .first()
    )
    if message is None or not can_view_thread(user, message.thread):
        raise DiscussionError("That message does not exist.", "not_found")
    if lock:
        _locked_thread(message.thread_id)
    return message


def edit_message(*, actor, message_id: int, body: Any) -> Message:
    """Change your own message; it is marked edited."""
    body = _clean_body(body)
    with transaction.atomic():
        message = _message_for(actor, message_id)
        if not can_edit_message(actor, message):
            raise DiscussionError("You can only edit your own messages.", "not_yours")
        if message.is_deleted or message.is_hidden:
            raise DiscussionError("That message can no longer be edited.", "gone")
        _check_can_post(actor, message.thread)
        mentioned = _resolve_mentions(message.thread, body)
        message.body = body
        message.body_html = render_markdown(body, {user.display_name for user in mentioned})
        message.edited_at = timezone.now()
        if message.state == Message.State.PUBLISHED:
            message.version = _bump_version(message.thread)
        message.save(update_fields=["body", "body_html", "edited_at", "version"])
        message.mentions.set(mentioned)
        if message.state == Message.State.PUBLISHED:
            counts = events.reaction_counts([message.pk]).get(message.pk, {})
            events.broadcast_on_commit(events.thread_group(message.thread_id), events.message_updated(message, counts))
    return message


def message_source(*, actor, message_id: Any) -> Message:
    """Your own message, for its markdown source (to edit it in place). Refuses others' messages and
    deleted or hidden ones with the same errors as :func:`edit_message`."""
    message = _message_for(actor, message_id, lock=False)
    if not can_edit_message(actor, message):
        raise DiscussionError("You can only edit your own messages.", "not_yours")
    if message.is_deleted or message.is_hidden:
        raise DiscussionError("That message can no longer be edited.", "gone")
    return message


def delete_message(*, actor, message_id: int) -> Message:
    """Delete your own message; it stays in place as "deleted" so replies still make sense."""
    with transaction.atomic():
        message = _message_for(actor, message_id)
        if not can_edit_message(actor, message):
            raise DiscussionError("You can only delete your own messages.", "not_yours")
        if message.is_deleted:
            return message
        message.deleted_at = timezone.now()
        if message.state == Message.State.PUBLISHED:
            message.version = _bump_version(message.thread)
        message.save(update_fields=["deleted_at", "version"])
        if message.state == Message.State.PUBLISHED:
            events.broadcast_on_commit(events.thread_group(message.thread_id), events.message_updated(message))
    return message


def toggle_reaction(*, user, message_id: int, kind: Any) -> bool:
    """Add the reaction if absent, remove it if present. Returns whether it is now present."""
    if kind not in Reaction.Kind.values:
        raise DiscussionError("That is not one of the reactions on offer.", "invalid")
    with transaction.atomic():
        message = _message_for(user, message_id)
        _check_can_post(user, message.thread)
        if not message.is_visible:
            raise DiscussionError("That message cannot be reacted to.", "gone")
        deleted, _ = Reaction.objects.filter(message=message, user=user, kind=kind).delete()
        added = not deleted
        if added:
            Reaction.objects.create(message=message, user=user, kind=kind)
        message.version = _bump_version(message.thread)
        message.save(update_fields=["version"])
        counts = events.reaction_counts([message.pk]).get(message.pk, {})
        events.broadcast_on_commit(
            events.thread_group(message.thread_id),
            events.reaction_changed(message, kind=kind, user_id=user.pk, added=added, counts=counts),
        )
    return added


def flag_message(*, user, message_id: int, reason: Any = "") -> Flag:
    """Ask the moderators to look at a message (once per person per message)."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if len(reason) > 300:
        raise DiscussionError("Keep the reason under 300 characters.", "too_long")
    if not user.is_authenticated:
        raise DiscussionError("Sign in to flag a message.", "forbidden")
    with transaction.atomic():
        message = _message_for(user, message_id, lock=False)
        ratelimit.consume("flags", ratelimit.user_key(user))
        flag, created = Flag.objects.get_or_create(message=message, user=user, defaults={"reason": reason})
        if created:
            _notify_moderators(flag)
    return flag


def _notify_moderators(flag: Flag) -> None:
    """A new flag reaches the thread's moderators through the ordinary notifications: live in the
    bell, and by email at each person's chosen frequency (one notification per flagged message)."""
    thread = flag.message.thread
    recipients = {user_id: Notification.Kind.FLAG for user_id in moderators_to_tell(thread) if user_id != flag.user_id}
    _notify(recipients, actor_id=flag.user_id, thread=thread, message=flag.message)


def dismiss_flags(*, actor, message_id: int, reason: str = "") -> int:
    """Moderators: close a message's open flags without hiding it (nothing wrong with it), and log
    it. Returns how many flags were closed."""
    with transaction.atomic():
        message = _moderated_message(actor, message_id)
        closed = Flag.objects.filter(message=message, resolved_at__isnull=True).update(resolved_at=timezone.now())
        if closed:
            why = reason if isinstance(reason, str) else ""
            _log(actor, ModerationAction.Action.DISMISS, message.thread, message, why)
    return closed


def _log(actor, action: str, thread: Thread, message: Message | None = None, reason: str = "") -> None:
    ModerationAction.objects.create(actor=actor, action=action, thread=thread, message=message, reason=reason[:300])


def _moderated_message(actor, message_id: Any) -> Message:
    message = _message_for(actor, message_id)
    if not can_moderate_thread(actor, message.thread):
        raise DiscussionError("Only the community's facilitators and curators can do that.", "forbidden")
    return message


def hide_message(*, actor, message_id: int, reason: str = "") -> Message:
    """Moderators: take a message out of view for everyone, live, and record why."""
    with transaction.atomic():
        message = _moderated_message(actor, message_id)
        if message.is_hidden:
            return message
        message.hidden_at = timezone.now()
        message.hidden_by = actor
        message.version = _bump_version(message.thread)
        message.save(update_fields=["hidden_at", "hidden_by", "version"])
        Flag.objects.filter(message=message, resolved_at__isnull=True).update(resolved_at=timezone.now())
        _log(actor, ModerationAction.Action.HIDE, message.thread, message, reason if isinstance(reason, str) else "")
        events.broadcast_on_commit(events.thread_group(message.thread_id), events.message_hidden(message))
    return message


def unhide_message(*, actor, message_id: int, reason: str = "") -> Message:
    """Moderators: put a hidden message back."""
    with transaction.atomic():
        message = _moderated_message(actor, message_id)
        if not message.is_hidden:
            return message
        message.hidden_at = None
        message.hidden_by = None
        message.version = _bump_version(message.thread)
        message.save(update_fields=["hidden_at", "hidden_by", "version"])
        _log(actor, ModerationAction.Action.UNHIDE, message.thread, message, reason)
        counts = events.reaction_counts([message.pk]).get(message.pk, {})
        events.broadcast_on_commit(events.thread_group(message.thread_id), events.message_updated(message, counts))
    return message


def review_held_message(*, actor, message_id: int, approve: bool) -> Message:
    """Moderators: publish (or reject) a message held by pre-moderation."""
    with transaction.atomic():
        message = _moderated_message(actor, message_id)
        if message.state != Message.State.HELD:
            raise DiscussionError("That message is not waiting for approval.", "invalid")
        if approve:
            message.state = Message.State.PUBLISHED
            message.version = _bump_version(message.thread, new_message=True)
            message.save(update_fields=["state", "version"])
            _log(actor, ModerationAction.Action.APPROVE, message.thread, message)
            _announce_new_message(message, list(message.mentions.all()))
        else:
            message.state = Message.State.REJECTED
            message.save(update_fields=["state"])
            _log(actor, ModerationAction.Action.REJECT, message.thread, message)
    return message


def set_thread_flag(*, actor, thread_id: int, pinned: bool | None = None, locked: bool | None = None) -> Thread:
    """Moderators: pin/unpin or lock/unlock a thread."""
    with transaction.atomic():
        thread = _locked_thread(thread_id)
        if not can_view_thread(actor, thread):
            raise DiscussionError("That discussion does not exist.", "not_found")
        if not can_moderate_thread(actor, thread):
            raise DiscussionError("Only the community's facilitators and curators can do that.", "forbidden")
        Action = ModerationAction.Action
        if pinned is not None and pinned != thread.is_pinned:
            thread.is_pinned = pinned
            _log(actor, Action.PIN if pinned else Action.UNPIN, thread)
        if locked is not None and locked != thread.is_locked:
            thread.is_locked = locked
            _log(actor, Action.LOCK if locked else Action.UNLOCK, thread)
        thread.save(update_fields=["is_pinned", "is_locked"])
        events.broadcast_on_commit(events.thread_group(thread.pk), events.thread_updated(thread))
    return thread


def mark_read(*, user, thread: Thread, up_to_id: Any) -> int:
    """Move a person's read marker forward (never back). Returns the marker."""
    if not user.is_authenticated or not isinstance(up_to_id, int) or up_to_id < 0:
        return 0
    marker, created = ReadMarker.objects.get_or_create(user=user, thread=thread, defaults={"last_read_id": up_to_id})
    if not created and up_to_id > marker.last_read_id:
        ReadMarker.objects.filter(pk=marker.pk, last_read_id__lt=up_to_id).update(last_read_id=up_to_id)
        marker.last_read_id = up_to_id
    return marker.last_read_id


def advance_read_markers(*, thread_id: int, up_to: dict[int, int]) -> int:
    """Move many people's read markers in one thread forward (never back), creating those missing:
    the read frames a server process gathered from a thread's sockets over a few seconds. Returns
    how many markers were created or moved.

    One upsert statement a few hundred people, written as SQL: the ORM's form of it (a ``CASE``
    with one branch a person) cost a crowded thread's worker a quarter of its time compiling the
    statement, and the database a ``CASE`` of a thousand branches for each of a thousand rows.

    No rights check here: each socket was checked when it connected and its room re-checks everyone
    every few seconds, and a marker reveals nothing.
    """
    if not up_to:
        return 0
    connection = connections[router.db_for_write(ReadMarker)]
    quote, meta = connection.ops.quote_name, ReadMarker._meta
    table = quote(meta.db_table)
    user_col, thread_col, last_col = (quote(meta.get_field(name).column) for name in ("user", "thread", "last_read_id"))
    # Both PostgreSQL and SQLite: ``INSERT … ON CONFLICT … DO UPDATE … WHERE``; the WHERE keeps a
    # marker from moving back (two tabs in two server processes may report out of order).
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    people = sorted(up_to.items())  # a fixed order: two writers lock rows in the same order
    moved = 0
    with connection.cursor() as cursor:
        for start in range(0, len(people), 500):
            chunk = people[start : start + 500]
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            sql = (  # names from the model, values as parameters
                f"INSERT INTO {table} ({user_col}, {thread_col}, {last_col}) VALUES {rows} "  # noqa: S608
                f"ON CONFLICT ({user_col}, {thread_col}) DO UPDATE SET {last_col} = "
                f"{greatest}({table}.{last_col}, excluded.{last_col}) "
                f"WHERE {table}.{last_col} < excluded.{last_col}"
            )
            cursor.execute(sql, [value for user_id, last in chunk for value in (user_id, thread_id, last)])
            moved += max(cursor.rowcount, 0)
    return moved


def messages_since(*, user, thread_id: int, since_version: Any, limit: int = 500) -> tuple[list[dict], bool]:
    """Everything that changed in a thread after ``since_version``, as event payloads, oldest first.

    Returns (payloads, complete); ``complete`` is False when more than ``limit`` changed and the
    client should reload the page instead.
    """
    if not isinstance(since_version, int) or since_version < 0:
        raise DiscussionError("since must be a version number.", "invalid")
    thread = Thread.objects.select_related("community", "page").by_pk(thread_id)
    if thread is None or not can_view_thread(user, thread):
        raise DiscussionError("That discussion does not exist.", "not_found")
    changed, complete = changed_messages(thread_id, since_version, thread.version, limit)
    counts = events.reaction_counts([message.pk for message in changed]) if changed else {}
    return [events.message_payload(message, counts.get(message.pk, {})) for message in changed], complete


def changed_messages(thread_id: int, since: int, version: int, limit: int) -> tuple[list[Message], bool]:
    """A thread's messages changed after version ``since`` up to ``version`` (the thread's), with
    their people, oldest first: at most ``limit``, and whether that is all of them.

    A socket resuming is usually up to date or nearly (a crowd arriving at once, a reconnect): then
    nothing is read, or the few versions in between are read unordered and sorted here. Django
    matches an ORDER BY against every selected column, hashing each (about 80 with the people),
    which was a fifth of the server's time while a thousand sockets connected.
    """
    if since >= version:
        return [], True
    rows = (
        Message.objects.filter(thread_id=thread_id, version__gt=since, version__lte=version)
        .exclude(state__in=[Message.State.HELD, Message.State.REJECTED])
        .with_people()
    )
    if version - since <= limit:  # versions are unique in a thread: no more rows than that
        return sorted(rows.order_by(), key=lambda message: message.version), True
    changed = list(rows.order_by("version")[: limit + 1])
    return changed[:limit], len(changed) <= limit


def mark_notifications_read(*, user, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    forget_bell_counts(user)
    return qs.update(read_at=timezone.now())


def set_notification_preferences(
    *,
    user,
    email_frequency: str,
    messages_from: str | None = None,
    delivery: dict | None = None,
) -> NotificationPreference:
    """Save a person's choices; ``messages_from`` and ``delivery`` (per kind: email, bell or off)
    left as they were when not given."""
    from discussions.models import EmailFrequency, MessagesFrom

    if email_frequency not in EmailFrequency.values:
        raise DiscussionError("Choose how often to get emails.", "invalid")
    defaults: dict[str, Any] = {"email_frequency": email_frequency}
    if messages_from:
        if messages_from not in MessagesFrom.values:
            raise DiscussionError("Choose who may send you private messages.", "invalid")
        defaults["messages_from"] = messages_from
    if delivery is not None:
        from discussions.delivery import clean

        defaults["delivery"] = clean(delivery)
    preference, _ = NotificationPreference.objects.update_or_create(user=user, defaults=defaults)
    return preference


def set_premoderation(*, actor, community: CommunityPage, first_messages: int) -> DiscussionSettings:
    """Facilitators: hold a newcomer's first N messages in this community for approval (0 = off)."""
    from communities.permissions import can_moderate

    if not can_moderate(actor, community):
        raise DiscussionError("Only the community's facilitators and curators can do that.", "forbidden")
    if not 0 <= first_messages <= 20:
        raise DiscussionError("Choose between 0 and 20 messages.", "invalid")
    setting, _ = DiscussionSettings.objects.update_or_create(
        community=community, defaults={"premoderate_first_messages": first_messages}
    )
    return setting


def hide_content_of(*, actor, suspension) -> int:
    """Take everything a suspended member wrote out of view: the discussions they started and their
    messages elsewhere, each marked with ``suspension`` so lifting it brings back exactly these.
    Open pages are told live; search re-indexes each thread touched once. Returns how many messages
    were hidden. The caller (``accounts.sanctions``) has checked the actor's right to do this."""
    author_id = suspension.user_id
    now = timezone.now()
    for thread in Thread.objects.filter(author_id=author_id, is_hidden=False):
        thread.is_hidden = True
        thread.hidden_for = suspension
        thread.save(update_fields=["is_hidden", "hidden_for"])
        events.broadcast_on_commit(events.thread_group(thread.pk), events.thread_updated(thread))
    visible = Message.objects.filter(author_id=author_id, hidden_at__isnull=True, deleted_at__isnull=True)
    hidden = 0
    for thread_id in sorted(set(visible.values_list("thread_id", flat=True))):
        thread = _locked_thread(thread_id)
        for message in visible.filter(thread_id=thread_id).select_related("author__profile").order_by("id"):
            message.hidden_at, message.hidden_by, message.hidden_for = now, actor, suspension
            if message.state == Message.State.PUBLISHED:
                message.version = _bump_version(thread)
                events.broadcast_on_commit(events.thread_group(thread_id), events.message_hidden(message))
            # A queryset update, not save(): one search re-index per thread (below), not per message.
            Message.objects.filter(pk=message.pk).update(
                hidden_at=now, hidden_by=actor, hidden_for=suspension, version=message.version
            )
            hidden += 1
        Flag.objects.filter(
            message__thread_id=thread_id, message__author_id=author_id, resolved_at__isnull=True
        ).update(resolved_at=now)
        thread.save(update_fields=["version"])
    return hidden


def restore_content_of(*, actor, suspension) -> int:
    """Bring back what :func:`hide_content_of` hid for ``suspension`` (nothing a moderator hid on
    its own account). Returns how many messages came back."""
    for thread in Thread.objects.filter(hidden_for=suspension, is_hidden=True):
        thread.is_hidden = False
        thread.hidden_for = None
        thread.save(update_fields=["is_hidden", "hidden_for"])
        events.broadcast_on_commit(events.thread_group(thread.pk), events.thread_updated(thread))
    hidden = Message.objects.filter(hidden_for=suspension, hidden_at__isnull=False)
    restored = 0
    for thread_id in sorted(set(hidden.values_list("thread_id", flat=True))):
        thread = _locked_thread(thread_id)
        for message in hidden.filter(thread_id=thread_id).with_people().order_by("id"):
            message.hidden_at = message.hidden_by = message.hidden_for = None
            if message.state == Message.State.PUBLISHED:
                message.version = _bump_version(thread)
                counts = events.reaction_counts([message.pk]).get(message.pk, {})
                events.broadcast_on_commit(events.thread_group(thread_id), events.message_updated(message, counts))
            Message.objects.filter(pk=message.pk).update(
                hidden_at=None, hidden_by=None, hidden_for=None, version=message.version
            )
            restored += 1
        thread.save(update_fields=["version"])
    return restored
