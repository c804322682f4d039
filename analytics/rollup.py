"""The daily rollup behind "activity per community": counts of messages and threads started per
community per day, kept in ``CommunityDay``.

A finished day never changes, so it is counted once: ``manage.py rollup_activity`` counts every
missing day ahead of time (run it nightly, and once after deploying, to backfill). A dashboard that
needs days not yet rolled up counts at most ``ANALYTICS_ROLLUP_REQUEST_DAYS`` of them itself (the
most recent, in one grouped query) and queues the rest for the task worker, so no reader waits
while a year is backfilled; until the worker is done the figure says how many earlier days are not
counted yet. The current day is always counted live, from
``Message.created_at``'s index. The counts are of what was posted: a
message deleted later still counted on its day, as it did on the dashboard before.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from analytics.cache import figures_changed
from analytics.models import CommunityDay, RolledUpDay
from discussions.models import Message, Thread

BACKFILL_QUEUED_SECONDS = 15 * 60  # a backfill queued longer ago than this is queued again


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _grouped(model, community_path: str, start: date, end: date) -> dict[tuple[int, date], int]:
    """{(community id, local day): count} of ``model`` rows created from ``start`` to ``end`` inclusive."""
    rows = (
        model.objects.filter(created_at__gte=_start_of(start), created_at__lt=_start_of(end + timedelta(days=1)))
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list(community_path, "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(community, day): n for community, day, n in rows}


def roll_up(start: date, end: date, *, limit: int | None = None) -> tuple[int, int]:
    """Store the counts of the finished days from ``start`` to ``end`` not yet rolled up, at most
    ``limit`` of them (the most recent) when given; returns how many days were added and how many
    are still missing."""
    end = min(end, timezone.localdate() - timedelta(days=1))
    if end < start:
        return 0, 0
    done = set(RolledUpDay.objects.filter(day__gte=start, day__lte=end).values_list("day", flat=True))
    missing = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    missing = [day for day in missing if day not in done]
    if not missing:
        return 0, 0
    left = 0
    if limit is not None and len(missing) > limit:
        left = len(missing) - limit
        missing = missing[left:]
    first, last = missing[0], missing[-1]
    messages = _grouped(Message, "thread__community_id", first, last)
    threads = _grouped(Thread, "community_id", first, last)
    wanted = set(missing)
    rows = [
        CommunityDay(community_id=key[0], day=key[1], messages=messages.get(key, 0), threads=threads.get(key, 0))
        for key in messages.keys() | threads.keys()
        if key[1] in wanted and key[0] is not None
    ]
    with transaction.atomic():
        # Two readers rolling up the same day store the same counts: the second one's are ignored.
        CommunityDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        RolledUpDay.objects.bulk_create([RolledUpDay(day=day) for day in missing], ignore_conflicts=True)
    figures_changed()  # dashboards computed without these days are out of date
    return len(missing), left


def _queue_backfill() -> bool:
    """Queue the backfill of every missing past day (once at a time); True when it has already run
    (the immediate task backend of development and tests runs it here and now)."""
    from django.core.cache import cache
    from django.tasks import TaskResultStatus

    from analytics.tasks import backfill_activity

    if not cache.add("analytics:backfill-queued", True, BACKFILL_QUEUED_SECONDS):
        return False
    return backfill_activity.enqueue().status == TaskResultStatus.SUCCESSFUL


def activity(start: date, end: date, community_id: int | None = None) -> tuple[dict[int, dict[str, int]], int]:
    """{community id: {"messages": n, "threads": n}} for ``start`` to ``end`` inclusive (one
    community's only, when given), with today live; and how many finished days in the range are
    not rolled up yet (so not counted)."""
    _, left = roll_up(start, end, limit=settings.ANALYTICS_ROLLUP_REQUEST_DAYS)
    if left and _queue_backfill():
        left = 0
    totals: dict[int, dict[str, int]] = defaultdict(lambda: {"messages": 0, "threads": 0})
    finished = min(end, timezone.localdate() - timedelta(days=1))
    if finished >= start:
        days = CommunityDay.objects.filter(day__gte=start, day__lte=finished)
        if community_id is not None:
            days = days.filter(community_id=community_id)
        rows = days.values_list("community_id").annotate(messages=Sum("messages"), threads=Sum("threads")).order_by()
        for community, messages, threads in rows:
            totals[community]["messages"] += messages
            totals[community]["threads"] += threads
    today = timezone.localdate()
    if start <= today <= end:
        for (community, _), n in _grouped(Message, "thread__community_id", today, today).items():
            totals[community]["messages"] += n
        for (community, _), n in _grouped(Thread, "community_id", today, today).items():
            totals[community]["threads"] += n
    return totals, left
