"""Queue the daily or weekly discussion digest (run from cron: daily at 07:00, weekly on Mondays)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from discussions.models import EmailFrequency
from discussions.tasks import send_digests


class Command(BaseCommand):
    help = "Queue the discussion email digest for people on the daily or weekly digest."

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[EmailFrequency.DAILY, EmailFrequency.WEEKLY])

    def handle(self, *args, frequency: str, **options):
        result = send_digests.enqueue(frequency)
        self.stdout.write(f"Queued the {frequency} digest ({result.id}).")
