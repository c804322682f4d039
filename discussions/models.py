"""Discussion threads and their messages, reactions, read markers, moderation and notifications.

A thread belongs to a community (a community discussion) or to any Wagtail page (questions on a
project write-up). ``Thread.version`` is a per-thread change counter: every write that changes
what a viewer sees (a new, edited, deleted, hidden or approved message, a reaction) bumps it and
stamps the message with it, so a reconnecting client asks for "everything after version N" and
catches up from the database whatever the channel layer dropped.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from communities.models import CommunityPage


class DiscussionSettings(models.Model):
    """A community's discussion choices (kept here so the communities contract stays untouched)."""

    community = models.OneToOneField(CommunityPage, on_delete=models.CASCADE, related_name="discussion_settings")
    premoderate_first_messages = models.PositiveSmallIntegerField(
        default=0,
        help_text="Hold this many of a person's first messages in this community for a facilitator to approve "
        "(0 = off).",
    )

    class Meta:
        verbose_name_plural = "discussion settings"

    def __str__(self) -> str:
        return f"Discussion settings for {self.community}"


class ThreadQuerySet(models.QuerySet):
    def listed(self) -> ThreadQuerySet:
        return self.filter(is_hidden=False).order_by("-is_pinned", "-last_activity_at", "-id")

    def in_community(self, community) -> ThreadQuerySet:
        return self.filter(community=community, page__isnull=True)

    def on_page(self, page) -> ThreadQuerySet:
        return self.filter(page=page)

    def by_pk(self, pk: int) -> Thread | None:
        """The thread with this key, or None. Not ``first()``, which adds ``ORDER BY id``: building
        that ordering doubled the compile time of the query every socket action starts with."""
        return next(iter(self.filter(pk=pk)[:1]), None)


class Thread(models.Model):
    """A conversation: a community discussion (``page`` empty), a question on a page, or a private
    conversation between its participants (``is_direct``: direct messages, served by the same pages,
    socket and services, visible only to its :class:`Participant` rows)."""

    community = models.ForeignKey(
        CommunityPage,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="threads",
        help_text="The community whose members may see this thread (for a page question: the private "
        "community the page sits under, if any).",
    )
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="discussion_threads"
    )
    title = models.CharField(max_length=160)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads_started")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    message_count = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    is_direct = models.BooleanField(
        default=False, help_text="A private conversation (direct messages): only its participants see it."
    )
    # Set when the thread was hidden with the rest of its author's content on their suspension, so
    # lifting it can bring back exactly what it took away.
    hidden_for = models.ForeignKey(
        "accounts.Suspension", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ThreadQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False) | Q(page__isnull=False) | Q(is_direct=True),
                name="thread_has_a_home",
            )
        ]
        indexes = [models.Index(fields=["community", "is_hidden", "-last_activity_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("discussions:thread", args=[self.pk])

    @property
    def is_question(self) -> bool:
        return self.page_id is not None

    @property
    def group_name(self) -> str:
        return f"thread.{self.pk}"


class Participant(models.Model):
    """A person in a private conversation (``Thread.is_direct``): the only people who see it."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversations")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="one_participant_row")]
        indexes = [models.Index(fields=["user", "thread"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.thread_id}"


class Block(models.Model):
    """``blocker`` will not hear from ``blocked``: no new conversation, no message in a shared one."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="one_block_per_pair")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class MessageQuerySet(models.QuerySet):
    def with_people(self) -> MessageQuerySet:
        return self.select_related("author__profile", "reply_to__author__profile")

    def published(self) -> MessageQuerySet:
        return self.filter(state=Message.State.PUBLISHED)


class MessageStates:
    """Deleted, hidden, visible: one reading of a message's state columns, shared by the model
    and the plain rows a thread page reads (``thread_page.MessageRow``)."""

    __slots__ = ()
    state: str
    deleted_at: Any
    hidden_at: Any

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_visible(self) -> bool:
        """Shown with its content to everyone who can see the thread."""
        return self.state == "published" and not self.is_hidden and not self.is_deleted


class Message(MessageStates, models.Model):
    """One contribution to a thread. Markdown source is kept; HTML is rendered and sanitised on write."""

    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        HELD = "held", "Awaiting approval"
        REJECTED = "rejected", "Not approved"

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="discussion_messages")
    client_id = models.CharField(max_length=64, help_text="Generated by the sender so a retried send is not doubled.")
    body = models.TextField()
    body_html = models.TextField()
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="discussion_mentions")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PUBLISHED)
    version = models.PositiveBigIntegerField(default=0, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_for = models.ForeignKey(
        "accounts.Suspension", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["author", "client_id"], name="one_message_per_client_id")]
        indexes = [
            models.Index(fields=["thread", "state", "id"]),
            models.Index(fields=["thread", "version"]),
            # The leaders' activity figures count a day's messages (analytics/rollup.py).
            models.Index(fields=["created_at"], name="message_created_at"),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.thread_id}"


