"""Benchmark (not a test): the leaders' pages at scale, p50/p95 render time and query counts.

Seeds a priority with PROJECTS write-ups of MEASURES_EACH outcome measures (24 monthly points,
analysed once and copied), MEMBERS people, COMMUNITIES communities and MESSAGES messages, into a
scratch SQLite database (or the database in DATABASE_URL with --use-configured-db), then requests
the priority page (a fresh render: the report's cache is cleared first, and a cached one), the
analytics dashboard (whole site and one community, from its short-lived cache and computed afresh),
and the API's write-up list (100 a page). --reuse measures what an earlier run seeded.

    .venv/bin/python bench/leaders.py [--runs 20] [--members 50000] [--communities 1000]
        [--messages 1000000] [--projects 50] [--use-configured-db] [--reuse]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--measures-each", type=int, default=4)
    parser.add_argument("--use-configured-db", action="store_true")
    parser.add_argument(
        "--fresh-rollup", action="store_true", help="with --reuse: forget the activity rollup, as on a new deployment"
    )
    parser.add_argument("--seed-only", action="store_true", help="seed, measure nothing (then run with --reuse)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the data an earlier run seeded in the same database"
    )
    args = parser.parse_args()
    from bench.scratch import start_django

    start_django(use_configured_db=args.use_configured_db)
    from django.conf import settings

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "0", "api_token": "0"}
    # As in production, a queued task waits for the worker (here: none) rather than running in the
    # request, so the dashboard's first request shows what a reader waits for before the backfill.
    from django.test.utils import override_settings

    override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}).enable()
    started = time.perf_counter()
    if args.reuse:
        priority, leader = seeded()
        if args.fresh_rollup:
            from analytics.models import CommunityDay, RolledUpDay

            CommunityDay.objects.all().delete()
            RolledUpDay.objects.all().delete()
    else:
        priority, leader = seed_projects(args.projects, args.measures_each)
        seed_community(args.members, args.communities, args.messages)
        print(f"Seeded in {time.perf_counter() - started:.0f}s")
        if args.seed_only:
            return
    measure(args.runs, priority, leader)


def seed_projects(count: int, measures_each: int):
    from django.db import transaction

    from projects.models import Measure
    from tests.factories.accounts import user_with_role
    from tests.factories.projects import FALLING, make_measure, make_priority, make_project

    with transaction.atomic():
        leader = user_with_role("Leader", with_mfa=True)
        author = user_with_role("Member")
        priority = make_priority("Bench priority")
        projects = [make_project(author, title=f"Bench project {i}", priorities=[priority]) for i in range(count)]
        template = make_measure(projects[0], FALLING, name="Template measure", measure_type="outcome")
        Measure.objects.bulk_create(
            [
                Measure(
                    project=project,
                    name=f"Outcome {j}",
                    operational_definition="Counted monthly.",
                    better="lower",
                    analysis=template.analysis,
                    headline=template.headline,
                    small_chart_svg=template.small_chart_svg,
                    n_points=template.n_points,
                )
                for project in projects
                for j in range(measures_each)
            ][1:]
        )
    print(f"{count} projects, {Measure.objects.count()} outcome measures under one priority")
    return priority, leader


def seeded():
    """The priority and leader an earlier run seeded (seeding the full size takes over ten minutes)."""
    from accounts.models import User
    from discussions.models import Message
    from projects.models import PriorityPage

    priority = PriorityPage.objects.get(title="Bench priority")
    leader = User.objects.filter(groups__name="Leader").order_by("pk").first()
    print(f"Reusing: {User.objects.count():,} people, {Message.objects.count():,} messages")
    return priority, leader


def seed_community(members: int, communities: int, messages: int) -> None:
    from datetime import timedelta

    from django.db import transaction
    from django.db.models import Max, Min
    from django.utils import timezone

    from accounts.models import Profession, Profile, User
    from communities.models import CommunityIndexPage, CommunityPage, Membership
    from discussions.models import Message, Thread

    professions = [value for value, _ in Profession.choices]
    with transaction.atomic():
        index = CommunityIndexPage.objects.get()
        pages = []
        for i in range(communities):
            page = CommunityPage(
                title=f"Community {i:04d}", slug=f"community-{i:04d}", purpose="Bench.", is_private=i % 10 == 0
            )
            index.add_child(instance=page)
            pages.append(page)
        now = timezone.now()
        users = User.objects.bulk_create(
            [User(email=f"bench{i}@example.nhs.uk", last_login=now if i % 3 == 0 else None) for i in range(members)],
            batch_size=5_000,
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    display_name=f"Bench {i}",
                    profession=professions[i % len(professions)],
                    organisation=f"Trust {i % 40}",
                )
                for i, u in enumerate(users)
            ],
            batch_size=5_000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=users[(c * 37 + j) % members], community=page)
                for c, page in enumerate(pages)
                for j in range(20)
            ],
            batch_size=5_000,
            ignore_conflicts=True,
        )
        threads = Thread.objects.bulk_create(
            [
                Thread(community=page, author=users[c % members], title=f"Thread {c}-{k}")
                for c, page in enumerate(pages)
                for k in range(5)
            ],
            batch_size=5_000,
        )
        batch = []
        for n in range(messages):
            thread = threads[n % len(threads)]
            batch.append(
                Message(
                    thread=thread, author=users[n % members], client_id=f"b{n}", body="Hello", body_html="<p>Hello</p>"
                )
            )
            if len(batch) == 20_000:
                Message.objects.bulk_create(batch)
                batch = []
        Message.objects.bulk_create(batch)
        # Spread the messages over the past year, oldest ids first, as a live site's would be:
        # the dashboard's default range is a year, and only today's messages are counted live.
        first, last = Message.objects.aggregate(first=Min("pk"), last=Max("pk")).values()
        step = max(1, (last - first + 1) // 365)
        for day in range(365):
            low = first + day * step
            Message.objects.filter(pk__gte=low, pk__lt=low + step if day < 364 else last + 1).update(
                created_at=now - timedelta(days=364 - day)
            )
    print(f"{members:,} members, {communities:,} communities, {Message.objects.count():,} messages")


def measure(runs: int, priority, leader) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(leader)
    cases = [
        ("priority page, fresh report", priority.url, True),
        ("priority page, cached report", priority.url, False),
        ("analytics dashboard", "/analytics/", False),
        ("analytics dashboard, uncached", "/analytics/", True),
        ("analytics, one community", "/analytics/?community=community-0001", False),
        ("analytics, one community, uncached", "/analytics/?community=community-0001", True),
        ("API write-ups, 100 a page", "/api/v1/write-ups/?page_size=100", False),
        ("API write-ups, signed out", "/api/v1/write-ups/?page_size=100", False),
    ]
    print(f"\n{'request':34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'first ms':>10}")
    for label, url, fresh in cases:
        if "signed out" in label:
            client.logout()
        started = time.perf_counter()
        client.get(url)  # warm caches (and, for the dashboard, the first read rolls up past days)
        first_ms = (time.perf_counter() - started) * 1000
        if label == "analytics dashboard":
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("rollup_activity")  # the backfill the worker (or the nightly command) does
            print(f"{'backfill: manage.py rollup_activity':34} {(time.perf_counter() - started) * 1000:>39.1f}")
        timings, queries = [], 0
        for _ in range(runs):
            if fresh:
                session = client.cookies.get("sessionid")
                cache.clear()
                if session:  # the session lives in the database, so clearing the cache keeps it
                    client.cookies["sessionid"] = session.value
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(f"{label:34} {statistics.median(timings):8.1f} {p95:8.1f} {queries:8d} {first_ms:10.1f}")


if __name__ == "__main__":
    main()
