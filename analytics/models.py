"""Daily activity counts per community, so the leaders' dashboard never counts a million messages on
a request (analytics/rollup.py fills them)."""

from __future__ import annotations

from django.db import models


class CommunityDay(models.Model):
    """Messages and threads started in one community on one day (local time). Days only: the
    current day is always counted live."""

    community_id = models.IntegerField()
    day = models.DateField()
    messages = models.PositiveIntegerField(default=0)
    threads = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "community_id"], name="one_count_per_community_day")]
        # One community's dashboard sums its own days, not every community's.
        indexes = [models.Index(fields=["community_id", "day"], name="community_day_by_community")]

    def __str__(self) -> str:
        return f"{self.community_id} on {self.day}: {self.messages} messages, {self.threads} threads"


class RolledUpDay(models.Model):
    """A day whose counts are in ``CommunityDay`` (a day with no activity has no counts, so this is
    how the rollup knows it has been done)."""

    day = models.DateField(unique=True)

    def __str__(self) -> str:
        return str(self.day)
