"""Count finished days' community activity ahead of time, so no dashboard reader waits for it."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics import rollup


class Command(BaseCommand):
    help = "Roll up messages and threads per community per day for the leaders' dashboard (run nightly)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=3 * 366, help="How many days back to cover (default 3 years).")

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        yesterday = timezone.localdate() - timedelta(days=1)
        added, _ = rollup.roll_up(yesterday - timedelta(days=days - 1), yesterday)
        self.stdout.write(f"Rolled up {added} day(s).")
