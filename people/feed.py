"""The activity feed: events written once as they happen, read per person by keyset.

Writing: :func:`record` stores one :class:`FeedEvent` and its topics (the pages whose followers it
reaches). Receivers in :mod:`people.signals` call it when a write-up is first published or changes
stage, when a measure shows a new signal, when a discussion starts and when a reply is posted.

Reading: :func:`feed_page` is three queries whatever the number of follows (the followed pages'
ids, the page's event ids from one keyset query per source: see :func:`events_for`, then those
rows), filtered by the one rights rule as a set
(:func:`boost.permissions.hidden_page_paths`): nothing is shown that the page itself would answer
404 for, no hidden discussion or message, nothing muted, nothing of the reader's own doing.
Pages go backwards from a signed cursor (the last event id shown), so a tampered cursor is
refused instead of read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core import signing
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from boost.permissions import hidden_page_paths
from people.models import PERSON_KINDS, FeedEvent, FeedKind, FeedTopic, Follow, ThreadWatch, WatchLevel

PAGE_SIZE = 20
CURSOR_SALT = "people.feed.cursor"


class BadCursor(Exception):
    """The feed cursor was changed or is not one Boost made."""

    message = (
        "This link to older feed items is damaged or was changed, so it cannot be used. "
        "Go back to the start of your feed."
    )


def record(
    *, kind: str, page, topics=(), actor=None, thread=None, message=None, signal=None, detail="", stage="", when=None
):
    """Store an event about ``page`` that reaches the followers of each page in ``topics``; ``when``
    is when it happened (a message's own time), now by default."""
    event = FeedEvent.objects.create(
        created_at=when or timezone.now(),
        kind=kind,
        page_id=getattr(page, "pk", page),
        actor=actor,
        thread=thread,
        message=message,
        signal=signal,
        detail=detail[:400],
        stage=stage,
    )
    ids = {getattr(topic, "pk", topic) for topic in topics}
    FeedTopic.objects.bulk_create([FeedTopic(event=event, page_id=page_id) for page_id in ids], ignore_conflicts=True)
    return event


def make_cursor(event_id: int) -> str:
    return signing.dumps(event_id, salt=CURSOR_SALT)


def read_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        value = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature:
        raise BadCursor() from None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**63:
        raise BadCursor()
    return value


# Up to this many followed pages are given to the database as a list of ids, so the planner knows
# how few they are (as a sub-query it guesses one) and walks the newest events backwards, checking
# each one's topics, instead of gathering every event of every followed page and sorting them.
# Beyond it, following that much makes matches dense and the sub-query plan is the fast one.
LISTED_PAGES = 500


def _shown(events, user, muted, paths, before):
    """What no reader is shown, whatever reached them: their own doing, muted or hidden
    discussions, hidden or deleted messages, pages that are not live or that they may not see."""
    events = (
        events.filter(page__live=True)
        .exclude(actor_id=user.pk)
        .exclude(thread_id__in=muted)
        .filter(Q(thread__isnull=True) | Q(thread__is_hidden=False))
        .filter(Q(message__isnull=True) | Q(message__hidden_at__isnull=True, message__deleted_at__isnull=True))
    )
    if paths:
        events = events.exclude(reduce(or_, (Q(page__path__startswith=path) for path in paths)))
    if before is not None:
        events = events.filter(pk__lt=before)
    return events


def events_for(user, *, request=None, before: int | None = None, size: int = PAGE_SIZE):
    """The feed events ``user`` follows and may see, older than ``before``, newest first (a
    queryset of one query, to be cut at ``size``).

    Each source (followed pages' topics, followed people, watched discussions) is its own keyset
    query, newest first and cut at ``size``, so each walks its own index and stops early; their
    union (at most 3 × ``size`` ids) is then read in order, and a source the person does not use
    is left out (with one source left, it is the query itself: a lone ``IN`` of the cut let the
    planner hash-join the whole table). One OR across the sources made the database gather every
    followed event before it could sort (932 ms at 1,000,000 events and 10,311 follows)."""
    followed_people = Follow.objects.filter(user=user, person__isnull=False)
    watches = ThreadWatch.objects.filter(user=user, level=WatchLevel.WATCH)
    # One query: the followed pages' ids, and whether the person follows anyone or watches any
    # discussion, so a source with nothing in it costs no planning and no scan.
    rows = list(
        Follow.objects.filter(user=user, page__isnull=False)
        .annotate(people=Exists(followed_people), watching=Exists(watches))
        .values_list("page_id", "people", "watching")[: LISTED_PAGES + 1]
    )
    has_people, watching = (rows[0][1], rows[0][2]) if rows else (True, True)
    if len(rows) > LISTED_PAGES:
        pages = Follow.objects.filter(user=user, page__isnull=False).values("page_id")
    else:
        pages = [row[0] for row in rows]
    muted = ThreadWatch.objects.filter(user=user, level=WatchLevel.MUTE).values("thread_id")
    paths = hidden_page_paths(user, request=request)
    sources = []
    if rows:
        sources.append(
            FeedEvent.objects.filter(Exists(FeedTopic.objects.filter(event_id=OuterRef("pk"), page_id__in=pages)))
        )
    if has_people:
        sources.append(
            FeedEvent.objects.filter(actor_id__in=followed_people.values("person_id"), kind__in=PERSON_KINDS)
        )
    if watching:
        sources.append(FeedEvent.objects.filter(thread_id__in=watches.values("thread_id")))
    shown = [_shown(source, user, muted, paths, before).order_by("-id") for source in sources]
    if len(shown) == 1:
        return shown[0]
    # Each cut is wrapped in ``pk__in`` so the union has no LIMIT of its own (SQLite refuses one).
    newest = [FeedEvent.objects.filter(pk__in=events.values("id")[:size]).values("id") for events in shown]
    return FeedEvent.objects.filter(pk__in=newest[0].union(*newest[1:])).order_by("-id")


@dataclass
class FeedPage:
    items: list[FeedEvent]
    next_cursor: str | None


def feed_page(user, *, cursor: str | None = None, request=None, size: int = PAGE_SIZE) -> FeedPage:
    """One page of ``user``'s feed, older than ``cursor`` (raises :class:`BadCursor` if tampered)."""
    before = read_cursor(cursor)
    # The ids first, then their rows: the keyset query stays small to plan (joining what a row
    # shows into it tripled its planning time), and the rows are read by primary key.
    ids = list(events_for(user, request=request, before=before, size=size + 1).values_list("id", flat=True)[: size + 1])
    more = len(ids) > size
    rows = list(
        FeedEvent.objects.filter(pk__in=ids[:size])
        .order_by("-id")
        .select_related("page", "actor__profile", "thread", "signal__measure")
        .only(
            "id",
            "kind",
            "created_at",
            "detail",
            "stage",
            "page__id",
            "page__title",
            "page__url_path",
            "page__path",
            "page__depth",
            "page__live",
            "page__content_type_id",
            "actor__id",
            "actor__email",
            "actor__first_name",
            "actor__last_name",
            "actor__profile__display_name",
            "thread__id",
            "thread__title",
            "message_id",
            "signal__id",
            "signal__classification",
            "signal__assurance",
            "signal__measure__id",
            "signal__measure__name",
        )
    )
    return FeedPage(items=rows, next_cursor=make_cursor(rows[-1].pk) if more else None)


def describe(event: FeedEvent) -> str:
    """The event in one line of words."""
    who = event.actor.display_name if event.actor_id else ""
    if event.kind == FeedKind.NEW_WRITE_UP:
        return f"New write-up by {who}: {event.page.title}" if who else f"New write-up: {event.page.title}"
    if event.kind == FeedKind.STAGE_CHANGE:
        return f"{event.page.title} moved on: {event.detail}"
    if event.kind == FeedKind.SIGNAL:
        measure = event.signal.measure.name if event.signal_id else "a measure"
        return f"New signal on “{measure}” in {event.page.title}: {event.detail}"
    if event.kind == FeedKind.NEW_THREAD:
        return f"{who} started a discussion: {event.thread.title}"
    return f"{who} replied in {event.thread.title}"


def target_url(event: FeedEvent, request=None) -> str:
    """Where the event leads: the write-up (its chart for a signal), the discussion or the reply."""
    from django.urls import reverse

    if event.thread_id is not None:
        url = reverse("discussions:thread", args=[event.thread_id])
        return f"{url}#message-{event.message_id}" if event.message_id else url
    url = event.page.get_url(request=request) or ""
    if event.signal_id is not None:
        return f"{url}#measure-{event.signal.measure.pk}-heading"
    return url


def upcoming_events(user, *, limit: int = 5):
    """Events coming up in the communities ``user`` follows and may see (one query)."""
    from communities.models import Event

    followed = Follow.objects.filter(user=user, page__isnull=False).values("page_id")
    return list(
        Event.objects.visible_to(user).upcoming().filter(community_id__in=followed).select_related("community")[:limit]
    )
