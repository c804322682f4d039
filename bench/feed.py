"""Activity feed: first-page time and queries at growing numbers of events and follows.

    .venv/bin/python bench/feed.py                                  # SQLite, 10k and 100k events
    DATABASE_URL=postgres://boost@127.0.0.1:55432/boost_feed_bench \\
        .venv/bin/python bench/feed.py --events 10000 100000 1000000

Migrates the database it is given (a fresh SQLite file by default; give PostgreSQL an empty
database of its own: the script writes rows into it), builds 1,000 communities and 1,000 write-ups,
then grows the feed to each size in ``--events`` (events spread over the pages, each with its topic
row, as the receivers write them). For a reader following 10 and one following ``--many`` pages it
renders the feed's first page (``people.feed.feed_page``, the query the dashboard and /me/feed/ run)
``--rounds`` times and prints p50/p95 and the query count. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.ws_fanout_settings"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.mkdtemp(prefix='boost-feed-')) / 'feed.sqlite3'}")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = 300
PEOPLE = 10_000
BATCH = 20000


def _pages():
    from boost.models import HomePage
    from communities.models import CommunityIndexPage, CommunityPage

    home = HomePage.objects.get()
    index = CommunityIndexPage.objects.first() or home.add_child(
        instance=CommunityIndexPage(title="Communities", slug="communities")
    )
    have = list(CommunityPage.objects.values_list("pk", flat=True))
    for n in range(len(have), PAGES):
        index.add_child(instance=CommunityPage(title=f"Bench {n}", slug=f"bench-{n}", purpose="Bench."))
    return list(CommunityPage.objects.order_by("pk").values_list("pk", flat=True))


def _people() -> list[int]:
    from accounts.models import User

    have = User.objects.filter(email__startswith="bench-person-").count()
    User.objects.bulk_create(
        [User(email=f"bench-person-{n}@example.nhs.uk") for n in range(have, PEOPLE)], batch_size=2000
    )
    return list(User.objects.filter(email__startswith="bench-person-").order_by("pk").values_list("pk", flat=True))


def _grow(to: int, pages: list[int], people: list[int]) -> None:
    from people.models import FeedEvent, FeedTopic

    have = FeedEvent.objects.count()
    while have < to:
        size = min(BATCH, to - have)
        events = FeedEvent.objects.bulk_create(
            [
                FeedEvent(
                    kind="new_thread",
                    page_id=pages[(have + i) % len(pages)],
                    actor_id=people[(have + i) % len(people)],
                    detail="Bench",
                )
                for i in range(size)
            ]
        )
        if connection.vendor != "postgresql":  # SQLite returns no ids from bulk_create
            events = list(FeedEvent.objects.order_by("-id")[:size])
        FeedTopic.objects.bulk_create([FeedTopic(event_id=event.pk, page_id=event.page_id) for event in events])
        have += size
        print(f"  … {have:,} events", flush=True)


def _measure(reader, rounds: int) -> tuple[float, float, int]:
    from people.feed import feed_page

    timings = []
    queries = 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            page = feed_page(reader)
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
        assert page.items, "the reader should see events"
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from accounts.models import User
    from people.models import Follow

    pages = _pages()
    people = _people()
    readers = {}
    for follows in (10, len(pages) + len(people)):
        reader, _ = User.objects.get_or_create(email=f"bench-reader-{follows}@example.nhs.uk")
        Follow.objects.filter(user=reader).delete()
        rows = [Follow(user=reader, page_id=pk, kind="community") for pk in pages[:follows]]
        if follows > len(pages):
            rows += [Follow(user=reader, person_id=pk, kind="person") for pk in people]
        Follow.objects.bulk_create(rows, batch_size=5000)
        readers[follows] = reader
    print(f"database: {connection.vendor}; {len(pages)} pages, {len(people):,} people", flush=True)
    print(f"database: {connection.vendor}; first page of the feed (people.feed.feed_page), {args.rounds} rounds")
    print(f"{'events':>10} {'follows':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for size in sorted(args.events):
        _grow(size, pages, people)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE people_feedevent; ANALYZE people_feedtopic; ANALYZE people_follow")
        for follows, reader in readers.items():
            p50, p95, queries = _measure(reader, args.rounds)
            print(f"{size:>10,} {follows:>8,} {p50:>8.1f} {p95:>8.1f} {queries:>8}", flush=True)


if __name__ == "__main__":
    main()
