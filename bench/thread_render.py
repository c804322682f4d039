"""Thread page render time: 1,000 messages against 10 and 50 (goal: within 1.2x, same query count).

    .venv/bin/python bench/thread_render.py

Migrates a fresh SQLite file, builds two threads, renders each first page 30 times with Django's
test client (signed in) and prints the median time, the query counts and the ratio. Prints figures;
asserts nothing.
"""

from __future__ import annotations

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
    call_command("migrate", verbosity=0)
    from accounts.models import User
    from boost.models import HomePage
    from communities.models import CommunityIndexPage, CommunityPage, Membership
    from discussions import services
    from discussions.models import Message

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
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(reader)
    results = {}
    for size, thread in threads.items():
        url = f"/discussions/{thread.pk}/"
        assert client.get(url).status_code == 200, url
        queries: list[str] = []
        with connection.execute_wrapper(
            lambda execute, sql, *args, log=queries: log.append(sql) or execute(sql, *args)
        ):
            client.get(url)
        timings = []
        for _ in range(30):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        results[size] = (statistics.median(timings), len(queries))
        print(f"{size:5d} messages: median {results[size][0]:6.1f} ms, {results[size][1]} queries")
    same = results[1000][1] == results[50][1] == results[10][1]
    print(f"ratio 1000/10: {results[1000][0] / results[10][0]:.2f} (goal <= 1.2; its page shows 50, not 10)")
    print(f"ratio 1000/50: {results[1000][0] / results[50][0]:.2f} (same page size: what history length costs)")
    print(f"same query count for 10, 50 and 1,000 messages: {same}")


if __name__ == "__main__":
    main()
