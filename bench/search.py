"""Search benchmark: indexing throughput and query p50/p95 on the database backend.

    .venv/bin/python bench/search.py                       # SQLite file in /tmp
    DATABASE_URL=postgres://user@127.0.0.1:PORT/db .venv/bin/python bench/search.py
    options: --sizes 10000,100000  --messages 0  --repeat 5  --keep  --per-query  --exactness

``--keep`` reuses the synthetic write-ups already in the database (a kept benchmark database) and
only grows them to each size; without it the run starts from an empty synthetic corpus.

For each size it grows the synthetic corpus (search/corpus.py, written straight into the index)
to that many write-ups (plus --messages messages per size step, indexed as the product indexes
them: one document per 20-message thread), then times 20 representative
queries (after one untimed pass) as an anonymous reader and as a member of three communities: the engine alone
(``SearchQuery.run()``) and the whole results page (Django test client GET /search/?q=...).
Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boost.settings.test")
# The results page is timed with many signed-out searches from one address: no rate limit here.
os.environ.setdefault("RATE_LIMIT_ANONYMOUS_SEARCH", "0")
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/boost-search-bench.sqlite3")

QUERIES = [
    "discharge",
    "frailty",
    "domiciliary care package",
    "dom care",
    "A&E",
    "emergency department handover",
    "skin cancer 62 days",
    "MSK physiotherapy self-referral",
    "virtual ward remote monitoring",
    "COPD medication review",
    "mental health crisis peer support",
    "length of stay",
    "trusted assessors",
    "scheduling system care hours",
    "falls care home",
    "stroke survivors",
    "dementia carers",
    "readmissions within 30 days",
    "single point of access multidisciplinary",
    "Eastport huddle tracking list",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--messages", type=int, default=0, help="messages added at each size step (in threads)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the synthetic write-ups already indexed")
    parser.add_argument("--per-query", action="store_true", help="also print each query's engine median")
    parser.add_argument(
        "--exactness", action="store_true", help="compare each query's top 10 with an uncapped ranking of every match"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from search.backends import get_backend
    from search.corpus import MESSAGES_PER_THREAD, threads, writeups
    from search.models import SearchEntry
    from search.permissions import Viewer
    from search.query import SearchQuery

    call_command("migrate", verbosity=0)
    backend = get_backend()
    print(f"backend={backend.name} database={connection.vendor} {connection.settings_dict['NAME']}")
    have_writeups = have_messages = 0
    if args.keep:
        have_writeups = SearchEntry.objects.filter(key__startswith="writeup:syn-").count()
        have_messages = SearchEntry.objects.filter(key__startswith="thread:syn-").count() * MESSAGES_PER_THREAD
        print(f"  kept {have_writeups} synthetic write-ups and {have_messages} messages")
    else:
        synthetic = SearchEntry.objects.filter(key__regex=r"^(writeup|thread|message):syn-")
        keys = list(synthetic.values_list("key", flat=True))
        for n in range(0, len(keys), 5000):
            backend.delete(keys[n : n + 5000])
    client = Client()
    member = Viewer(authenticated=True, community_ids=frozenset({3, 10, 25}))
    logging.getLogger("boost.request").setLevel(logging.WARNING)  # one log line per request would drown the figures
    for size in (int(s) for s in args.sizes.split(",")):
        if size < have_writeups:
            print(f"  skipping {size}: {have_writeups} write-ups are already indexed (--keep)")
            continue
        for label, source, count in (
            ("write-ups", writeups(size - have_writeups, start=have_writeups), size - have_writeups),
            ("threads", threads(args.messages, start=have_messages), -(-args.messages // MESSAGES_PER_THREAD)),
        ):
            if count <= 0:
                continue
            started = time.perf_counter()
            batch = []
            for document in source:
                batch.append(document)
                if len(batch) == 2000:
                    backend.index(batch)
                    batch = []
            backend.index(batch)
            elapsed = time.perf_counter() - started
            print(f"  indexed {count} {label} in {elapsed:.1f}s = {count / elapsed:.0f} docs/s")
        have_writeups, have_messages = size, have_messages + args.messages
        if connection.vendor == "postgresql":
            # What autovacuum does after a bulk load: statistics, and the visibility map and hint
            # bits, without which the first searches after indexing also pay for setting them.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE search_searchentry")
                cursor.execute("VACUUM ANALYZE search_searchfacet")
        for text in QUERIES:  # one untimed pass: connection, caches and catalog lookups warm
            SearchQuery(text=text).run()
        for viewer_label, viewer in (("anonymous", Viewer.anonymous()), ("member", member)):
            engine: list[float] = []
            totals = []
            per_query: dict[str, list[float]] = {text: [] for text in QUERIES}
            for _ in range(args.repeat):
                for text in QUERIES:
                    started = time.perf_counter()
                    results = SearchQuery(text=text, viewer=viewer).run()
                    engine.append((time.perf_counter() - started) * 1000)
                    per_query[text].append(engine[-1])
                    totals.append(results.total)
            print(
                f"{size:>7} write-ups, {have_messages} messages, {viewer_label:>9}: engine p50 "
                f"{percentile(engine, 50):6.1f} ms  p95 {percentile(engine, 95):6.1f} ms  "
                f"(median hits {statistics.median(totals):.0f})"
            )
            if args.per_query:
                for text, times in sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1])):
                    print(f"      {statistics.median(times):6.1f} ms  {text}")
        if args.exactness:
            print_exactness(QUERIES)
        page: list[float] = []
        for _ in range(args.repeat):
            for text in QUERIES:
                started = time.perf_counter()
                response = client.get("/search/", {"q": text})
                page.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
        print(
            f"{size:>7} write-ups, anonymous results page: p50 {percentile(page, 50):6.1f} ms  "
            f"p95 {percentile(page, 95):6.1f} ms"
        )


def print_exactness(queries: list[str]) -> None:
    """How much of each capped top 10 (relevance order) an uncapped ranking of every match agrees
    with: the price of ranking at most MAX_CANDIDATES candidates (search/backends/database.py)."""
    from search.backends import database
    from search.query import SearchQuery

    overlaps = []
    for text in queries:
        capped = [hit.url for hit in SearchQuery(text=text).run().hits]
        cap, database.MAX_CANDIDATES = database.MAX_CANDIDATES, 10**9
        try:
            exact_results = SearchQuery(text=text).run()
        finally:
            database.MAX_CANDIDATES = cap
        exact = [hit.url for hit in exact_results.hits]
        overlap = len(set(capped) & set(exact)) / max(1, len(exact))
        overlaps.append(overlap)
        print(f"      top-10 overlap with every match ranked: {overlap:4.0%}  ({exact_results.total} matches)  {text}")
    print(f"      mean top-10 overlap {statistics.mean(overlaps):.0%}")


if __name__ == "__main__":
    main()
