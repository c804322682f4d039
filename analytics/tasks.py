"""Background backfill of the activity rollup, queued by the first dashboard that finds past days
not yet counted (analytics/rollup.py), so that reader does not wait for a year to be counted."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

BACKFILL_DAYS = 3 * 366  # what manage.py rollup_activity covers by default, and the longest range


@task
def backfill_activity() -> dict[str, int]:
    from analytics import rollup

    yesterday = timezone.localdate() - timedelta(days=1)
    added, _ = rollup.roll_up(yesterday - timedelta(days=BACKFILL_DAYS - 1), yesterday)
    return {"days": added}
