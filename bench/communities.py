"""Benchmark (not a test): render times and query counts for the communities pages at scale.

Seeds 1,000 communities and 100,000 memberships into a scratch SQLite database (or the database
in DATABASE_URL when --use-configured-db is given), then renders the directory, a community page
and its member directory N times each and prints p50/p95 render time and the query count.

    .venv/bin/python bench/communities.py [--runs 30] [--use-configured-db]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

COMMUNITIES = 1_000
PEOPLE = 5_000
MEMBERSHIPS = 100_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--use-configured-db", action="store_true")
    args = parser.parse_args()
    from bench.scratch import start_django

    start_django(use_configured_db=args.use_configured_db)
    seed()
    measure(args.runs)


def seed() -> None:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Profile, User
    from communities.models import CommunityIndexPage, CommunityPage, Event, Membership

    if CommunityPage.objects.count() >= COMMUNITIES:
        print("Already seeded.")
        return
    started = time.perf_counter()
    index = CommunityIndexPage.objects.get()
    with transaction.atomic():
        pages = []
        for i in range(COMMUNITIES):
            page = CommunityPage(
                title=f"Community {i:04d}",
                slug=f"community-{i:04d}",
                purpose="A benchmark community. " * 5,
                is_private=i % 10 == 0,
                discoverable=i % 20 == 0,
            )
            index.add_child(instance=page)
            pages.append(page)
        users = User.objects.bulk_create([User(email=f"bench{i}@example.nhs.uk") for i in range(PEOPLE)])
        Profile.objects.bulk_create([Profile(user=u, display_name=f"Bench person {i}") for i, u in enumerate(users)])
        per_community = MEMBERSHIPS // COMMUNITIES
        rows = []
        for c, page in enumerate(pages):
            for j in range(per_community):
                user = users[(c * 37 + j) % PEOPLE]
                role = Membership.Role.FACILITATOR if j == 0 else Membership.Role.MEMBER
                rows.append(Membership(user=user, community=page, role=role))
        Membership.objects.bulk_create(rows, batch_size=5_000, ignore_conflicts=True)
        now = timezone.now()
        Event.objects.bulk_create(
            [
                Event(
                    community=page,
                    title=f"Event {k}",
                    starts_at=now + timedelta(days=k - 2),
                    ends_at=now + timedelta(days=k - 2, hours=1),
                    online_url="https://meet.example.nhs.uk",
                )
                for page in pages
                for k in range(5)
            ],
            batch_size=5_000,
        )
    print(
        f"Seeded {CommunityPage.objects.count()} communities, {Membership.objects.count()} memberships, "
        f"{Event.objects.count()} events in {time.perf_counter() - started:.0f}s"
    )


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from communities.models import CommunityPage, Membership

    community = CommunityPage.objects.get(slug="community-0001")
    viewer = Membership.objects.filter(community=community).select_related("user").first().user
    client = Client()
    client.force_login(viewer)
    pages = {
        "directory /communities/": "/communities/",
        "directory, filtered + page 3": "/communities/?q=Community&access=open&page=3",
        "community page": community.url,
        "member directory": f"/communities/{community.slug}/members/",
        "member directory page 2": f"/communities/{community.slug}/members/?page=2",
    }
    print(f"\n{'page':32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, url in pages.items():
        client.get(url)  # warm caches
        timings = []
        queries = 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:32} {statistics.median(timings):8.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
