"""Thread page render time: 1,000 messages against 10 and 50 (goal: within 1.2x, same query count).

    .venv/bin/python bench/thread_render.py

Migrates a fresh SQLite file, builds three threads (10, 50 and 1,000 messages; some replies, some
reactions), renders each first page in interleaved rounds with Django's test client (signed in) and
prints the median and p95 time, the query counts and the ratios. Prints figures; asserts nothing.
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
os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='boost-render-')) / 'render.sqlite3'}"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=60, help="interleaved GETs of each page")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    from accounts.models import User
    from boost.models import HomePage
    from communities.models import CommunityIndexPage, CommunityPage, Membership
    from discussions import services
    from discussions.models import Message, Reaction

    home = HomePage.objects.get()
    index = CommunityIndexPage.objects.first() or home.add_child(
        instance=CommunityIndexPage(title="Communities", slug="communities")
    )
    community = index.add_child(instance=CommunityPage(title="Render", slug="render", purpose="Bench."))
    author = User.objects.create_user(email="author@example.nhs.uk", password=None)
    reader = User.objects.create_user(email="reader@example.nhs.uk", password=None)
    for user in (author, reader):
        Membership.objects.create(user=user, community=community)
    threads = {}
    for size in (10, 50, 1000):
        thread = services.start_thread(
            author=author, community=community, title=f"{size}", body="Start", client_id=f"start-{size}"
        )
        Message.objects.bulk_create(
            [
                Message(
                    thread=thread,
                    author=author,
                    client_id=f"m-{size}-{i}",
                    body=f"Message {i} with **markdown**",
                    body_html=f"<p>Message {i} with <strong>markdown</strong></p>",
                )
                for i in range(size - 1)
            ]
        )
        threads[size] = thread
    # Realistic pages: every fifth message replies to an earlier one, every third has reactions.
    for thread in threads.values():
        ids = list(thread.messages.order_by("id").values_list("id", flat=True))
        Message.objects.bulk_update(
            [Message(pk=pk, reply_to_id=ids[i - 3]) for i, pk in enumerate(ids) if i >= 3 and i % 5 == 0],
            ["reply_to"],
        )
        Reaction.objects.bulk_create(
            [Reaction(message_id=pk, user=author, kind="thanks") for i, pk in enumerate(ids) if i % 3 == 0]
        )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    urls = {size: f"/discussions/{thread.pk}/" for size, thread in threads.items()}
    queries: dict[int, int] = {}
    for size, url in urls.items():
        assert client.get(url).status_code == 200, url
        log: list[str] = []
        with connection.execute_wrapper(lambda execute, sql, *args, log=log: log.append(sql) or execute(sql, *args)):
            client.get(url)
        queries[size] = len(log)
    # Interleaved rounds, so that load from anything else on the machine falls on every size alike.
    timings: dict[int, list[float]] = {size: [] for size in urls}
    for _ in range(args.rounds):
        for size, url in urls.items():
            start = time.perf_counter()
            client.get(url)
            timings[size].append((time.perf_counter() - start) * 1000)
    results = {}
    for size in urls:
        ordered = sorted(timings[size])
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        results[size] = (statistics.median(ordered), queries[size])
        print(f"{size:5d} messages: median {results[size][0]:6.1f} ms, p95 {p95:6.1f} ms, {queries[size]} queries")
    same = results[1000][1] == results[50][1] == results[10][1]
    print(f"ratio 1000/10: {results[1000][0] / results[10][0]:.2f} (goal <= 1.2; its page shows 50, not 10)")
    print(f"ratio 1000/50: {results[1000][0] / results[50][0]:.2f} (same page size: what history length costs)")
    print(f"same query count for 10, 50 and 1,000 messages: {same}")


if __name__ == "__main__":
    main()
