"""Benchmark (not a test): eco-map layout, drawing and page figures at the two sizes the issue names.

For each size (200 stations and 20 journeys; 1,000 stations and 60 journeys, the documented limit)
it stores a generated map (``tests.factories.ecomaps.generated_map``, one annotation per journey)
in a scratch SQLite database (or DATABASE_URL with --use-configured-db), then prints:

- layout: ``compute_layout`` alone, and the whole once-per-change redraw (layout, SVG, revision);
- the stored SVG's size, and the PNG export's rasterising time and size;
- the map page (drawing view and text-only view) and the JSON export: p50/p95 and queries.

    .venv/bin/python bench/ecomaps.py [--runs 20] [--sizes 200x20,1000x60] [--use-configured-db]
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
    parser.add_argument("--sizes", default="200x20,1000x60")
    parser.add_argument("--use-configured-db", action="store_true")
    args = parser.parse_args()
    from bench.scratch import start_django

    start_django(use_configured_db=args.use_configured_db)
    facilitator, member, community = people()
    print(
        f"\n{'size':>9} {'layout s':>9} {'redraw s':>9} {'SVG KB':>7} {'PNG s':>6} {'PNG KB':>7}  "
        f"{'page':18} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7}"
    )
    for size in args.sizes.split(","):
        stations, journeys = (int(part) for part in size.split("x"))
        measure(facilitator, member, community, stations, journeys, args.runs)


def people():
    from accounts.models import User
    from communities.models import CommunityIndexPage, CommunityPage, Membership

    index = CommunityIndexPage.objects.get()
    community = CommunityPage.objects.filter(slug="bench-maps").first()
    if community is None:
        community = CommunityPage(title="Bench maps", slug="bench-maps", purpose="Benchmark.", is_private=True)
        index.add_child(instance=community)
    facilitator, _ = User.objects.get_or_create(email="bench-facilitator@example.nhs.uk")
    member, _ = User.objects.get_or_create(email="bench-member@example.nhs.uk")
    Membership.objects.get_or_create(
        user=facilitator, community=community, defaults={"role": Membership.Role.FACILITATOR}
    )
    Membership.objects.get_or_create(user=member, community=community)
    return facilitator, member, community


def build(facilitator, community, stations: int, journeys: int):
    """The generated map stored row by row (as an import would), then drawn once by the service."""
    from django.db import transaction

    from ecomaps import services
    from ecomaps.models import Annotation, Journey, Station, Stop
    from tests.factories.ecomaps import generated_map

    data = generated_map(stations, journeys)
    ecomap = services.create_map(user=facilitator, title=f"Bench {stations}x{journeys}", community=community)
    with transaction.atomic():
        rows = Station.objects.bulk_create(
            Station(map=ecomap, key=s.key, name=s.name, organisation="Bench trust") for s in data.stations
        )
        by_key = {s.key: s for s in rows}
        for order, journey in enumerate(data.journeys):
            row = Journey.objects.create(map=ecomap, key=journey.key, name=f"Journey {order}", order=order)
            Stop.objects.bulk_create(
                Stop(journey=row, position=i, station=by_key[key]) for i, key in enumerate(journey.stops)
            )
            Annotation.objects.create(
                map=ecomap, kind="pain", text=f"Wait at step 1 of journey {order}", journey=row, segment_position=0
            )
    return ecomap, data


def measure(facilitator, member, community, stations: int, journeys: int, runs: int) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ecomaps import services
    from ecomaps.layout import compute_layout
    from ecomaps.png import svg_to_png

    ecomap, data = build(facilitator, community, stations, journeys)
    started = time.perf_counter()
    compute_layout(data)
    layout_s = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        services.redraw(ecomap, user=facilitator, summary="Benchmark")
    redraw_s = time.perf_counter() - started
    started = time.perf_counter()
    png = svg_to_png(ecomap.svg)
    png_s = time.perf_counter() - started
    client = Client()
    client.force_login(member)
    pages = {
        "map (drawing)": f"/maps/{ecomap.pk}/",
        "map (text only)": f"/maps/{ecomap.pk}/?view=list",
        "JSON export": f"/maps/{ecomap.pk}/map.json",
    }
    first = True
    for label, url in pages.items():
        client.get(url)  # warm the session and caches
        timings, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(captured)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        head = (
            f"{stations:>4}x{journeys:<4} {layout_s:9.2f} {redraw_s:9.2f} {len(ecomap.svg) / 1024:7.0f} "
            f"{png_s:6.2f} {len(png) / 1024:7.0f}"
            if first
            else " " * 44
        )
        print(f"{head}  {label:18} {statistics.median(timings):7.1f} {p95:7.1f} {queries:7d}")
        first = False


if __name__ == "__main__":
    main()
