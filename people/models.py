"""Follows and thread watches: what a person has chosen to hear about.

Communities, write-ups and priorities are all Wagtail pages, so one ``Follow`` row points either at
a page or at a person. One model rather than one per kind: the feed and the signal fan-out ask
"which pages does this person follow?" in one indexed sub-query whatever the kind, and a new kind of
page (an event series, say) needs no new table. ``kind`` is kept beside the pointer so per-kind
choices and listings need no join to the page's specific class.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


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
