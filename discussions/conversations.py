"""Direct messages: private conversations between two or a few members.

A conversation is a :class:`Thread` with ``is_direct`` set and one :class:`Participant` row per
person, so it is served by the discussion page, socket, room hub and services like any thread
(stored before broadcast, catch-up by version, client ids so a retry never doubles a message).
This module holds only what is particular to it: who may start one with whom (the recipient's
``messages_from`` choice, blocks, the first-contact limit), blocking, and the audit of overseers
reading a reported conversation.

Refusals never say why a person cannot be messaged: someone who does not exist, does not accept
messages from the sender, or has blocked them all get :data:`NOBODY`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import suspended_now
from accounts.permissions import visible_profiles
from communities.models import Membership
from discussions import services
from discussions.models import (
    Block,
    Message,
    MessagesFrom,
    ModerationAction,
    NotificationPreference,
    Participant,
    Thread,
)
from discussions.permissions import is_participant
from discussions.services import DiscussionError

NOBODY = "There is nobody with that name you can message."
TITLE = "Private conversation"


def max_participants() -> int:
    return int(getattr(settings, "DIRECT_MESSAGES_MAX_PARTICIPANTS", 8))


def first_contact_limit() -> int:
    """How many conversations a person may start in a day with people who have not yet replied."""
    return int(getattr(settings, "DIRECT_MESSAGES_FIRST_CONTACT_LIMIT", 10))


def messageable(sender):
    """The people ``sender`` may start a conversation with, as a queryset of users: active, not
    suspended, no block either way, and the recipient's ``messages_from`` choice allows the sender
    (anyone; or people in my communities, the default, when they share an active membership).

    The one rule for sending and for the people picker, so the picker never offers someone a send
    would refuse, and a refusing person is simply absent, like somebody who does not exist."""
    blocked = Block.objects.filter(
        Q(blocker_id=sender.pk, blocked_id=OuterRef("pk")) | Q(blocker_id=OuterRef("pk"), blocked_id=sender.pk)
    )
    choice = NotificationPreference.objects.filter(user_id=OuterRef("pk")).values("messages_from")[:1]
    mine = Membership.objects.filter(user_id=sender.pk, state=Membership.State.ACTIVE).values("community_id")
    shared = Membership.objects.filter(user_id=OuterRef("pk"), state=Membership.State.ACTIVE, community_id__in=mine)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk=sender.pk)
        .exclude(suspended_now())
        .exclude(Exists(blocked))
        .alias(accepts=Coalesce(Subquery(choice), Value(MessagesFrom.COMMUNITIES)))
        .filter(Q(accepts=MessagesFrom.ANYONE) | Q(Exists(shared), accepts=MessagesFrom.COMMUNITIES))
    )


def may_message(sender, recipient) -> bool:
    """May ``sender`` start a conversation with ``recipient``? The answer is for the sender's own
    use only: callers show :data:`NOBODY` on False."""
    if recipient is None:
        return False
    return messageable(sender).filter(pk=recipient.pk).exists()


def pick_candidates(sender, query: str, *, exclude=(), limit: int = 20) -> list:
    """People the picker offers for ``query`` (part of a name, or of an organisation its owner
    shows): only those whose profile ``sender`` may see *and* who accept messages from them, with
    no block either way. Everyone else is absent, exactly as if they did not exist."""
    query = (query or "").strip()
    if not query:
        return []
    matches = (
        Q(profile__display_name__icontains=query)
        | Q(first_name__icontains=query)
        | Q(last_name__icontains=query)
        | Q(profile__organisation__icontains=query, profile__show_organisation=True)
    )
    return list(
        messageable(sender)
        .filter(matches, pk__in=visible_profiles(sender).values("user_id"))
        .exclude(pk__in=[pk for pk in exclude if pk])
        .select_related("profile")
        .order_by("profile__display_name", "first_name", "last_name", "pk")[:limit]
    )


def _unanswered_started_today(sender) -> int:
    """Conversations ``sender`` started in the last day in which nobody else has written yet."""
    others_wrote = Message.objects.filter(thread_id=OuterRef("pk")).exclude(author_id=sender.pk)
    return (
        Thread.objects.filter(is_direct=True, author=sender, created_at__gte=timezone.now() - timedelta(days=1))
        .exclude(Exists(others_wrote))
        .count()
    )


def _existing_conversation(people: set[int]) -> Thread | None:
    """The conversation whose participants are exactly ``people``, if there is one."""
    candidates = (
        Thread.objects.filter(
            is_direct=True, pk__in=Participant.objects.filter(user_id=min(people)).values("thread_id")
        )
        .annotate(size=Count("participants"))
        .filter(size=len(people))
    )
    for thread in candidates:
        if set(thread.participants.values_list("user_id", flat=True)) == people:
            return thread
    return None


def _recipients(sender, recipient_ids: Any) -> list:
    if not isinstance(recipient_ids, list | tuple | set) or not recipient_ids:
        raise DiscussionError("Choose who to write to.", "empty")
    if not all(isinstance(pk, int) and not isinstance(pk, bool) for pk in recipient_ids):
        raise DiscussionError(NOBODY, "not_found")
    wanted = set(recipient_ids) - {sender.pk}
    if not wanted:
        raise DiscussionError("Choose someone other than yourself to write to.", "invalid")
    if len(wanted) + 1 > max_participants():
        raise DiscussionError(f"A conversation can have at most {max_participants()} people.", "too_many")
    people = list(messageable(sender).filter(pk__in=wanted))
    if len(people) != len(wanted):
        raise DiscussionError(NOBODY, "not_found")
    return people


def start_conversation(*, sender, recipient_ids: Any, body: Any, client_id: Any) -> Thread:
    """Send a first message to one or a few people; with the same people as an existing
    conversation, the message joins that one. Returns the conversation."""
    client_id = services._clean_client_id(client_id)
    existing = services._existing(sender, client_id)
    if existing is not None:
        return existing.thread
    if not sender.is_authenticated or not sender.is_active or sender.is_suspended:
        raise DiscussionError("Your account cannot send messages.", "forbidden")
    body = services._clean_body(body)
    people = _recipients(sender, recipient_ids)
    everyone = {sender.pk, *(person.pk for person in people)}
    thread = _existing_conversation(everyone)
    # One transaction: a refused first message (rate limit, block) leaves no empty conversation.
    with transaction.atomic():
        if thread is None:
            limit = first_contact_limit()
            if limit and _unanswered_started_today(sender) >= limit:
                raise DiscussionError(
                    f"You have started {limit} conversations in the last day that nobody has replied to yet. "
                    "Wait for a reply, or try again tomorrow.",
                    "first_contact",
                )
            thread = Thread.objects.create(is_direct=True, title=TITLE, author=sender)
            Participant.objects.bulk_create([Participant(thread=thread, user_id=pk) for pk in sorted(everyone)])
        services.post_message(author=sender, thread_id=thread.pk, body=body, client_id=client_id)
    return thread


def block(*, blocker, blocked_id: Any) -> Block:
    """``blocker`` stops hearing from ``blocked_id``: no new conversation and no message in a
    shared one, either way. Blocking someone unknown answers like any unknown person."""
    person = get_user_model().objects.filter(pk=blocked_id).first() if isinstance(blocked_id, int) else None
    if person is None or person.pk == blocker.pk:
        raise DiscussionError("There is nobody with that name to block.", "not_found")
    made, _ = Block.objects.get_or_create(blocker=blocker, blocked=person)
    return made


def unblock(*, blocker, blocked_id: Any) -> int:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
    return deleted


def note_oversight_read(*, user, thread: Thread) -> None:
    """Log a curator or admin opening a reported conversation they are not part of (every access)."""
    if thread.is_direct and not is_participant(user, thread):
        ModerationAction.objects.create(
            actor=user, action=ModerationAction.Action.READ_REPORTED, thread=thread, reason="Opened the conversation"
        )


def conversations_of(user):
    """The person's conversations, most recently active first, each with ``last_read`` and
    ``last_message_id`` for the unread mark."""
    from django.db.models import Max, Prefetch, Subquery

    from discussions.models import ReadMarker

    last_read = ReadMarker.objects.filter(thread_id=OuterRef("pk"), user_id=user.pk).values("last_read_id")[:1]
    return (
        Thread.objects.filter(is_direct=True, participants__user_id=user.pk)
        .annotate(
            last_read=Subquery(last_read),
            last_message_id=Max("messages__id", filter=Q(messages__state=Message.State.PUBLISHED)),
        )
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.exclude(user_id=user.pk).select_related("user__profile").order_by("pk"),
                to_attr="others",
            )
        )
        .order_by("-last_activity_at", "-pk")
    )
