"""Benchmark (not a test): the programme page, a cohort dashboard and a learner's record at scale.

Seeds one programme with 3 modules and 100 cohorts of 10 teams of 10 people (1,100 private
workspaces, 10,000 people, applications, memberships, 3 sessions a cohort with attendance, module
progress and phase gates) into a scratch SQLite database (or DATABASE_URL with
--use-configured-db), then renders each page N times and prints p50/p95 render time and queries.

    .venv/bin/python bench/learning.py [--runs 30] [--cohorts 100] [--use-configured-db]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TEAMS = 10
PEOPLE = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cohorts", type=int, default=100)
    parser.add_argument("--use-configured-db", action="store_true")
    args = parser.parse_args()
    from bench.scratch import start_django

    start_django(use_configured_db=args.use_configured_db)
    programme = seed(args.cohorts)
    measure(programme, args.runs)


def seed(cohort_count: int):
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Profession, Profile, User
    from communities.models import Access, CommunityIndexPage, CommunityPage, Event, Membership
    from learning.models import (
        Application,
        Cohort,
        ModuleProgress,
        PhaseGate,
        ProgrammePage,
        SessionAttendance,
        Team,
    )
    from tests.factories.learning import list_modules, make_module, make_programme

    existing = ProgrammePage.objects.filter(slug="bench-programme").first()
    if existing:
        print("Already seeded.")
        return existing
    started = time.perf_counter()
    professions = [choice for choice, _ in Profession.choices]
    with transaction.atomic():
        programme = make_programme("Bench programme", slug="bench-programme")
        modules = [make_module(programme, f"Bench module {n}", checks=2) for n in range(3)]
        list_modules(programme, modules)
        index = CommunityIndexPage.objects.get()
        now = timezone.now()
        for c in range(cohort_count):
            workspace = CommunityPage(
                title=f"Cohort {c} workspace",
                slug=f"bench-cohort-{c}",
                purpose="Bench",
                access=Access.INVITE,
                is_private=True,
            )
            index.add_child(instance=workspace)
            cohort = Cohort.objects.create(
                programme=programme,
                name=f"Cohort {c:03d}",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 12, 1),
                applications_close_on=date(2025, 12, 1),
                capacity=TEAMS * PEOPLE,
                community=workspace,
            )
            users = User.objects.bulk_create(
                [User(email=f"bench-{c}-{i}@example.nhs.uk") for i in range(TEAMS * PEOPLE)]
            )
            Profile.objects.bulk_create(
                [
                    Profile(user=u, display_name=f"Person {c}-{i}", profession=professions[i % len(professions)])
                    for i, u in enumerate(users)
                ]
            )
            Application.objects.bulk_create(
                [Application(cohort=cohort, user=u, state=Application.State.ACCEPTED) for u in users]
            )
            sessions = Event.objects.bulk_create(
                [
                    Event(
                        community=workspace,
                        title=f"Session {k}",
                        starts_at=now - timedelta(days=30 * (k + 1)),
                        ends_at=now - timedelta(days=30 * (k + 1), hours=-6),
                    )
                    for k in range(3)
                ]
            )
            rows, attendance, progress = [], [], []
            for t in range(TEAMS):
                space = CommunityPage(
                    title=f"Cohort {c} team {t}",
                    slug=f"bench-team-{c}-{t}",
                    purpose="Bench",
                    access=Access.INVITE,
                    is_private=True,
                )
                index.add_child(instance=space)
                team = Team.objects.create(
                    cohort=cohort, name=f"Team {t}", community=space, phase=["crawl", "walk", "run"][t % 3]
                )
                if t % 3:
                    PhaseGate.objects.create(team=team, from_phase="crawl", to_phase="walk", note="Bench")
                for person in users[t * PEOPLE : (t + 1) * PEOPLE]:
                    rows.append(Membership(user=person, community=space))
                    rows.append(Membership(user=person, community=workspace))
                    attendance += [SessionAttendance(event=s, user=person) for s in sessions[: 1 + person.pk % 3]]
                    progress += [
                        ModuleProgress(user=person, module=m, state=ModuleProgress.State.COMPLETED, completed_at=now)
                        for m in modules[: person.pk % 4]
                    ]
            Membership.objects.bulk_create(rows, batch_size=5000)
            SessionAttendance.objects.bulk_create(attendance, batch_size=5000)
            ModuleProgress.objects.bulk_create(progress, batch_size=5000)
    print(
        f"Seeded {Cohort.objects.count()} cohorts, {Team.objects.count()} teams, {Membership.objects.count()} "
        f"memberships, {SessionAttendance.objects.count()} attendances in {time.perf_counter() - started:.0f}s"
    )
    return programme


def measure(programme, runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from learning.models import Cohort, ModuleProgress

    # A programme lead named on the page (an admin would be sent to set up a second factor first).
    lead = User.objects.create_user(email=f"bench-lead-{time.time_ns()}@example.nhs.uk", password=None)
    programme.leads.add(lead)
    programme.save()  # parental many-to-many: stored when the page is saved
    learner = ModuleProgress.objects.select_related("user").order_by("-pk").first().user
    cohort = Cohort.objects.filter(programme=programme).order_by("-pk").first()
    pages = {
        "programme page (lead)": (lead, programme.url),
        "cohort dashboard (lead)": (lead, f"/learning/cohorts/{cohort.pk}/dashboard/"),
        "dashboard CSV (lead)": (lead, f"/learning/cohorts/{cohort.pk}/dashboard.csv"),
        "programme page (learner)": (learner, programme.url),
        "learning record (learner)": (learner, "/learning/record/"),
    }
    print(f"\n{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
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
        print(f"{label:28} {statistics.median(timings):8.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
