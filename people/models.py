"""Follows and thread watches: what a person has chosen to hear about.

Communities, write-ups and priorities are all Wagtail pages, so one ``Follow`` row points either at
a page or at a person. One model rather than one per kind: the feed and the signal fan-out ask
"which pages does this person follow?" in one indexed sub-query whatever the kind, and a new kind of
page (an event series, say) needs no new table. ``kind`` is kept beside the pointer so per-kind
choices and listings need no join to the page's specific class.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class FollowKind(models.TextChoices):
    COMMUNITY = "community", "Community"
    PROJECT = "project", "Write-up"
    PRIORITY = "priority", "Priority"
    PERSON = "person", "Person"


class Follow(models.Model):
    """One person following a community, a write-up, a priority (``page``) or another person."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=16, choices=FollowKind.choices)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(page__isnull=False) & Q(person__isnull=True) & ~Q(kind="person"))
                | (Q(page__isnull=True) & Q(person__isnull=False) & Q(kind="person")),
                name="follow_points_at_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "page"], condition=Q(page__isnull=False), name="one_follow_per_page"
            ),
            models.UniqueConstraint(
                fields=["user", "person"], condition=Q(person__isnull=False), name="one_follow_per_person"
            ),
        ]
        indexes = [models.Index(fields=["page", "user"]), models.Index(fields=["person", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind} {self.page_id or self.person_id}"


class WatchLevel(models.TextChoices):
    WATCH = "watch", "Watching"
    MUTE = "mute", "Muted"


class ThreadWatch(models.Model):
    """A person's choice about one discussion: hear about every reply (watch) or nothing (mute).

    Mute wins over following the discussion's community: a muted thread never reaches the feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_watches")
    thread = models.ForeignKey("discussions.Thread", on_delete=models.CASCADE, related_name="watches")
    level = models.CharField(max_length=8, choices=WatchLevel.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "thread"], name="one_watch_per_thread")]
        indexes = [models.Index(fields=["thread", "level"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.level} {self.thread_id}"


class FeedKind(models.TextChoices):
    NEW_WRITE_UP = "new_write_up", "New write-up"
    STAGE_CHANGE = "stage_change", "Stage change"
    SIGNAL = "signal", "New signal"
    NEW_THREAD = "new_thread", "New discussion"
    REPLY = "reply", "Reply"


# Kinds that reach the followers of the person who did them (their own work, not every reply).
PERSON_KINDS = (FeedKind.NEW_WRITE_UP, FeedKind.STAGE_CHANGE, FeedKind.NEW_THREAD)


class FeedEvent(models.Model):
    """Something that happened, written once when it happens and read by every follower's feed.

    ``page`` is what the event is about and decides who may see it (the one rights rule, as a set:
    :func:`boost.permissions.visible_pages`'s paths); ``FeedTopic`` rows say whose followers it
    reaches (a write-up's event reaches the followers of the write-up, its priorities and its
    communities). A reply reaches only those who watch its discussion.
    """

    kind = models.CharField(max_length=16, choices=FeedKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    thread = models.ForeignKey("discussions.Thread", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "discussions.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    signal = models.ForeignKey(
        "projects.MeasureSignal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.CharField(max_length=400, blank=True, help_text="The event in words, beyond the page's title.")
    stage = models.CharField(max_length=16, blank=True, help_text="A write-up's stage after this event.")

    class Meta:
        indexes = [
            models.Index(fields=["actor", "-id"]),
            models.Index(fields=["thread", "-id"]),
            models.Index(fields=["page", "kind", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.page_id}"


class FeedTopic(models.Model):
    """A page whose followers an event reaches."""

    event = models.ForeignKey(FeedEvent, on_delete=models.CASCADE, related_name="topics")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "event"], name="one_topic_per_event_page")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.page_id}"


class Region(models.TextChoices):
    EAST = "east", "East of England"
    LONDON = "london", "London"
    MIDLANDS = "midlands", "Midlands"
    NORTH_EAST_YORKSHIRE = "north_east_yorkshire", "North East and Yorkshire"
    NORTH_WEST = "north_west", "North West"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"


class Expertise(models.Model):
    """What a person says they know, as structured data they control (shown on their profile with
    its visibility). What they have *done* is never stored here: it is read from their published
    write-ups, so it cannot go stale or be inflated."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expertise")
    methods = models.ManyToManyField("projects.Method", blank=True, related_name="+")
    care_areas = models.ManyToManyField("boost.CareArea", blank=True, related_name="+")
    region = models.CharField(max_length=24, choices=Region.choices, blank=True)
    open_to_visits = models.BooleanField("Open to visits", default=False)
    open_to_calls = models.BooleanField("Open to calls", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Expertise of {self.user_id}"


class HelpOffer(models.Model):
    """One "I can help with" offer in the person's own words (a safe subset of markdown)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="help_offers")
    text = models.CharField(max_length=300)
    html = models.TextField(editable=False)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.text


class VisitOffer(models.Model):
    """A write-up's team offers a visit ("come and see"): when, how many, where, what visitors
    will see and who to ask for."""

    project = models.ForeignKey("projects.ProjectPage", on_delete=models.CASCADE, related_name="visit_offers")
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveSmallIntegerField(help_text="How many visitors can come.")
    where = models.CharField(max_length=300)
    what_you_will_see = models.TextField(max_length=1000)
    who_to_ask_for = models.CharField(max_length=120)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"Visit to {self.project_id} on {self.starts_at:%Y-%m-%d}"


class VisitRequest(models.Model):
    """A member asks to come on an offered visit, saying what they hope to learn."""

    class State(models.TextChoices):
        REQUESTED = "requested", "Waiting for the team"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    offer = models.ForeignKey(VisitOffer, on_delete=models.CASCADE, related_name="requests")
    visitor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_requests")
    hoping_to_learn = models.TextField(max_length=1000)
    state = models.CharField(max_length=12, choices=State.choices, default=State.REQUESTED)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # After the visit: what the visitor will try, and the write-up adapted from the visited one
    # because of it (so spread is traced back to the visit).
    reflection = models.TextField(max_length=1000, blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    adapted_project = models.ForeignKey(
        "projects.ProjectPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="from_visits"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["offer", "visitor"], name="one_request_per_visit")]

    def __str__(self) -> str:
        return f"{self.visitor_id} → {self.offer_id} ({self.state})"
