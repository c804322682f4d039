"""What discussions/ holds about a person, for downloads and erasure (see ``privacy.registry``)."""

from __future__ import annotations

from django.utils import timezone

from discussions.models import (
    Block,
    Flag,
    Message,
    ModerationAction,
    Notification,
    NotificationPreference,
    Participant,
    Reaction,
    ReadMarker,
)
from discussions.rendering import MENTION_RE, render_markdown
from privacy.registry import DataSection, ErasureOptions, register


def _message_rows(user) -> list[dict]:
    return [
        {
            "id": message.pk,
            "discussion": message.thread.title,
            "discussion_url": message.thread.get_absolute_url(),
            "started_the_discussion": message.thread.author_id == user.pk,
            "written_at": message.created_at,
            "edited_at": message.edited_at,
            "deleted_at": message.deleted_at,
            "hidden_by_a_moderator_at": message.hidden_at,
            "state": message.get_state_display(),
            "text": message.body,
        }
        for message in Message.objects.filter(author=user).select_related("thread").order_by("created_at", "pk")
    ]


def _erase_messages(user, options: ErasureOptions) -> dict[str, int]:
    """Anonymised: the messages stay, and their author (the anonymised account) shows as "Former
    member". Deleted: what they said is blanked and they show as deleted, so replies still read in
    order. Either way each message is saved, so search re-indexes its discussion now."""
    count = 0
    now = timezone.now()
    for message in Message.objects.filter(author=user).select_related("thread"):
        if options.delete_messages or message.state != Message.State.PUBLISHED:
            message.body = ""
            message.body_html = ""
            message.deleted_at = message.deleted_at or now
        message.save()
        count += 1
    mentions = _erase_mentions(user, options.former_name)
    result = {"deleted" if options.delete_messages else "anonymised": count}
    if mentions:
        result["mentions_anonymised"] = mentions
    return result


def _erase_mentions(user, former_name: str) -> int:
    """Other people's ``@[Name]`` mentions of the person become ``@[Former member]``: a mention is a
    pointer to the person, not part of what the writer said."""
    from accounts.data_export import FORMER_MEMBER

    wanted = " ".join(former_name.split()).casefold()
    count = 0
    for message in Message.objects.filter(mentions=user).prefetch_related("mentions__profile"):
        if wanted:

            def swap(match) -> str:
                name = " ".join(match.group(1).split())
                return f"@[{FORMER_MEMBER}]" if name.casefold() == wanted else match.group(0)

            message.body = MENTION_RE.sub(swap, message.body)
        others = {person.display_name for person in message.mentions.all() if person.pk != user.pk}
        message.body_html = "" if message.is_deleted else render_markdown(message.body, {*others, FORMER_MEMBER})
        message.mentions.remove(user)
        message.save(update_fields=["body", "body_html"])  # post_save: search re-indexes the discussion
        count += 1
    return count


def _reaction_rows(user) -> list[dict]:
    return [
        {"reaction": reaction.get_kind_display(), "message_id": reaction.message_id, "at": reaction.created_at}
        for reaction in Reaction.objects.filter(user=user).order_by("created_at")
    ]


