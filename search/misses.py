"""The search-miss log: which searches found nothing, counted per day, for the leaders' analytics.

Only the words are kept (lower case, spaces collapsed, at most 100 characters), never who searched.
People sometimes type personal details into a search box, so words that look like an email address
or carry a long run of digits (an NHS number, a phone number, a date of birth) are not kept at all.
Only unfiltered searches count: a filter that narrows to nothing is not a gap in the
content. Rows older than ``SEARCH_MISS_RETENTION_DAYS`` are deleted whenever a new row is written.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from search.models import SearchMiss

logger = logging.getLogger(__name__)
MAX_CHARS = 100
_LOOKS_PERSONAL = re.compile(r"@|\d{6,}")
_SEPARATORS = re.compile(r"[\s\-./()+]")


def normalised(text: str) -> str:
    # Control characters (a NUL byte, which PostgreSQL refuses in text) are dropped, not stored.
    printable = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    return " ".join(printable.lower().split())[:MAX_CHARS]


def looks_personal(text: str) -> bool:
    return bool(_LOOKS_PERSONAL.search(_SEPARATORS.sub("", text)))


def record(query, results) -> None:
    """Count ``query`` as a miss when it found nothing. Never fails the search it belongs to."""
    if results.total or query.filters or query.is_blank:
        return
    text = normalised(query.text)
    if not text or looks_personal(text):
        return
    today = timezone.localdate()
    try:
        # A savepoint of its own: if the count cannot be written, the search's request (inside a
        # transaction under ATOMIC_REQUESTS or a test) carries on as if nothing had been tried.
        with transaction.atomic():
            if SearchMiss.objects.filter(day=today, text=text).update(times=F("times") + 1):
                return
            try:
                with transaction.atomic():
                    SearchMiss.objects.create(day=today, text=text)
            except IntegrityError:  # another request created today's row first
                SearchMiss.objects.filter(day=today, text=text).update(times=F("times") + 1)
                return
            SearchMiss.objects.filter(day__lt=today - timedelta(days=settings.SEARCH_MISS_RETENTION_DAYS)).delete()
    except DatabaseError:
        logger.warning("could not record a search that found nothing", exc_info=True)
