"""Cron: erase the accounts whose closure grace period is over, and delete expired data exports."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from privacy import services


class Command(BaseCommand):
    help = "Erase accounts whose closure grace period has ended and delete expired data-export archives."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--queue", action="store_true", help="Queue the erasure for the task worker instead.")

    def handle(self, *args, queue: bool = False, **options) -> None:
        purged = services.purge_expired_exports()
        if queue:
            from privacy.tasks import erase_due_accounts

            erase_due_accounts.enqueue()
            self.stdout.write(f"Queued the erasure; deleted {purged} expired export(s).")
            return
        records = services.erase_due_accounts()
        for record in records:
            self.stdout.write(f"Erased account (audit reference {record.reference}).")
        self.stdout.write(f"{len(records)} account(s) erased; {purged} expired export(s) deleted.")