def _erase_reactions(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = Reaction.objects.filter(user=user).delete()
    return {"deleted": deleted}


def _notification_rows(user) -> list[dict]:
    return [
        {
            "text": notification.text,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
            "emailed_at": notification.emailed_at,
        }
        for notification in Notification.objects.filter(recipient=user).select_related("actor__profile", "thread")
    ]


def _erase_notifications(user, options: ErasureOptions) -> dict[str, int]:
    received, _ = Notification.objects.filter(recipient=user).delete()
    markers, _ = ReadMarker.objects.filter(user=user).delete()
    preferences, _ = NotificationPreference.objects.filter(user=user).delete()
    return {"deleted": received + markers + preferences}


def _preference_rows(user) -> list[dict]:
    from discussions.delivery import CHOOSABLE, Delivery

    preference = NotificationPreference.objects.filter(user=user).first()
    chosen = preference.delivery if preference else {}
    labels = dict(Delivery.choices)
    what_reaches_you = {
        label: labels.get(chosen.get(kind), labels[Delivery.EMAIL]) for kind, label in CHOOSABLE.items()
    }
    if preference is None:
        return [{"email_frequency": "A daily digest (the default)", "what_reaches_you": what_reaches_you}]
    return [
        {
            "email_frequency": preference.get_email_frequency_display(),
            "what_reaches_you": what_reaches_you,
            "private_messages_from": preference.get_messages_from_display(),
        }
    ]


def _flag_rows(user) -> list[dict]:
    return list(Flag.objects.filter(user=user).order_by("created_at").values("message_id", "reason", "created_at"))


def _erase_flags(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = Flag.objects.filter(user=user).delete()
    return {"deleted": deleted}


def _conversation_rows(user) -> list[dict]:
    """Every message in the person's private conversations, theirs and the others' (it is their
    correspondence), oldest first; what was deleted or hidden shows as such, without its text."""
    threads = Participant.objects.filter(user=user).values("thread_id")
    messages = (
        Message.objects.filter(thread_id__in=threads, state=Message.State.PUBLISHED)
        .select_related("author__profile")
        .prefetch_related("thread__participants__user__profile")
        .order_by("thread_id", "created_at", "pk")
    )
    return [
        {
            "conversation": message.thread_id,
            "people": ", ".join(sorted(p.user.display_name for p in message.thread.participants.all())),
            "from": message.author.display_name,
            "written_at": message.created_at,
            "text": "" if message.is_deleted or message.is_hidden else message.body,
            "deleted_or_hidden": message.is_deleted or message.is_hidden,
        }
        for message in messages
    ]


def _erase_conversations(user, options: ErasureOptions) -> dict[str, int]:
    """The person leaves every conversation (their own messages follow the "messages" choice)."""
    left, _ = Participant.objects.filter(user=user).delete()
    return {"deleted": left}


def _block_rows(user) -> list[dict]:
    return [
        {"blocked": block.blocked.display_name, "since": block.created_at}
        for block in Block.objects.filter(blocker=user).select_related("blocked__profile")
    ]


def _erase_blocks(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = Block.objects.filter(blocker=user).delete()
    return {"deleted": deleted}


def _moderation_rows(user) -> list[dict]:
    return [
        {
            "action": action.get_action_display(),
            "discussion": action.thread.title,
            "reason": action.reason,
            "at": action.created_at,
        }
        for action in ModerationAction.objects.filter(actor=user).select_related("thread")
    ]


register(
    DataSection(
        name="messages",
        title="Discussion messages",
        description="Every message you wrote in a discussion or as a question on a write-up, with its text.",
        rows=_message_rows,
        erase=_erase_messages,
        order=30,
    )
)
register(
    DataSection(
        name="reactions",
        title="Reactions",
        description="The reactions (thanks, agree…) you gave to messages.",
        rows=_reaction_rows,
        erase=_erase_reactions,
        order=31,
    )
)
register(
    DataSection(
        name="notifications",
        title="Notifications",
        description="What Boost told you about (mentions, replies, new discussions), and when you read it or "
        "were emailed.",
        rows=_notification_rows,
        erase=_erase_notifications,
        order=32,
    )
)
register(
    DataSection(
        name="notification_settings",
        title="Email choices",
        description="How often you chose to get emails about discussions.",
        rows=_preference_rows,
        order=33,
    )
)
register(
    DataSection(
        name="flags",
        title="Messages you flagged",
        description="Messages you asked the moderators to look at, and why.",
        rows=_flag_rows,
        erase=_erase_flags,
        order=34,
    )
)
register(
    DataSection(
        name="moderation_actions",
        title="Moderation you did",
        description="Moderation decisions you made as a facilitator or curator (kept in the moderation log, which "
        "shows you as “Former member” after you go).",
        rows=_moderation_rows,
        order=35,
    )
)
register(
    DataSection(
        name="conversations",
        title="Private messages",
        description="Every message in your private conversations: yours and the other people's, who wrote it and when.",
        rows=_conversation_rows,
        erase=_erase_conversations,
        order=36,
    )
)
register(
    DataSection(
        name="blocks",
        title="People you blocked",
        description="People you blocked from sending you private messages.",
        rows=_block_rows,
        erase=_erase_blocks,
        order=37,
    )
)
