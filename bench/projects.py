"""Benchmark the projects pages: p50/p95 render time and query counts.

    .venv/bin/python bench/projects.py [--projects 10000] [--runs 30]

Builds a throwaway SQLite database (bench/.projects.sqlite3, rebuilt each run) with N published
projects (bulk-inserted, bypassing Wagtail's per-page save so setup takes seconds), seven
priorities sharing them, and one write-up with four measures of 200 points each. Then renders the
write-up, the project index (unfiltered, filtered and sorted, and a deep page) and a priority page
through Django's test client, and prints the figures. It asserts nothing: it is a measurement.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "bench" / ".projects.sqlite3"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boost.settings.test")
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _step(number: int) -> str:
    text = ""
    for _ in range(4):
        number, digit = divmod(number, 36)
        text = _ALPHABET[digit] + text
    return text


def build(n_projects: int) -> dict:
    import logging

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction
    from wagtail.models import Page

    from projects.measurement import refresh_measure
    from projects.models import (
        DataPoint,
        Measure,
        Organisation,
        PriorityIndexPage,
        PriorityPage,
        ProjectIndexPage,
        ProjectPage,
        Stage,
    )

    logging.disable(logging.CRITICAL)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    call_command("migrate", verbosity=0)

    priority_index = PriorityIndexPage.objects.get()
    priorities = []
    for i in range(7):
        priority = PriorityPage(title=f"Priority {i + 1}", aim="An aim for the whole system.")
        priority_index.add_child(instance=priority)
        priority.save_revision().publish()
        priorities.append(priority)
    organisations = [Organisation.objects.create(name=f"Trust {i}", slug=f"trust-{i}") for i in range(40)]

    index = ProjectIndexPage.objects.get()
    content_type = ContentType.objects.get_for_model(ProjectPage)
    stages = [stage.value for stage in Stage]
    start = time.perf_counter()
    with transaction.atomic():
        base_rows = []
        for i in range(1, n_projects + 1):
            slug = f"project-{i}"
            base_rows.append(
                Page(
                    title=f"Project {i}",
                    draft_title=f"Project {i}",
                    slug=slug,
                    content_type=content_type,
                    path=index.path + _step(i),
                    depth=index.depth + 1,
                    numchild=0,
                    url_path=f"{index.url_path}{slug}/",
                    locale_id=index.locale_id,
                    live=True,
                    first_published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i),
                    last_published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i),
                )
            )
        Page.objects.bulk_create(base_rows, batch_size=500)
        ids = list(Page.objects.filter(content_type=content_type).order_by("path").values_list("pk", flat=True))
        fields = [f for f in ProjectPage._meta.local_fields if f.column != "page_ptr_id"]
        columns = ["page_ptr_id", *[f.column for f in fields]]
        defaults = {f.column: f.get_default() for f in fields}
        rows = []
        for position, page_id in enumerate(ids):
            values = dict(defaults)
            values.update(
                summary=f"A short plain summary of project {position}.",
                aim="Halve the wait.",
                stage=stages[position % len(stages)],
                care_setting="acute" if position % 3 else "community",
                care_area_id=None,
                adapted_from_id=ids[position - 1] if position % 50 == 1 else None,
            )
            rows.append([page_id, *[values[c] for c in columns[1:]]])
        table = ProjectPage._meta.db_table
        placeholders = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            # Table and column names come from the model's own metadata; every value is a parameter.
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, rows)
        Page.objects.filter(pk=index.pk).update(numchild=len(ids))
        priority_links = ProjectPage.priorities.through
        priority_links.objects.bulk_create(
            [priority_links(projectpage_id=pid, prioritypage_id=priorities[k % 7].pk) for k, pid in enumerate(ids)],
            batch_size=1000,
        )
        organisation_links = ProjectPage.organisations.through
        organisation_links.objects.bulk_create(
            [
                organisation_links(projectpage_id=pid, organisation_id=organisations[k % 40].pk)
                for k, pid in enumerate(ids)
            ],
            batch_size=1000,
        )
        headline_measures = [
            Measure(project_id=pid, name="Waiting list", operational_definition="Count", better="lower")
            for pid in ids[::5]
        ]
        Measure.objects.bulk_create(headline_measures, batch_size=1000)
    setup = time.perf_counter() - start

    write_up = ProjectPage.objects.get(pk=ids[0])
    for m in range(4):
        measure = Measure.objects.create(
            project=write_up, name=f"Measure {m + 1}", operational_definition="Count per month", better="lower"
        )
        DataPoint.objects.bulk_create(
            [
                DataPoint(measure=measure, date=date(2010, 1, 1) + timedelta(days=30 * i), value=Decimal(v))
                for i, v in enumerate((1000 - i * 2 + (i * 7919 + m) % 61) for i in range(200))
            ]
        )
        refresh_measure(measure)
    # Headlines for the sample measures, without the statistics' cost in the setup time above.
    for measure in Measure.objects.filter(project_id__in=ids[:100:5]):
        DataPoint.objects.bulk_create(
            [DataPoint(measure=measure, date=date(2023, 1 + i, 1), value=Decimal(800 - i * 40)) for i in range(12)]
        )
        refresh_measure(measure)
    return {
        "setup_seconds": setup,
        "write_up": write_up.url,
        "index": index.url,
        "priority": priorities[0].url,
        "priority_pk": priorities[0].pk,
    }


def measure_url(client, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm
    timings = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        queries = len(captured.captured_queries)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    return statistics.median(timings), p95, queries, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client

    info = build(args.projects)
    client = Client()
    print(f"Setup: {args.projects:,} projects in {info['setup_seconds']:.1f}s (bulk insert)\n")
    print(f"{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    pages = [
        ("write-up (4 measures x 200 points)", info["write_up"]),
        (f"project index, {args.projects:,} projects, page 1", info["index"]),
        (
            "project index, filtered by priority, sorted by title",
            f"{info['index']}?priority={info['priority_pk']}&sort=title",
        ),
        ("project index, sorted by stage, page 200", f"{info['index']}?sort=stage&page=200"),
        (f"priority page ({args.projects // 7:,} projects)", info["priority"]),
        ("home page", "/"),
    ]
    for label, url in pages:
        p50, p95, queries, status = measure_url(client, url, args.runs)
        print(f"{label:<52} {p50:>8.1f} {p95:>8.1f} {queries:>8} {status:>7}")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