class Reaction(models.Model):
    """One person's reaction (from a short fixed set) to one message."""

    class Kind(models.TextChoices):
        THANKS = "thanks", "🙏 Thanks"
        AGREE = "agree", "👍 Agree"
        IDEA = "idea", "💡 Useful idea"
        CELEBRATE = "celebrate", "🎉 Celebrate"
        SAME = "same", "👀 Same here"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user", "kind"], name="one_reaction_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.message_id}"


class ReadMarker(models.Model):
    """How far a person has read a thread (the highest message id they have seen)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_markers")
    last_read_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="one_read_marker")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_id}"


class FlagQuerySet(models.QuerySet):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class Flag(models.Model):
    """A person asking moderators to look at a message. Resolved when a moderator hides the
    message or dismisses its flags."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="one_flag_per_person")]
        indexes = [models.Index(fields=["resolved_at", "message"])]

    def __str__(self) -> str:
        return f"Flag on {self.message_id}"


class ModerationAction(models.Model):
    """The audit log: every moderation decision, who made it and why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hid a message"
        UNHIDE = "unhide", "Restored a message"
        APPROVE = "approve", "Approved a held message"
        REJECT = "reject", "Rejected a held message"
        PIN = "pin", "Pinned a thread"
        UNPIN = "unpin", "Unpinned a thread"
        LOCK = "lock", "Locked a thread"
        UNLOCK = "unlock", "Unlocked a thread"
        HIDE_THREAD = "hide_thread", "Hid a thread"
        DISMISS = "dismiss", "Dismissed the flags on a message"
        READ_REPORTED = "read_reported", "Read a reported private conversation"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="moderation_actions")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.actor_id})"


class EmailFrequency(models.TextChoices):
    OFF = "off", "Never email me"
    IMMEDIATE = "immediate", "Straight away"
    DAILY = "daily", "A daily digest"
    WEEKLY = "weekly", "A weekly digest"


class MessagesFrom(models.TextChoices):
    ANYONE = "anyone", "Anyone signed in to Boost"
    COMMUNITIES = "communities", "People in communities I belong to"
    NOBODY = "nobody", "Nobody"


class NotificationPreference(models.Model):
    """How a person wants to hear about discussion activity."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_frequency = models.CharField(max_length=16, choices=EmailFrequency.choices, default=EmailFrequency.DAILY)
    messages_from = models.CharField(
        max_length=16,
        choices=MessagesFrom.choices,
        default=MessagesFrom.COMMUNITIES,
        help_text="Who may start a private conversation with this person.",
    )
    # Per notification kind: "email" (the default: bell and email), "bell" or "off" (discussions.delivery).
    delivery = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def shown(self) -> NotificationQuerySet:
        """Notifications about content people can still read: none about a hidden message or
        discussion (a moderator's decision, or a suspended member's content), in the bell, the
        list or an email."""
        return self.filter(Q(thread__isnull=True) | Q(thread__is_hidden=False)).filter(
            Q(message__isnull=True) | Q(message__hidden_at__isnull=True)
        )


class Notification(models.Model):
    """Something a person should know about: in a discussion, or a new signal on a measure of a
    write-up they follow (``signal``, with no thread or actor). ``emailed_at`` makes email exactly-once."""

    class Kind(models.TextChoices):
        MENTION = "mention", "mentioned you"
        REPLY = "reply", "replied to your discussion"
        NEW_THREAD = "new_thread", "started a new discussion"
        FLAG = "flag", "flagged a message for moderators"
        SIGNAL = "signal", "new signal on a measure"
        DIRECT = "direct", "sent you a private message"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    signal = models.ForeignKey(
        "projects.MeasureSignal", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "message"], name="one_notification_per_message"),
            models.UniqueConstraint(
                fields=["recipient", "signal"], condition=Q(signal__isnull=False), name="one_notification_per_signal"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["emailed_at", "recipient"]),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if self.signal_id is not None:
            measure = self.signal.measure
            return f"New on “{measure.name}” in {measure.project.title}: {self.signal.description}"
        if self.kind == self.Kind.DIRECT:
            return f"{self.actor.display_name} {self.get_kind_display()}"
        return f"{self.actor.display_name} {self.get_kind_display()}: {self.thread.title}"

    @property
    def target_url(self) -> str:
        """Where the notification leads: a flag to the moderation queue, the rest to the message."""
        from django.urls import reverse

        if self.kind == self.Kind.FLAG:
            return reverse("discussions:queue")
        if self.signal_id is not None:
            measure = self.signal.measure
            return f"{measure.project.url}#measure-{measure.pk}-heading"
        url = self.thread.get_absolute_url()
        return f"{url}#message-{self.message_id}" if self.message_id else url
